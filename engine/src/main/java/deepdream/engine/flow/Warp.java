package deepdream.engine.flow;

import deepdream.engine.image.PlanarImage;

/** Backward warping: out(x) = src(x + F(x)), bilinear, edges clamped. */
public final class Warp {
    private Warp() {}

    /**
     * Pulls {@code src} (a picture aligned with frame2 of the flow) onto frame1's pixels. With F from
     * {@code OpticalFlow.compute(frame1, frame2)}, {@code backward(frame2, F)} ≈ frame1.
     */
    public static PlanarImage backward(PlanarImage src, FlowField f) { return backward(src, f, false); }

    /** With wrapX, samples beyond the left or right edge read the other side (a 360 degree panorama's seam). */
    public static PlanarImage backward(PlanarImage src, FlowField f, boolean wrapX) {
        if (src.height() != f.height() || src.width() != f.width())
            throw new IllegalArgumentException("image " + src.width() + "x" + src.height() + " and flow " + f.width() + "x" + f.height() + " differ in size");
        int plane = src.height() * src.width();
        PlanarImage out = new PlanarImage(src.channels(), src.height(), src.width());
        float[] in = new float[plane], res = new float[plane];
        for (int c = 0; c < src.channels(); c++) {
            System.arraycopy(src.data(), c * plane, in, 0, plane);
            plane(in, src.height(), src.width(), f.u(), f.v(), res, wrapX);
            System.arraycopy(res, 0, out.data(), c * plane, plane);
        }
        return out;
    }

    /** One plane: out[y][x] = src(x + u, y + v), bilinear; samples outside the frame take the nearest edge pixel. */
    static void plane(float[] src, int h, int w, float[] u, float[] v, float[] out) { plane(src, h, w, u, v, out, false); }

    /** With wrapX the column coordinate is taken modulo w (and the right neighbour of column w - 1 is 0). */
    static void plane(float[] src, int h, int w, float[] u, float[] v, float[] out, boolean wrapX) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float px = wrapX ? wrap(x + u[i], w) : Math.min(Math.max(x + u[i], 0), w - 1), py = Math.min(Math.max(y + v[i], 0), h - 1);
                int x0 = Math.min((int) px, w - 1), y0 = (int) py, x1 = wrapX ? (x0 + 1) % w : Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
                float fx = px - x0, fy = py - y0;
                float top = src[y0 * w + x0] + (src[y0 * w + x1] - src[y0 * w + x0]) * fx;
                float bot = src[y1 * w + x0] + (src[y1 * w + x1] - src[y1 * w + x0]) * fx;
                out[i] = top + (bot - top) * fy;
            }
    }

    /** x modulo w, in [0, w). */
    static float wrap(float x, int w) {
        float r = x % w;
        return r < 0 ? r + w : r;
    }

    /**
     * Like {@link #plane} with Keys' cubic convolution (a = −0.5): bilinear interpolation blurs and
     * biases sub-pixel samples, which the flow's refinement would take for motion.
     */
    static void planeCubic(float[] src, int h, int w, float[] u, float[] v, float[] out) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float px = Math.min(Math.max(x + u[i], 0), w - 1), py = Math.min(Math.max(y + v[i], 0), h - 1);
                int x0 = (int) px, y0 = (int) py;
                float fx = px - x0, fy = py - y0;
                float wx0 = keys(1 + fx), wx1 = keys(fx), wx2 = keys(1 - fx), wx3 = keys(2 - fx);
                float wy0 = keys(1 + fy), wy1 = keys(fy), wy2 = keys(1 - fy), wy3 = keys(2 - fy);
                int xa = OpticalFlow.clamp(x0 - 1, w), xb = x0, xc = OpticalFlow.clamp(x0 + 1, w), xd = OpticalFlow.clamp(x0 + 2, w);
                float sum = 0;
                for (int k = 0; k < 4; k++) {
                    int row = OpticalFlow.clamp(y0 - 1 + k, h) * w;
                    float rowValue = wx0 * src[row + xa] + wx1 * src[row + xb] + wx2 * src[row + xc] + wx3 * src[row + xd];
                    sum += (k == 0 ? wy0 : k == 1 ? wy1 : k == 2 ? wy2 : wy3) * rowValue;
                }
                out[i] = sum;
            }
    }

    /** Keys' cubic kernel at distance t (0..2), a = −0.5. */
    private static float keys(float t) {
        t = Math.abs(t);
        if (t < 1) return (1.5f * t - 2.5f) * t * t + 1;
        if (t < 2) return ((-0.5f * t + 2.5f) * t - 4) * t + 2;
        return 0;
    }
}
