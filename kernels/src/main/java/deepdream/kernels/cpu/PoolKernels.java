package deepdream.kernels.cpu;

import deepdream.engine.PoolSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Caffe max pooling on one plane (the backend splits planes across threads). Windows are clipped
 * to the input; the gradient goes to the first maximum of each window (row-major, strict '&gt;').
 */
final class PoolKernels {
    private PoolKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static void maxForward(float[] x, int xo, int h, int w, PoolSpec s, float[] y, int yo, int oh, int ow) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW();
        // Output columns whose window lies fully inside the row: the vector loop needs no clipping.
        int inLo = Math.min(ow, (pw + sw - 1) / sw), inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - kw + pw, sw) + 1));
        for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
            int dst = yo + oy * ow;
            int ox = 0;
            for (; ox < inLo; ox++) y[dst + ox] = windowMax(x, xo, w, y0, y1, ox * sw - pw, kw);
            if (sw == 1) {
                // Stride 1 (inception's 3×3 pool): L outputs at once from L shifted loads per tap.
                for (; ox + L <= inHi; ox += L) {
                    FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                    for (int iy = y0; iy < y1; iy++) {
                        int row = xo + iy * w + ox - pw;
                        for (int kx = 0; kx < kw; kx++) m = m.max(FloatVector.fromArray(S, x, row + kx));
                    }
                    m.intoArray(y, dst + ox);
                }
            }
            for (; ox < ow; ox++) y[dst + ox] = windowMax(x, xo, w, y0, y1, ox * sw - pw, kw);
        }
    }

    /** Scalar twin of the vector loop: max over rows [y0, y1) and columns [x0, x0+kw) clipped to [0, w). */
    private static float windowMax(float[] x, int xo, int w, int y0, int y1, int x0, int kw) {
        int a = Math.max(0, x0), b = Math.min(w, x0 + kw);
        if (a >= b || y0 >= y1) return 0f;   // a window wholly outside the image (as the reference does)
        float m = Float.NEGATIVE_INFINITY;
        for (int iy = y0; iy < y1; iy++) {
            int row = xo + iy * w;
            for (int ix = a; ix < b; ix++) m = Math.max(m, x[row + ix]);
        }
        return m;
    }

    static void maxBackward(float[] x, int xo, int h, int w, PoolSpec s, float[] dy, int dyo, int oh, int ow, float[] dx) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW();
        Arrays.fill(dx, xo, xo + h * w, 0f);
        for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
            for (int ox = 0; ox < ow; ox++) {
                int x0 = Math.max(0, ox * sw - pw), x1 = Math.min(w, ox * sw - pw + kw);
                if (x0 >= x1 || y0 >= y1) continue;
                int arg = xo + y0 * w + x0;
                float m = x[arg];
                for (int iy = y0; iy < y1; iy++) {
                    int row = xo + iy * w;
                    for (int ix = x0; ix < x1; ix++) {
                        if (x[row + ix] > m) { m = x[row + ix]; arg = row + ix; }
                    }
                }
                dx[arg] += dy[dyo + oy * ow + ox];
            }
        }
    }
}
