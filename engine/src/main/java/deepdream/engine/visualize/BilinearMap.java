package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

/**
 * A linear resampling: out[c][y][x] is the bilinear interpolation of the source at
 * (ay·y + by, ax·x + bx), coordinates clamped to the source (edge pixels repeat). Resizing and
 * zooming about the centre are both of this form. {@link #adjoint} is the exact transpose, so a
 * gradient with respect to the output becomes the gradient with respect to the source.
 */
final class BilinearMap {
    private final int srcH, srcW, outH, outW;
    private final int[] y0, y1, x0, x1;
    private final float[] fy, fx;

    BilinearMap(int srcH, int srcW, int outH, int outW, double ay, double by, double ax, double bx) {
        this.srcH = srcH; this.srcW = srcW; this.outH = outH; this.outW = outW;
        y0 = new int[outH]; y1 = new int[outH]; fy = new float[outH];
        x0 = new int[outW]; x1 = new int[outW]; fx = new float[outW];
        axis(outH, srcH, ay, by, y0, y1, fy);
        axis(outW, srcW, ax, bx, x0, x1, fx);
    }

    /** Resize src to out×out with pixel centres aligned (as {@link deepdream.engine.image.Resize#bilinear} without its pre-shrinking). */
    static BilinearMap resize(int srcH, int srcW, int outH, int outW) {
        double sy = (double) srcH / outH, sx = (double) srcW / outW;
        return new BilinearMap(srcH, srcW, outH, outW, sy, 0.5 * sy - 0.5, sx, 0.5 * sx - 0.5);
    }

    /** Zoom about the centre by factor (&gt; 1 enlarges), same size (as {@link deepdream.engine.image.Resize#zoomCentre}). */
    static BilinearMap zoom(int h, int w, double factor) {
        return new BilinearMap(h, w, h, w, 1 / factor, (0.5 - h / 2.0) / factor + h / 2.0 - 0.5, 1 / factor, (0.5 - w / 2.0) / factor + w / 2.0 - 0.5);
    }

    private static void axis(int out, int src, double a, double b, int[] i0, int[] i1, float[] f) {
        for (int i = 0; i < out; i++) {
            double p = Math.min(Math.max(a * i + b, 0), src - 1);
            i0[i] = (int) p;
            i1[i] = Math.min(i0[i] + 1, src - 1);
            f[i] = (float) (p - i0[i]);
        }
    }

    int outHeight() { return outH; }
    int outWidth() { return outW; }

    PlanarImage forward(PlanarImage src) {
        check(src, srcH, srcW);
        PlanarImage dst = new PlanarImage(src.channels(), outH, outW);
        float[] in = src.data(), out = dst.data();
        for (int c = 0; c < src.channels(); c++) {
            int ip = c * srcH * srcW, op = c * outH * outW;
            for (int y = 0; y < outH; y++) {
                int r0 = ip + y0[y] * srcW, r1 = ip + y1[y] * srcW, o = op + y * outW;
                float wy = fy[y];
                for (int x = 0; x < outW; x++) {
                    float top = in[r0 + x0[x]] + (in[r0 + x1[x]] - in[r0 + x0[x]]) * fx[x];
                    float bot = in[r1 + x0[x]] + (in[r1 + x1[x]] - in[r1 + x0[x]]) * fx[x];
                    out[o + x] = top + (bot - top) * wy;
                }
            }
        }
        return dst;
    }

    /** The transpose: scatters each output value back to its four source pixels with the same weights. */
    PlanarImage adjoint(PlanarImage g) {
        check(g, outH, outW);
        PlanarImage dst = new PlanarImage(g.channels(), srcH, srcW);
        float[] in = g.data(), out = dst.data();
        for (int c = 0; c < g.channels(); c++) {
            int ip = c * outH * outW, op = c * srcH * srcW;
            for (int y = 0; y < outH; y++) {
                int r0 = op + y0[y] * srcW, r1 = op + y1[y] * srcW, o = ip + y * outW;
                float wy = fy[y];
                for (int x = 0; x < outW; x++) {
                    float v = in[o + x], top = v * (1 - wy), bot = v * wy, wx = fx[x];
                    out[r0 + x0[x]] += top * (1 - wx);
                    out[r0 + x1[x]] += top * wx;
                    out[r1 + x0[x]] += bot * (1 - wx);
                    out[r1 + x1[x]] += bot * wx;
                }
            }
        }
        return dst;
    }

    private static void check(PlanarImage img, int h, int w) {
        if (img.height() != h || img.width() != w)
            throw new IllegalArgumentException("resampling expects a " + w + "x" + h + " image, got " + img.width() + "x" + img.height());
    }
}
