package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Lucid's random_rotate: rotate about the image centre by an angle drawn uniformly from a list
 * (degrees), same size, bilinear; a sample falling outside the source reads 0 (the mean colour in
 * the net's input space), as TensorFlow's rotate fills with zeros. The adjoint scatters each output
 * value back to its four source pixels with the same weights: the exact transpose.
 */
final class RandomRotate implements ImageTransform {
    private final double[] degrees;

    RandomRotate(double[] degrees) {
        if (degrees.length == 0) throw new IllegalArgumentException("random rotation needs at least one angle");
        for (double d : degrees) if (!Double.isFinite(d)) throw new IllegalArgumentException("rotation angles must be finite, got " + d);
        this.degrees = degrees.clone();
    }

    @Override
    public Instance sample(int height, int width, SplittableRandom random) {
        double a = Math.toRadians(degrees[random.nextInt(degrees.length)]);
        if (a == 0) return IDENTITY;
        Map map = new Map(height, width, a);
        return new Instance() {
            @Override public PlanarImage forward(PlanarImage image) { return map.forward(image); }
            @Override public PlanarImage adjoint(PlanarImage gradient) { return map.adjoint(gradient); }
        };
    }

    private static final Instance IDENTITY = new Instance() {
        @Override public PlanarImage forward(PlanarImage image) { return image; }
        @Override public PlanarImage adjoint(PlanarImage gradient) { return gradient; }
    };

    /** Per output pixel: the top-left source pixel (−1 where the sample misses the image) and the weights of the four. */
    static final class Map {
        private final int h, w;
        private final int[] x0, y0;
        private final float[] fx, fy;

        Map(int h, int w, double angle) {
            this.h = h;
            this.w = w;
            x0 = new int[h * w];
            y0 = new int[h * w];
            fx = new float[h * w];
            fy = new float[h * w];
            double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0, c = Math.cos(angle), s = Math.sin(angle);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    // The output pixel (y, x) samples the source at the inverse rotation of its offset from the centre.
                    double sx = c * (x - cx) + s * (y - cy) + cx, sy = -s * (x - cx) + c * (y - cy) + cy;
                    int i = y * w + x, ix = (int) Math.floor(sx), iy = (int) Math.floor(sy);
                    x0[i] = ix;
                    y0[i] = iy;
                    fx[i] = (float) (sx - ix);
                    fy[i] = (float) (sy - iy);
                }
        }

        private boolean inside(int y, int x) { return y >= 0 && y < h && x >= 0 && x < w; }

        PlanarImage forward(PlanarImage src) {
            check(src);
            PlanarImage dst = new PlanarImage(src.channels(), h, w);
            float[] in = src.data(), out = dst.data();
            int plane = h * w;
            for (int c = 0; c < src.channels(); c++)
                for (int i = 0; i < plane; i++) {
                    int x = x0[i], y = y0[i];
                    float ax = fx[i], ay = fy[i], v = 0;
                    if (inside(y, x)) v += in[c * plane + y * w + x] * (1 - ax) * (1 - ay);
                    if (inside(y, x + 1)) v += in[c * plane + y * w + x + 1] * ax * (1 - ay);
                    if (inside(y + 1, x)) v += in[c * plane + (y + 1) * w + x] * (1 - ax) * ay;
                    if (inside(y + 1, x + 1)) v += in[c * plane + (y + 1) * w + x + 1] * ax * ay;
                    out[c * plane + i] = v;
                }
            return dst;
        }

        PlanarImage adjoint(PlanarImage g) {
            check(g);
            PlanarImage dst = new PlanarImage(g.channels(), h, w);
            float[] in = g.data(), out = dst.data();
            int plane = h * w;
            for (int c = 0; c < g.channels(); c++)
                for (int i = 0; i < plane; i++) {
                    int x = x0[i], y = y0[i];
                    float ax = fx[i], ay = fy[i], v = in[c * plane + i];
                    if (inside(y, x)) out[c * plane + y * w + x] += v * (1 - ax) * (1 - ay);
                    if (inside(y, x + 1)) out[c * plane + y * w + x + 1] += v * ax * (1 - ay);
                    if (inside(y + 1, x)) out[c * plane + (y + 1) * w + x] += v * (1 - ax) * ay;
                    if (inside(y + 1, x + 1)) out[c * plane + (y + 1) * w + x + 1] += v * ax * ay;
                }
            return dst;
        }

        private void check(PlanarImage img) {
            if (img.height() != h || img.width() != w)
                throw new IllegalArgumentException("rotation expects a " + w + "x" + h + " image, got " + img.width() + "x" + img.height());
        }
    }

    @Override public String toString() { return "random rotate " + Arrays.toString(degrees) + " deg"; }
}
