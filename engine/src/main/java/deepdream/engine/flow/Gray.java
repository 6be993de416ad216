package deepdream.engine.flow;

import deepdream.engine.image.PlanarImage;

/** Luma planes (ITU-R BT.601 weights) for flow: motion is found on brightness, not colour. */
final class Gray {
    private Gray() {}

    static float[] of(PlanarImage rgb) {
        int plane = rgb.height() * rgb.width();
        float[] d = rgb.data(), out = new float[plane];
        if (rgb.channels() < 3) {
            System.arraycopy(d, 0, out, 0, plane);
            return out;
        }
        for (int i = 0; i < plane; i++) out[i] = 0.299f * d[i] + 0.587f * d[plane + i] + 0.114f * d[2 * plane + i];
        return out;
    }
}
