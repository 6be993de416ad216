package deepdream.kernels.cpu;

import deepdream.engine.PoolSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Caffe max pooling on one plane (the backend splits planes across threads), separably: for each
 * output row a vector pass takes the max down the window's rows for every input column, then a
 * short pass takes the max across each window's columns. A 3×3 window costs ~3 vector + 3 scalar
 * steps per output instead of 9 scalar compares. Windows are clipped to the input; a window wholly
 * outside it yields 0, as in the reference.
 *
 * <p>Backward sends each output's gradient to the first maximum of its window in row-major order
 * (Caffe's strict '&gt;' scan). Separably: the column pass keeps, per column, the first row holding
 * the column's max; the row pass picks the largest value, ties going to the smaller row, then to
 * the smaller column — which is exactly the row-major first maximum.
 */
final class PoolKernels {
    private PoolKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();

    /** colMax: per-thread buffer of at least w floats. */
    static void maxForward(float[] x, int xo, int h, int w, PoolSpec s, float[] y, int yo, int oh, int ow, float[] colMax) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW();
        // Output columns whose window lies fully inside the row: the stride-1 vector pass needs no clipping there.
        int inLo = Math.min(ow, (pw + sw - 1) / sw), inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - kw + pw, sw) + 1));
        for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
            int dst = yo + oy * ow;
            if (y0 >= y1) { Arrays.fill(y, dst, dst + ow, 0f); continue; }
            columnMax(x, xo, w, y0, y1, colMax);
            int ox = 0;
            if (sw == 1) {
                for (ox = inLo; ox + L <= inHi; ox += L) {
                    FloatVector m = FloatVector.fromArray(S, colMax, ox - pw);
                    for (int kx = 1; kx < kw; kx++) m = m.max(FloatVector.fromArray(S, colMax, ox - pw + kx));
                    m.intoArray(y, dst + ox);
                }
                for (int o = 0; o < inLo; o++) y[dst + o] = rowMax(colMax, w, o * sw - pw, kw);
            }
            for (; ox < ow; ox++) y[dst + ox] = rowMax(colMax, w, ox * sw - pw, kw);
        }
    }

    /** colMax[ix] = max over rows [y0, y1) of x at column ix. */
    private static void columnMax(float[] x, int xo, int w, int y0, int y1, float[] colMax) {
        int first = xo + y0 * w, ix = 0;
        for (int end = S.loopBound(w); ix < end; ix += L) {
            FloatVector m = FloatVector.fromArray(S, x, first + ix);
            for (int iy = y0 + 1; iy < y1; iy++) m = m.max(FloatVector.fromArray(S, x, xo + iy * w + ix));
            m.intoArray(colMax, ix);
        }
        for (; ix < w; ix++) {
            float m = x[first + ix];
            for (int iy = y0 + 1; iy < y1; iy++) { float v = x[xo + iy * w + ix]; if (v > m) m = v; }
            colMax[ix] = m;
        }
    }

    /** Max of colMax over columns [x0, x0 + kw) clipped to [0, w); 0 for an empty window. */
    private static float rowMax(float[] colMax, int w, int x0, int kw) {
        int a = Math.max(0, x0), b = Math.min(w, x0 + kw);
        if (a >= b) return 0f;
        float m = colMax[a];
        for (int ix = a + 1; ix < b; ix++) if (colMax[ix] > m) m = colMax[ix];
        return m;
    }

    /** colMax, colRow: per-thread buffers of at least w elements. dx shares x's offset. */
    static void maxBackward(float[] x, int xo, int h, int w, PoolSpec s, float[] dy, int dyo, int oh, int ow, float[] dx,
                            float[] colMax, int[] colRow) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW();
        Arrays.fill(dx, xo, xo + h * w, 0f);
        for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
            if (y0 >= y1) continue;
            columnArgMax(x, xo, w, y0, y1, colMax, colRow);
            for (int ox = 0; ox < ow; ox++) {
                int a = Math.max(0, ox * sw - pw), b = Math.min(w, ox * sw - pw + kw);
                if (a >= b) continue;
                float best = colMax[a];
                int row = colRow[a], col = a;
                for (int ix = a + 1; ix < b; ix++) {
                    float v = colMax[ix];
                    // Columns are scanned left to right, so an equal value wins only from an earlier row.
                    if (v > best || (v == best && colRow[ix] < row)) { best = v; row = colRow[ix]; col = ix; }
                }
                dx[xo + row * w + col] += dy[dyo + oy * ow + ox];
            }
        }
    }

    /** Per column: the max over rows [y0, y1) and the first row reaching it. */
    private static void columnArgMax(float[] x, int xo, int w, int y0, int y1, float[] colMax, int[] colRow) {
        int first = xo + y0 * w, ix = 0;
        for (int end = S.loopBound(w); ix < end; ix += L) {
            FloatVector m = FloatVector.fromArray(S, x, first + ix);
            IntVector r = IntVector.broadcast(I, y0);
            for (int iy = y0 + 1; iy < y1; iy++) {
                FloatVector v = FloatVector.fromArray(S, x, xo + iy * w + ix);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, m);
                m = m.blend(v, gt);
                r = r.blend(IntVector.broadcast(I, iy), gt.cast(I));
            }
            m.intoArray(colMax, ix);
            r.intoArray(colRow, ix);
        }
        for (; ix < w; ix++) {
            float m = x[first + ix];
            int r = y0;
            for (int iy = y0 + 1; iy < y1; iy++) { float v = x[xo + iy * w + ix]; if (v > m) { m = v; r = iy; } }
            colMax[ix] = m;
            colRow[ix] = r;
        }
    }
}
