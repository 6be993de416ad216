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
     * True for a 3×3 stride-1 max pool padded by 1 on every side (the inception blocks' pools). Its
     * output has the input's size, so {@link #maxForwardCentred} runs both passes over the whole plane
     * as one flat array: planes of 14×14 or 28×28 are narrower than two vectors, and a row at a time
     * they ran mostly through scalar tails (5× slower at 28×28, 12× at 14×14, JDK 17).
     */
    static boolean centred(PoolSpec s, int h, int w) {
        return s.method() == PoolSpec.Method.MAX && s.kernelH() == 3 && s.kernelW() == 3 && s.strideH() == 1 && s.strideW() == 1
                && s.padTop() == 1 && s.padBottom() == 1 && s.padLeft() == 1 && s.padRight() == 1
                && s.outH(h) == h && s.outW(w) == w && (long) h * w < 1 << 24;   // indices stay exact as floats
    }

    /** Length of each of maxForwardCentred's colMax, colRow and idx buffers: the plane and a guard entry on each side. */
    static int centredScratch(int h, int w) { return h * w + 2; }

    /** col[i] = i mod w for the hw positions of a plane (as floats): which column a flat position is in. */
    static void columnOfPosition(int h, int w, float[] col) {
        for (int y = 0, i = 0; y < h; y++)
            for (int x = 0; x < w; x++) col[i++] = x;
    }

    /**
     * The same result as {@link #maxForward} for a {@link #centred} pool. Pass 1: per flat position,
     * the max down the window's rows and the row offset (−1, 0, 1) of its first maximum, stored one
     * entry in so pass 2 can load a position either side. Pass 2: of the window's three columns, the
     * largest value wins, then the earlier row, then the earlier column: the row-major first maximum.
     * A neighbour that lies in another row (col, from {@link #columnOfPosition}) is masked out.
     */
    static void maxForwardCentred(float[] x, int xo, int h, int w, float[] y, int[] arg, int yo,
                                  float[] colMax, float[] colRow, float[] idx, float[] col) {
        int hw = h * w;
        // The first and last rows see two rows of the window; the rows between see three, as one flat run.
        columnPass(x, xo, w, 0, w, 0, Math.min(1, h - 1), colMax, colRow, 1);
        if (h > 2) threeHigh(x, xo, w, w, (h - 1) * w, colMax, colRow);
        if (h > 1) columnPass(x, xo, w, (h - 1) * w, hw, -1, 0, colMax, colRow, 1);
        if (hw >= L) {
            threeWide(colMax, colRow, col, w, hw, y, yo, idx);
        } else {
            for (int i = 0; i < hw; i++) {   // a plane smaller than one vector
                int cx = i % w;
                float best = colMax[1 + i], br = colRow[1 + i];
                int bc = 0;
                if (cx > 0 && (colMax[i] > best || (colMax[i] == best && colRow[i] <= br))) { best = colMax[i]; br = colRow[i]; bc = -1; }
                if (cx < w - 1 && (colMax[2 + i] > best || (colMax[2 + i] == best && colRow[2 + i] < br))) { best = colMax[2 + i]; br = colRow[2 + i]; bc = 1; }
                y[yo + i] = best;
                idx[i] = i + br * w + bc;
            }
        }
        // Indices leave the vectors as floats (exact below 2^24) and become ints here, as in maxForward.
        for (int j = 0; j < hw; j++) arg[yo + j] = (int) idx[j];
    }

    /**
     * Pass 2 of {@link #maxForwardCentred}, unrolled: written as a loop over the window's columns
     * (vectors carried from one column to the next) JDK 17 ran it 5× slower than JDK 25 does;
     * unrolled, JDK 17 is within 2× of JDK 25 (measured on 480×28×28).
     */
    private static void threeWide(float[] colMax, float[] colRow, float[] col, int w, int hw, float[] y, int yo, float[] idx) {
        FloatVector iota = FloatVector.fromArray(S, IOTA, 0), zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f), minusOne = one.neg();
        FloatVector lastCol = FloatVector.broadcast(S, (float) (w - 1)), width = FloatVector.broadcast(S, (float) w);
        for (int i = 0; ; i += L) {
            if (i + L > hw) i = hw - L;   // the last group overlaps the one before: same values written twice
            FloatVector c = FloatVector.fromArray(S, col, i);
            FloatVector best = FloatVector.fromArray(S, colMax, 1 + i), br = FloatVector.fromArray(S, colRow, 1 + i);
            // The left neighbour (column − 1) wins ties with an earlier or the same row.
            FloatVector v = FloatVector.fromArray(S, colMax, i), vr = FloatVector.fromArray(S, colRow, i);
            VectorMask<Float> take = c.compare(VectorOperators.GE, one)
                    .and(v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.EQ, best).and(vr.compare(VectorOperators.LE, br))));
            best = best.blend(v, take);
            br = br.blend(vr, take);
            FloatVector bc = zero.blend(minusOne, take);
            // The right neighbour (column + 1) wins ties only with an earlier row.
            v = FloatVector.fromArray(S, colMax, 2 + i);
            vr = FloatVector.fromArray(S, colRow, 2 + i);
            take = c.compare(VectorOperators.LT, lastCol)
                    .and(v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.EQ, best).and(vr.compare(VectorOperators.LT, br))));
            best = best.blend(v, take);
            br = br.blend(vr, take);
            bc = bc.blend(one, take);
            best.intoArray(y, yo + i);
            iota.add(FloatVector.broadcast(S, (float) i)).add(br.mul(width)).add(bc).intoArray(idx, i);
            if (i + L == hw) return;
        }
    }

    /** {@link #columnPass} for row offsets −1..1 (guard 1), unrolled for the reason {@link #threeWide} gives. */
    private static void threeHigh(float[] x, int xo, int w, int from, int to, float[] colMax, float[] colRow) {
        FloatVector minusOne = FloatVector.broadcast(S, -1f), zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector m = FloatVector.fromArray(S, x, xo + i - w);
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            VectorMask<Float> gt = v.compare(VectorOperators.GT, m);
            m = m.blend(v, gt);
            FloatVector r = minusOne.blend(zero, gt);
            v = FloatVector.fromArray(S, x, xo + i + w);
            gt = v.compare(VectorOperators.GT, m);
            m.blend(v, gt).intoArray(colMax, 1 + i);
            r.blend(one, gt).intoArray(colRow, 1 + i);
        }
        if (i < to) columnPass(x, xo, w, i, to, -1, 1, colMax, colRow, 1);
    }

    /** Flat positions [from, to): the max of x over row offsets [lo, hi] and the offset of its first maximum, into colMax/colRow at guard + position. */
    private static void columnPass(float[] x, int xo, int w, int from, int to, int lo, int hi, float[] colMax, float[] colRow, int guard) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector m = FloatVector.fromArray(S, x, xo + i + lo * w);
            FloatVector r = FloatVector.broadcast(S, (float) lo);
            for (int d = lo + 1; d <= hi; d++) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i + d * w);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, m);
                m = m.blend(v, gt);
                r = r.blend((float) d, gt);
            }
            m.intoArray(colMax, guard + i);
            r.intoArray(colRow, guard + i);
        }
        for (; i < to; i++) {
            float m = x[xo + i + lo * w];
            int r = lo;
            for (int d = lo + 1; d <= hi; d++) { float v = x[xo + i + d * w]; if (v > m) { m = v; r = d; } }
            colMax[guard + i] = m;
            colRow[guard + i] = r;
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
