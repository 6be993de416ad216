package deepdream.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked SGEMM micro-kernel every convolution runs on: a 6-row × 2-vector tile of
 * C = A·B kept in 12 vector accumulators, fed by one packed A micro-panel (6 floats per k, so the
 * broadcasts read consecutive memory) and one packed B micro-panel (2 vectors per k, contiguous).
 *
 * <p>Why 6 × 2: AVX2 has 16 vector registers; 12 accumulators + 2 B vectors + 1 broadcast fit,
 * while the 8 × 2 tile (16 accumulators) spills. Measured on the 2-core AVX2 EPYC, one thread,
 * k = 256, B in L1: 6×16 55–66 GFLOP/s, 8×16 49–52, 4×24 38–40.
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
    /** Rows of the micro-tile. */
    public static final int MR = 6;
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
     * tile (MR × NR, row stride NR) = A micro-panel (a[aOff ..], MR per k) · B micro-panel
     * (b[bOff ..], NR per k), over k steps.
     *
     * <p>The register tile always goes to {@code tile}, and {@link #store} moves the live part: the
     * vector code then has no data-dependent branch. A branch the profile has not seen (the first
     * partial tile, the first bias-less call) makes C2 deoptimize, and vector code back in the
     * interpreter runs ~40× slower and allocates a box per operation. Likewise, a vector handed to
     * a method C2 does not inline gets boxed and the box spreads into the loop (17 vs 230 GFLOP/s).
     */
    static void kernel(float[] a, int aOff, float[] b, int bOff, int k, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int ai = aOff, bi = bOff;
        for (int kk = 0; kk < k; kk++, ai += MR, bi += NR) {
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
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
    }

    /**
     * Moves the live rows and columns of tile to c[cOff + r·ldc + j]: added to what c holds when
     * {@code accumulate} (later k-blocks), else stored plus bias[biasOff + r] (bias may be null).
     */
    static void store(float[] tile, float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int src = r * NR, dst = cOff + r * ldc, j = 0;
            if (accumulate) {
                for (; j + L <= cols; j += L)
                    FloatVector.fromArray(S, tile, src + j).add(FloatVector.fromArray(S, c, dst + j)).intoArray(c, dst + j);
                for (; j < cols; j++) c[dst + j] += tile[src + j];
            } else {
                float bv = bias == null ? 0f : bias[biasOff + r];
                for (; j + L <= cols; j += L) FloatVector.fromArray(S, tile, src + j).add(bv).intoArray(c, dst + j);
                for (; j < cols; j++) c[dst + j] = tile[src + j] + bv;
            }
        }
    }
}
