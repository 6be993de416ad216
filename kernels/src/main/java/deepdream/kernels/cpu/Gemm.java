package deepdream.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked SGEMM micro-kernel every convolution runs on: a 6-row × 2-vector tile of
 * C = A·B kept in 12 vector accumulators, fed by one packed A micro-panel (6 floats per k, so the
 * broadcasts read consecutive memory) and one packed B micro-panel (2 vectors per k, contiguous).
 *
 * <p>Why 6 × 2 with AVX2: 16 vector registers; 12 accumulators + 2 B vectors + 1 broadcast fit,
 * while the 8 × 2 tile (16 accumulators) spills. Measured on a 2-core AVX2 EPYC, one thread,
 * k = 256, B in L1: 6×16 55–66 GFLOP/s, 8×16 49–52, 4×24 38–40.
 * Why 8 × 2 with AVX-512 (32 registers): measured on the 2-core AVX-512 EPYC, one thread, k = 256,
 * 6×32 86–88 GFLOP/s, 8×32 113–114, 10/12/14×32 111–114 (no gain, more row padding).
 *
 * <p>Packed A layout ("A panels"): rows are grouped in blocks of {@link #MR}; block b holds
 * {@code a[b][k][r] = A[b·MR + r][k]} with rows past M zero-filled, so the kernel never needs a
 * row tail, and a k-range [k0, k1) of a block is contiguous. Columns are handled by the caller
 * (B panels are zero-padded to {@link #NR}).
 */
public final class Gemm {
    private Gemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Vector lanes (16 with AVX-512, 8 with AVX2). */
    public static final int L = S.length();
    /** Rows of the micro-tile: 8 with AVX-512's 32 registers, 6 with AVX2's 16. */
    public static final int MR = L >= 16 ? 8 : 6;
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
     * C tile (MR × NR at c[cOff + r·ldc + j]) = A micro-panel (a[aOff ..], MR per k) · B micro-panel
     * (b[bOff ..], NR per k) over k steps, plus what C held if {@code accumulate} (later k-blocks),
     * else plus bias[biasOff + r] (a padded bias: MR rows past every block start exist).
     *
     * <p>The caller hands a full tile of C, or its own MR × NR tile buffer for the ragged edges
     * ({@link #copyIn}/{@link #copyOut}): the vector code has no data-dependent branch inside. The
     * accumulators start from C or the bias and go straight back to C: a round trip through a
     * tile buffer cost as much as the multiply-adds themselves at k = 64 (measured 35 vs 85 GFLOP/s).
     * A vector handed to a method C2 does not inline gets boxed and the box spreads into the loop
     * (17 vs 230 GFLOP/s, measured), so everything stays in this one method.
     */
    static void kernel(float[] a, int aOff, float[] b, int bOff, int k, float[] c, int cOff, int ldc,
                       float[] bias, int biasOff, boolean accumulate) {
        if (MR == 8) kernel8(a, aOff, b, bOff, k, c, cOff, ldc, bias, biasOff, accumulate);
        else kernel6(a, aOff, b, bOff, k, c, cOff, ldc, bias, biasOff, accumulate);
    }

    /** The 6 × 2-vector tile (AVX2). */
    private static void kernel6(float[] a, int aOff, float[] b, int bOff, int k, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, boolean accumulate) {
        int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, r0); c01 = FloatVector.fromArray(S, c, r0 + L);
            c10 = FloatVector.fromArray(S, c, r1); c11 = FloatVector.fromArray(S, c, r1 + L);
            c20 = FloatVector.fromArray(S, c, r2); c21 = FloatVector.fromArray(S, c, r2 + L);
            c30 = FloatVector.fromArray(S, c, r3); c31 = FloatVector.fromArray(S, c, r3 + L);
            c40 = FloatVector.fromArray(S, c, r4); c41 = FloatVector.fromArray(S, c, r4 + L);
            c50 = FloatVector.fromArray(S, c, r5); c51 = FloatVector.fromArray(S, c, r5 + L);
        } else {
            c00 = FloatVector.broadcast(S, bias[biasOff]); c01 = c00;
            c10 = FloatVector.broadcast(S, bias[biasOff + 1]); c11 = c10;
            c20 = FloatVector.broadcast(S, bias[biasOff + 2]); c21 = c20;
            c30 = FloatVector.broadcast(S, bias[biasOff + 3]); c31 = c30;
            c40 = FloatVector.broadcast(S, bias[biasOff + 4]); c41 = c40;
            c50 = FloatVector.broadcast(S, bias[biasOff + 5]); c51 = c50;
        }
        int ai = aOff, bi = bOff;
        for (int kk = 0; kk < k; kk++, ai += 6, bi += NR) {
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
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + L);
    }

    /** The 8 × 2-vector tile (AVX-512): the same code with two more rows. */
    private static void kernel8(float[] a, int aOff, float[] b, int bOff, int k, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, boolean accumulate) {
        int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, r0); c01 = FloatVector.fromArray(S, c, r0 + L);
            c10 = FloatVector.fromArray(S, c, r1); c11 = FloatVector.fromArray(S, c, r1 + L);
            c20 = FloatVector.fromArray(S, c, r2); c21 = FloatVector.fromArray(S, c, r2 + L);
            c30 = FloatVector.fromArray(S, c, r3); c31 = FloatVector.fromArray(S, c, r3 + L);
            c40 = FloatVector.fromArray(S, c, r4); c41 = FloatVector.fromArray(S, c, r4 + L);
            c50 = FloatVector.fromArray(S, c, r5); c51 = FloatVector.fromArray(S, c, r5 + L);
            c60 = FloatVector.fromArray(S, c, r6); c61 = FloatVector.fromArray(S, c, r6 + L);
            c70 = FloatVector.fromArray(S, c, r7); c71 = FloatVector.fromArray(S, c, r7 + L);
        } else {
            c00 = FloatVector.broadcast(S, bias[biasOff]); c01 = c00;
            c10 = FloatVector.broadcast(S, bias[biasOff + 1]); c11 = c10;
            c20 = FloatVector.broadcast(S, bias[biasOff + 2]); c21 = c20;
            c30 = FloatVector.broadcast(S, bias[biasOff + 3]); c31 = c30;
            c40 = FloatVector.broadcast(S, bias[biasOff + 4]); c41 = c40;
            c50 = FloatVector.broadcast(S, bias[biasOff + 5]); c51 = c50;
            c60 = FloatVector.broadcast(S, bias[biasOff + 6]); c61 = c60;
            c70 = FloatVector.broadcast(S, bias[biasOff + 7]); c71 = c70;
        }
        int ai = aOff, bi = bOff;
        for (int kk = 0; kk < k; kk++, ai += 8, bi += NR) {
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
        c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + L);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + L);
    }

    /** tile[r·NR + j] = c[cOff + r·ldc + j] for the live rows and columns (a ragged tile that accumulates). */
    static void copyIn(float[] c, int cOff, int ldc, int rows, int cols, float[] tile) {
        for (int r = 0; r < rows; r++) System.arraycopy(c, cOff + r * ldc, tile, r * NR, cols);
    }

    /** c[cOff + r·ldc + j] = tile[r·NR + j] for the live rows and columns. */
    static void copyOut(float[] tile, float[] c, int cOff, int ldc, int rows, int cols) {
        for (int r = 0; r < rows; r++) System.arraycopy(tile, r * NR, c, cOff + r * ldc, cols);
    }
}
