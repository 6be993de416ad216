package deepdream.kernels.cpu;

import deepdream.engine.PoolSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Caffe max pooling on one plane (the backend splits planes across threads). The forward finds,
 * for every output, the first maximum of its window in row-major order (Caffe's strict '&gt;'
 * scan), writes its value and records its index in the plane; the backward sends each output's
 * gradient to its recorded index, so it never reads x. Windows are clipped to the input; a window
 * wholly outside it yields 0 and index -1 (no gradient), as in the reference.
 *
 * <p>The argmax is separable: for each output row a vector pass keeps, per input column, the max
 * down the window's rows and the first row holding it; a second pass picks across each window's
 * columns the largest value, ties going to the smaller row, then to the smaller column, which is
 * exactly the row-major first maximum.
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

    /**
     * y = the max of each window, arg = the index (row·w + column, in the plane) of its first
     * maximum, -1 for an empty window; y and arg share the offset yo. colMax, colRow, win, winRow,
     * winCol: per-thread buffers of at least w floats.
     */
    static void maxForward(float[] x, int xo, int h, int w, PoolSpec s, float[] y, int[] arg, int yo, int oh, int ow,
                           float[] colMax, float[] colRow, float[] win, float[] winRow, float[] winCol) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), ph = s.padTop(), pw = s.padLeft();
        // Output columns whose window lies fully inside the row: the stride-1 vector pass needs no clipping there.
        int inLo = Math.min(ow, (pw + sw - 1) / sw), inHi = Math.max(inLo, Math.min(ow, Math.floorDiv(w - kw + pw, sw) + 1));
        for (int oy = 0; oy < oh; oy++) {
            int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
            int dst = yo + oy * ow;
            if (y0 >= y1) {
                Arrays.fill(y, dst, dst + ow, 0f);
                Arrays.fill(arg, dst, dst + ow, -1);
                continue;
            }
            columnArgMax(x, xo, w, y0, y1, colMax, colRow);
            int ox = 0;
            if (inHi > inLo) {
                // The first maximum of the window at every column from the first interior window's
                // start to the last one's (stride 1: contiguous loads, no gathers), then every sw-th
                // of them. Rows and columns leave the vectors as floats and become ints here: the
                // Vector API's float-to-int conversion is not compiled to one instruction on every JDK.
                int p0 = inLo * sw - pw, n = (inHi - 1 - inLo) * sw + 1;
                windowArgMax(colMax, colRow, p0, n, kw, win, winRow, winCol);
                for (int o = inLo; o < inHi; o++) {
                    int q = (o - inLo) * sw;
                    y[dst + o] = win[q];
                    arg[dst + o] = (int) winRow[q] * w + (int) winCol[q];
                }
                for (int o = 0; o < inLo; o++) edge(colMax, colRow, w, o * sw - pw, kw, y, arg, dst + o);
                ox = inHi;
            }
            for (; ox < ow; ox++) edge(colMax, colRow, w, ox * sw - pw, kw, y, arg, dst + ox);
        }
    }

    /**
     * dx plane (offset xo, hw elements) = 0, then each of the plane's outs output gradients (dy from
     * yo) added at its recorded index (arg from ao). Windows may share an input: scalar adds, in
     * output order, as the reference sums them.
     */
    static void maxBackward(int[] arg, int ao, float[] dy, int yo, int outs, float[] dx, int xo, int hw) {
        Arrays.fill(dx, xo, xo + hw, 0f);
        for (int o = 0; o < outs; o++) {
            int i = arg[ao + o];
            if (i >= 0) dx[xo + i] += dy[yo + o];
        }
    }

    /**
     * out[q], row[q], col[q] = value, row and column of the first maximum, in row-major order, of
     * the window of columns [p0 + q, p0 + q + kw) for q in [0, n), all inside the row;
     * colMax/colRow from {@link #columnArgMax}. The last vector group ends at n, overlapping the one
     * before (the same values are written twice); a row shorter than a vector takes the scalar twin.
     */
    private static void windowArgMax(float[] colMax, float[] colRow, int p0, int n, int kw, float[] out, float[] row, float[] col) {
        if (n >= L) {
            FloatVector iota = FloatVector.fromArray(S, IOTA, 0);
            for (int q = 0; q < n; q += L) {
                if (q + L > n) q = n - L;
                int base = p0 + q;
                FloatVector best = FloatVector.fromArray(S, colMax, base), r = FloatVector.fromArray(S, colRow, base);
                FloatVector c = iota.add(base);
                for (int kx = 1; kx < kw; kx++) {
                    FloatVector v = FloatVector.fromArray(S, colMax, base + kx), vr = FloatVector.fromArray(S, colRow, base + kx);
                    // Later columns win only with a larger value, or an equal one from an earlier row.
                    VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                            .or(v.compare(VectorOperators.EQ, best).and(vr.compare(VectorOperators.LT, r)));
                    best = best.blend(v, take);
                    r = r.blend(vr, take);
                    c = c.blend(iota.add(base + kx), take);
                }
                best.intoArray(out, q);
                r.intoArray(row, q);
                c.intoArray(col, q);
            }
            return;
        }
        for (int q = 0; q < n; q++) {
            int a = p0 + q, c = a;
            float best = colMax[a], r = colRow[a];
            for (int ix = a + 1; ix < a + kw; ix++) {
                float v = colMax[ix];
                if (v > best || (v == best && colRow[ix] < r)) { best = v; r = colRow[ix]; c = ix; }
            }
            out[q] = best;
            row[q] = r;
            col[q] = c;
        }
    }

    /** Scalar twin of the vector selection for a window of columns [x0, x0 + kw) clipped to [0, w): y 0 and index -1 when empty. */
    private static void edge(float[] colMax, float[] colRow, int w, int x0, int kw, float[] y, int[] arg, int at) {
        int a = Math.max(0, x0), b = Math.min(w, x0 + kw);
        if (a >= b) { y[at] = 0f; arg[at] = -1; return; }
        float best = colMax[a], row = colRow[a];
        int col = a;
        for (int ix = a + 1; ix < b; ix++) {
            float v = colMax[ix];
            if (v > best || (v == best && colRow[ix] < row)) { best = v; row = colRow[ix]; col = ix; }
        }
        y[at] = best;
        arg[at] = (int) row * w + col;
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
