package deepdream.engine.image;

import deepdream.engine.model.Preprocessing;

/**
 * Caffe's preprocessing for ImageNet nets: RGB 0..255 → BGR with the per-channel mean subtracted,
 * and back. The mean is given in BGR order, as Caffe model files state it (GoogLeNet: 104, 117, 123).
 */
public final class Preprocess {
    private Preprocess() {}

    /** RGB 0..255 → net input (BGR − mean), same size. */
    public static PlanarImage toNet(PlanarImage rgb, float[] meanBgr) {
        requireRgb(rgb);
        int plane = rgb.height() * rgb.width();
        float[] in = rgb.data(), out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int from = (2 - c) * plane;  // BGR channel c comes from RGB channel 2−c
            for (int i = 0; i < plane; i++) out[c * plane + i] = in[from + i] - meanBgr[c];
        }
        return new PlanarImage(3, rgb.height(), rgb.width(), out);
    }

    /** Net input (BGR − mean) → RGB 0..255 (not clipped). */
    public static PlanarImage fromNet(PlanarImage net, float[] meanBgr) {
        requireRgb(net);
        int plane = net.height() * net.width();
        float[] in = net.data(), out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int to = (2 - c) * plane;
            for (int i = 0; i < plane; i++) out[to + i] = in[c * plane + i] + meanBgr[c];
        }
        return new PlanarImage(3, net.height(), net.width(), out);
    }

    /**
     * {lo, hi} per channel: the net-input values of pixels 0 and 255, i.e. [−mean, 255 − mean].
     * Gradient ascent clips to this so the image stays a valid picture.
     */
    public static float[][] pixelRange(float[] meanBgr) {
        float[] lo = new float[meanBgr.length], hi = new float[meanBgr.length];
        for (int c = 0; c < meanBgr.length; c++) { lo[c] = -meanBgr[c]; hi[c] = 255 - meanBgr[c]; }
        return new float[][] {lo, hi};
    }

    /** RGB 0..255 → net input as the model's preprocessing says: reorder, then (pixel · scale − mean) / std. */
    public static PlanarImage toNet(PlanarImage rgb, Preprocessing p) {
        requireRgb(rgb);
        int plane = rgb.height() * rgb.width();
        float[] in = rgb.data(), out = new float[3 * plane], mean = p.mean(), std = p.std();
        for (int c = 0; c < 3; c++) {
            int from = (p.channelOrder() == Preprocessing.ChannelOrder.BGR ? 2 - c : c) * plane;
            for (int i = 0; i < plane; i++) out[c * plane + i] = (in[from + i] * p.scale() - mean[c]) / std[c];
        }
        return new PlanarImage(3, rgb.height(), rgb.width(), out);
    }

    /** The inverse of {@link #toNet(PlanarImage, Preprocessing)} (not clipped). */
    public static PlanarImage fromNet(PlanarImage net, Preprocessing p) {
        requireRgb(net);
        int plane = net.height() * net.width();
        float[] in = net.data(), out = new float[3 * plane], mean = p.mean(), std = p.std();
        for (int c = 0; c < 3; c++) {
            int to = (p.channelOrder() == Preprocessing.ChannelOrder.BGR ? 2 - c : c) * plane;
            for (int i = 0; i < plane; i++) out[to + i] = (in[c * plane + i] * std[c] + mean[c]) / p.scale();
        }
        return new PlanarImage(3, net.height(), net.width(), out);
    }

    private static void requireRgb(PlanarImage img) {
        if (img.channels() != 3) throw new IllegalArgumentException("expected a 3-channel image, got " + img.channels() + " channels");
    }
}
