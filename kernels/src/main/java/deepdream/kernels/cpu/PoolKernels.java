package deepdream.kernels.cpu;

import deepdream.engine.PoolSpec;
import jdk.incubator.vector.FloatVector;
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
    private static final int L = S.length();
    /** Column offsets 0..L-1 as floats (argmax column of each lane). */
    private static final float[] IOTA = new float[L];
    static {
        for (int i = 0; i < L; i++) IOTA[i] = i;
    }

    /** colMax, win: per-thread buffers of at least w floats. */
    static void maxForward(float[] x, int xo, int h, int w, PoolSpec s, float[] y, int yo, int oh, int ow, float[] colMax, float[] win) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), ph = s.padTop(), pw = s.padLeft();
        // Output columns whose window lies fully inside the row: the stride-1 vector pass needs no clipping there.
        int inLo = Math.min(ow, (pw + sw - 1) / sw), inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - kw + pw, sw) + 1));
        for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
            int dst = yo + oy * ow;
            if (y0 >= y1) { Arrays.fill(y, dst, dst + ow, 0f); continue; }
            columnMax(x, xo, w, y0, y1, colMax);
            int ox = 0;
            if (inHi > inLo) {
                // Interior windows: stride 1 straight into y; a larger stride takes the window max at
                // every column from the first interior window's start to the last one's (contiguous
                // vector loads), then every sw-th of them — cheaper than gathering every sw-th column.
                int p0 = inLo * sw - pw, n = (inHi - 1 - inLo) * sw + 1;
                if (sw == 1) {
                    windowMax(colMax, p0, n, kw, y, dst + inLo);
                } else {
                    windowMax(colMax, p0, n, kw, win, 0);
                    for (int o = inLo; o < inHi; o++) y[dst + o] = win[(o - inLo) * sw];
                }
                for (int o = 0; o < inLo; o++) y[dst + o] = rowMax(colMax, w, o * sw - pw, kw);
                ox = inHi;
            }
            for (; ox < ow; ox++) y[dst + ox] = rowMax(colMax, w, ox * sw - pw, kw);
        }
    }

    /**
     * out[at + q] = max of colMax[p0 + q .. p0 + q + kw) for q in [0, n): windows at stride 1, all
     * inside the row. The last vector group ends at n, overlapping the one before (the same values
     * are written twice), so a ragged end is not left to the scalar loop; a row shorter than a
     * vector takes the scalar twin.
     */
    private static void windowMax(float[] colMax, int p0, int n, int kw, float[] out, int at) {
        if (n >= L) {
            for (int q = 0; q < n; q += L) {
                if (q + L > n) q = n - L;
                FloatVector m = FloatVector.fromArray(S, colMax, p0 + q);
                for (int kx = 1; kx < kw; kx++) m = m.max(FloatVector.fromArray(S, colMax, p0 + q + kx));
                m.intoArray(out, at + q);
            }
            return;
        }
        for (int q = 0; q < n; q++) {
            float m = colMax[p0 + q];
            for (int kx = 1; kx < kw; kx++) m = Math.max(m, colMax[p0 + q + kx]);
            out[at + q] = m;
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

    /** Scalar twin of the vector pass: max of colMax over columns [x0, x0 + kw) clipped to [0, w); 0 for an empty window. */
    private static float rowMax(float[] colMax, int w, int x0, int kw) {
        int a = Math.max(0, x0), b = Math.min(w, x0 + kw);
        if (a >= b) return 0f;
        float m = colMax[a];
        for (int ix = a + 1; ix < b; ix++) m = Math.max(m, colMax[ix]);   // branch-free: data-dependent branches mispredict
        return m;
    }

    /**
     * colMax, colRow, index: per-thread buffers of at least w floats. dx shares x's offset.
     * Rows and flat indices are kept as floats (exact below 2^24) so every vector is a FloatVector
     * and every mask a float mask.
     */
    static void maxBackward(float[] x, int xo, int h, int w, PoolSpec s, float[] dy, int dyo, int oh, int ow, float[] dx,
                            float[] colMax, float[] colRow, float[] index) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), ph = s.padTop(), pw = s.padLeft();
        int inLo = Math.min(ow, (pw + sw - 1) / sw), inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - kw + pw, sw) + 1));
        Arrays.fill(dx, xo, xo + h * w, 0f);
        for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
            if (y0 >= y1) continue;
            columnArgMax(x, xo, w, y0, y1, colMax, colRow);
            int g = dyo + oy * ow, ox = 0;
            if (inHi > inLo) {
                // The first maximum of the window at every column from the first interior window's
                // start to the last one's (stride 1: contiguous loads, no gathers), then each output
                // routes its gradient through every sw-th of them.
                int p0 = inLo * sw - pw, n = (inHi - 1 - inLo) * sw + 1;
                windowArgMax(colMax, colRow, p0, n, kw, w, index);
                for (ox = inLo; ox < inHi; ox++) dx[xo + (int) index[(ox - inLo) * sw]] += dy[g + ox];   // windows may share inputs: scalar adds
                for (int o = 0; o < inLo; o++) routeScalar(colMax, colRow, w, o * sw - pw, kw, dx, xo, dy[g + o]);
            }
            for (; ox < ow; ox++) routeScalar(colMax, colRow, w, ox * sw - pw, kw, dx, xo, dy[g + ox]);
        }
    }

    /**
     * index[q] = flat index (row·w + column) of the first maximum, in row-major order, of the window
     * of columns [p0 + q, p0 + q + kw) for q in [0, n), all inside the row; colMax/colRow from
     * {@link #columnArgMax}. The last vector group ends at n, overlapping the one before (the same
     * values are written twice); a row shorter than a vector takes the scalar twin.
     */
    private static void windowArgMax(float[] colMax, float[] colRow, int p0, int n, int kw, int w, float[] index) {
        if (n >= L) {
            FloatVector iota = FloatVector.fromArray(S, IOTA, 0);
            for (int q = 0; q < n; q += L) {
                if (q + L > n) q = n - L;
                int base = p0 + q;
                FloatVector best = FloatVector.fromArray(S, colMax, base), row = FloatVector.fromArray(S, colRow, base);
                FloatVector col = iota.add(base);
                for (int kx = 1; kx < kw; kx++) {
                    FloatVector v = FloatVector.fromArray(S, colMax, base + kx), r = FloatVector.fromArray(S, colRow, base + kx);
                    // Later columns win only with a larger value, or an equal one from an earlier row.
                    VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                            .or(v.compare(VectorOperators.EQ, best).and(r.compare(VectorOperators.LT, row)));
                    best = best.blend(v, take);
                    row = row.blend(r, take);
                    col = col.blend(iota.add(base + kx), take);
                }
                row.mul((float) w).add(col).intoArray(index, q);
            }
            return;
        }
        for (int q = 0; q < n; q++) {
            int a = p0 + q, col = a;
            float best = colMax[a], row = colRow[a];
            for (int ix = a + 1; ix < a + kw; ix++) {
                float v = colMax[ix];
                if (v > best || (v == best && colRow[ix] < row)) { best = v; row = colRow[ix]; col = ix; }
            }
            index[q] = row * w + col;
        }
    }

    /** Scalar twin of the vector selection: adds grad at the first maximum of columns [x0, x0 + kw) ∩ [0, w). */
    private static void routeScalar(float[] colMax, float[] colRow, int w, int x0, int kw, float[] dx, int xo, float grad) {
        int a = Math.max(0, x0), b = Math.min(w, x0 + kw);
        if (a >= b) return;
        float best = colMax[a], row = colRow[a];
        int col = a;
        for (int ix = a + 1; ix < b; ix++) {
            float v = colMax[ix];
            if (v > best || (v == best && colRow[ix] < row)) { best = v; row = colRow[ix]; col = ix; }
        }
        dx[xo + (int) row * w + col] += grad;
    }

    /** Per column: the max over rows [y0, y1) and the first row reaching it. */
    private static void columnArgMax(float[] x, int xo, int w, int y0, int y1, float[] colMax, float[] colRow) {
        int first = xo + y0 * w, ix = 0;
        for (int end = S.loopBound(w); ix < end; ix += L) {
            FloatVector m = FloatVector.fromArray(S, x, first + ix);
            FloatVector r = FloatVector.broadcast(S, y0);
            for (int iy = y0 + 1; iy < y1; iy++) {
                FloatVector v = FloatVector.fromArray(S, x, xo + iy * w + ix);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, m);
                m = m.blend(v, gt);
                r = r.blend((float) iy, gt);
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
