package deepdream.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked SGEMM micro-kernel every convolution runs on: an 8-row × 2-vector tile
 * of C = A·B kept in 16 vector accumulators, fed by one packed A panel (8 floats per k, so the
 * broadcasts read consecutive memory) and one B panel (2 vectors per k, row stride {@code ldb}).
 *
 * <p>Packed A layout ("A panels"): rows are grouped in blocks of {@link #MR}; block b holds
 * {@code a[b][k][r] = A[b·MR + r][k]} with rows past M zero-filled, so the kernel never needs a
 * row tail. Columns are handled by the caller (B panels are zero-padded to {@link #NR}).
 */
public final class Gemm {
    private Gemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Vector lanes (16 with AVX-512, 8 with AVX2). */
    public static final int L = S.length();
    /** Rows of the micro-tile. */
    public static final int MR = 8;
    /** Columns of the micro-tile: two vectors. */
    public static final int NR = 2 * L;

    /** Number of MR-row blocks for m rows. */
    static int blocks(int m) { return (m + MR - 1) / MR; }

    /** Packs row-major A (m×k, element (i,j) at a[off + i·lda + j]) into MR-row panels. */
    static float[] packA(float[] a, int off, int m, int k, int lda) {
        float[] p = new float[blocks(m) * MR * k];
        for (int i = 0; i < m; i++) {
            int base = (i / MR) * MR * k + (i % MR);
            for (int j = 0; j < k; j++) p[base + j * MR] = a[off + i * lda + j];
        }
        return p;
    }

    /**
     * C tile (rows [0, rows) of the block, NR columns) = A block · B panel, plus bias[row] if bias
     * is not null, written to c[cOff + r·ldc + j] for j &lt; cols. A full tile (cols == NR) is
     * stored with vector stores; a partial one goes through {@code tile} (MR·NR floats).
     */
    static void kernel(float[] a, int aOff, float[] b, int bOff, int ldb, int k,
                       float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ai = aOff, bi = bOff;
        for (int kk = 0; kk < k; kk++, ai += MR, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[ai + 6]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[ai + 7]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
        }
        // Everything below is written out by hand: a vector passed to a helper method that C2 does
        // not inline gets boxed, and the box then spreads into the loop (14× slower, measured).
        if (bias != null) {
            int q = biasOff;
            if (rows > 0) { float v = bias[q]; c00 = c00.add(v); c01 = c01.add(v); }
            if (rows > 1) { float v = bias[q + 1]; c10 = c10.add(v); c11 = c11.add(v); }
            if (rows > 2) { float v = bias[q + 2]; c20 = c20.add(v); c21 = c21.add(v); }
            if (rows > 3) { float v = bias[q + 3]; c30 = c30.add(v); c31 = c31.add(v); }
            if (rows > 4) { float v = bias[q + 4]; c40 = c40.add(v); c41 = c41.add(v); }
            if (rows > 5) { float v = bias[q + 5]; c50 = c50.add(v); c51 = c51.add(v); }
            if (rows > 6) { float v = bias[q + 6]; c60 = c60.add(v); c61 = c61.add(v); }
            if (rows > 7) { float v = bias[q + 7]; c70 = c70.add(v); c71 = c71.add(v); }
        }
        boolean direct = cols == NR;
        float[] d = direct ? c : tile;
        int o = direct ? cOff : 0, ld = direct ? ldc : NR;
        // Rows past 'rows' are zero padding of the A block: never stored.
        if (rows > 0) { c00.intoArray(d, o); c01.intoArray(d, o + L); }
        o += ld;
        if (rows > 1) { c10.intoArray(d, o); c11.intoArray(d, o + L); }
        o += ld;
        if (rows > 2) { c20.intoArray(d, o); c21.intoArray(d, o + L); }
        o += ld;
        if (rows > 3) { c30.intoArray(d, o); c31.intoArray(d, o + L); }
        o += ld;
        if (rows > 4) { c40.intoArray(d, o); c41.intoArray(d, o + L); }
        o += ld;
        if (rows > 5) { c50.intoArray(d, o); c51.intoArray(d, o + L); }
        o += ld;
        if (rows > 6) { c60.intoArray(d, o); c61.intoArray(d, o + L); }
        o += ld;
        if (rows > 7) { c70.intoArray(d, o); c71.intoArray(d, o + L); }
        if (!direct)
            for (int r = 0; r < rows; r++) System.arraycopy(tile, r * NR, c, cOff + r * ldc, cols);
    }
}
