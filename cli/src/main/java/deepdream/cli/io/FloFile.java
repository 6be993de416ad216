package deepdream.cli.io;

import deepdream.cli.UserException;
import deepdream.engine.flow.FlowField;
import deepdream.engine.image.PlanarImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Middlebury .flo files (magic "PIEH", width, height, then u,v float pairs, little-endian) and the colour-wheel picture of a flow. */
public final class FloFile {
    private FloFile() {}

    private static final float MAGIC = 202021.25f;

    public static void write(Path file, FlowField f) {
        int w = f.width(), h = f.height();
        ByteBuffer b = ByteBuffer.allocate(12 + 8 * w * h).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(MAGIC).putInt(w).putInt(h);
        float[] u = f.u(), v = f.v();
        for (int i = 0; i < w * h; i++) b.putFloat(u[i]).putFloat(v[i]);
        AtomicFiles.write(file, out -> out.write(b.array()));
    }

    public static FlowField read(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() < 12 || b.getFloat() != MAGIC) throw new UserException(file + " is not a Middlebury .flo file");
            int w = b.getInt(), h = b.getInt();
            if (w < 1 || h < 1 || b.remaining() != 8L * w * h) throw new UserException(file + " is truncated or damaged (" + w + "x" + h + ")");
            float[] u = new float[w * h], v = new float[w * h];
            for (int i = 0; i < w * h; i++) { u[i] = b.getFloat(); v[i] = b.getFloat(); }
            return new FlowField(h, w, u, v);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Middlebury colour coding: hue is the direction, saturation the length relative to the
     * longest motion (Baker et al., "A Database and Evaluation Methodology for Optical Flow").
     */
    public static PlanarImage colourWheel(FlowField f) {
        float[][] wheel = wheel();
        int n = f.width() * f.height();
        float[] u = f.u(), v = f.v();
        double max = 1e-9;
        for (int i = 0; i < n; i++) max = Math.max(max, Math.hypot(u[i], v[i]));
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double fx = u[i] / max, fy = v[i] / max, rad = Math.sqrt(fx * fx + fy * fy), a = Math.atan2(-fy, -fx) / Math.PI;
            double fk = (a + 1) / 2 * (wheel.length - 1);
            int k0 = (int) fk, k1 = (k0 + 1) % wheel.length;
            double t = fk - k0;
            for (int c = 0; c < 3; c++) {
                double col = (1 - t) * wheel[k0][c] + t * wheel[k1][c];
                col = rad <= 1 ? 1 - rad * (1 - col) : col * 0.75;
                out[c * n + i] = (float) (255 * col);
            }
        }
        return new PlanarImage(3, f.height(), f.width(), out);
    }

    /** The 55 colours of the wheel: red-yellow, yellow-green, green-cyan, cyan-blue, blue-magenta, magenta-red. */
    private static float[][] wheel() {
        int[] counts = {15, 6, 4, 11, 13, 6};
        float[][] w = new float[55][];
        int k = 0;
        for (int seg = 0; seg < 6; seg++)
            for (int i = 0; i < counts[seg]; i++, k++) {
                float t = (float) i / counts[seg];
                w[k] = switch (seg) {
                    case 0 -> new float[] {1, t, 0};
                    case 1 -> new float[] {1 - t, 1, 0};
                    case 2 -> new float[] {0, 1, t};
                    case 3 -> new float[] {0, 1 - t, 1};
                    case 4 -> new float[] {t, 0, 1};
                    default -> new float[] {1, 0, 1 - t};
                };
            }
        return w;
    }
}
