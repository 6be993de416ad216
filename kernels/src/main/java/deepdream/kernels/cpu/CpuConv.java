package deepdream.kernels.cpu;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static deepdream.kernels.cpu.Gemm.MR;
import static deepdream.kernels.cpu.Gemm.NR;

/**
 * Convolution (groups = 1) as packed GEMM on the {@link Gemm} micro-kernel, for one image at a time:
 * <ul>
 *   <li>forward: y[M][OH·OW] = W[M][C·kh·kw] · im2col(x) + bias. The B panels are packed straight
 *       from the image ({@link Im2col}); a 1×1 stride-1 unpadded convolution copies rows of x.
 *       A horizontal stride s &gt; 1 first splits x's columns into s phases, so that every
 *       im2col run is a contiguous copy again.</li>
 *   <li>backward-data, stride 1 with pad ≤ kernel−1 (every GoogLeNet conv but conv1): a forward
 *       convolution of dy with the transposed, flipped kernel and pad kernel−1−pad.</li>
 *   <li>backward-data otherwise (conv1's stride 2): col = Wᵀ · dy per band of output rows, then a
 *       col2im that gathers per input row, so threads never write the same element.</li>
 * </ul>
 *
 * <p>The GEMM is blocked for the caches the way GotoBLAS does it: K is cut in blocks of at most
 * {@link #KC} so one B micro-panel (KC × NR, 16 KB) stays in L1 while every A block of the
 * thread's row range streams from L2 over it. Work is split over (chunk of panels × row range)
 * tasks. Each thread owns its packing buffer; all buffers grow on demand and are reused across
 * calls and octave sizes.
 */
final class CpuConv {
    /** Conv geometry flattened for the kernels. */
    record Geometry(int c, int h, int w, int m, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        int k() { return c * kh * kw; }
        boolean pointwise() { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
    }

    /**
     * Largest k-block: KC·NR floats of B (16 KB: 256 × 16 with AVX2, 128 × 32 with AVX-512) sit in
     * L1 next to the A stream; a 32 KB panel filled all of L1.
     */
    static final int KC = 4096 / NR;
    /** Most B panels per task: enough to reuse each A block from L2 many times. */
    private static final int CHUNK_PANELS = 16;
    /** Output pixels per col2im band: the col buffer (K × band, 1.2 MB for conv1 at 2048) stays in L3 between the GEMM and the gather. */
    private final int bandPixels;

    private final Parallel par;
    private final float[][] panel;   // per-thread B micro-panel, KC × NR
    private final float[][] tile;    // per-thread MR × NR register tile
    private final int[][] scratch;   // per-thread im2col tables, 3·kw ints
    private final float[][] rowAcc;  // per-thread col2im row phases
    private float[] col = new float[0];
    private float[] biasPad = new float[0];
    private float[] phases = new float[0];

    CpuConv(Parallel par, int bandPixels) {
        this.par = par;
        this.bandPixels = bandPixels;
        panel = new float[par.threads()][KC * NR];
        tile = new float[par.threads()][MR * NR];
        scratch = new int[par.threads()][3 * 7];
        rowAcc = new float[par.threads()][0];
    }

    private float[] rowBuffer(int worker, int n) {
        if (rowAcc[worker].length < n) rowAcc[worker] = new float[n];
        return rowAcc[worker];
    }

    private int[] scratch(int worker, int kw) {
        if (scratch[worker].length < 3 * kw) scratch[worker] = new int[3 * kw];
        return scratch[worker];
    }

    // ---- weight packing (done once per weight tensor, cached by the backend) -----------------------

    /** A = W as M × (C·kh·kw). */
    static float[] packForward(float[] w, Geometry g) { return Gemm.packA(w, 0, g.m, g.k(), g.k()); }

    /** A = W transposed and flipped: C × (M·kh·kw) with A[c][(m·kh + ky)·kw + kx] = W[m][c][kh−1−ky][kw−1−kx]. */
    static float[] packFlipped(float[] w, Geometry g) {
        int taps = g.kh * g.kw, k = g.m * taps;
        float[] t = new float[g.c * k];
        for (int m = 0; m < g.m; m++)
            for (int c = 0; c < g.c; c++)
                for (int tap = 0; tap < taps; tap++)
                    t[c * k + m * taps + tap] = w[(m * g.c + c) * taps + (taps - 1 - tap)];
        return Gemm.packA(t, 0, g.c, k, k);
    }

    /** A = Wᵀ: (C·kh·kw) × M. */
    static float[] packTransposed(float[] w, Geometry g) {
        int k = g.k();
        float[] t = new float[k * g.m];
        for (int m = 0; m < g.m; m++)
            for (int r = 0; r < k; r++) t[r * g.m + m] = w[m * k + r];
        return Gemm.packA(t, 0, k, g.m, g.m);
    }

    /** Whether backward-data can run as the flipped forward convolution. */
    static boolean flippable(Geometry g) { return g.sh == 1 && g.sw == 1 && g.ph <= g.kh - 1 && g.pw <= g.kw - 1; }

    /** The forward geometry of the flipped convolution: dy (M channels) → dx (C channels). */
    static Geometry flipped(Geometry g) {
        return new Geometry(g.m, g.oh, g.ow, g.c, g.kh, g.kw, 1, 1, g.kh - 1 - g.ph, g.kw - 1 - g.pw, g.h, g.w);
    }

    // ---- forward ---------------------------------------------------------------------------

    /** y[yOff ..] = conv(x[xOff ..]) + bias for one image; a = packed A of g (M × C·kh·kw). */
    void forward(float[] x, int xOff, Geometry g, float[] a, float[] bias, float[] y, int yOff) { forward(1, x, xOff, 0, g, a, bias, y, yOff, 0); }

    /**
     * The forward for n images, image e at x[xOff + e·xStride ..] and y[yOff + e·yStride ..]: one
     * parallel loop over every image's tasks, so small images (deep layers, small octaves) still keep
     * every thread busy. Each output element is summed in the same order whatever n is.
     */
    void forward(int n, float[] x, int xOff, int xStride, Geometry g, float[] a, float[] bias, float[] y, int yOff, int yStride) {
        int p = g.oh * g.ow;
        if (g.pointwise() || g.sw == 1) {
            Im2col[] sources = new Im2col[n];
            for (int e = 0; e < n; e++)
                sources[e] = g.pointwise() ? Im2col.rows(x, xOff + e * xStride, p) : Im2col.image(x, xOff + e * xStride, g, g.w);
            gemm(n, a, 0, g.m, g.k(), sources, p, bias, y, yOff, yStride, p);
            return;
        }
        for (int e = 0; e < n; e++) forwardStrided(x, xOff + e * xStride, g, a, bias, y, yOff + e * yStride);
    }

    /** A horizontal stride: one image at a time through the shared phase buffer. */
    private void forwardStrided(float[] x, int xOff, Geometry g, float[] a, float[] bias, float[] y, int yOff) {
        int p = g.oh * g.ow, wq = (g.w + g.sw - 1) / g.sw, n = g.c * g.h * g.sw * wq;
        if (phases.length < n) phases = new float[n];
        float[] ph = phases;
        par.forEach(g.c * g.h, (row, worker) -> Im2col.splitPhases(x, xOff + row * g.w, g.w, g.sw, wq, ph, row * g.sw * wq));
        gemm(a, g.m, g.k(), Im2col.image(ph, 0, g, wq), p, bias, y, yOff, p);
    }

    /**
     * c[cOff + i·ldc + j] = (A·B)[i][j] (+ bias[i]) for i &lt; m, j &lt; n; A packed in MR-row panels
     * with k columns, B (k × n) packed panel by panel from {@code b}.
     */
    private void gemm(float[] a, int m, int k, Im2col b, int n, float[] bias, float[] c, int cOff, int ldc) {
        gemm(1, a, 0, m, k, new Im2col[] {b}, n, bias, c, cOff, 0, ldc);
    }

    /**
     * {@code batch} independent products in one parallel loop: product e uses A at a[e·aStride ..],
     * B from b[e] and C at c[cOff + e·cStride ..]. One loop instead of one per product keeps both
     * threads busy to the end (Winograd's 16 small products).
     */
    private void gemm(int batch, float[] a, int aStride, int m, int k, Im2col[] b, int n, float[] bias,
                      float[] c, int cOff, int cStride, int ldc) {
        int mBlocks = Gemm.blocks(m), panels = (n + NR - 1) / NR;
        int kBlocks = (k + KC - 1) / KC, kc = (k + kBlocks - 1) / kBlocks;   // even k-blocks
        int chunk = Math.max(1, Math.min(CHUNK_PANELS, batch * panels / (4 * par.threads())));
        int chunks = (panels + chunk - 1) / chunk;
        int split = rowSplit(batch * chunks, mBlocks);
        float[] padded = paddedBias(bias, m);
        par.forEach(batch * chunks * split, (task, worker) -> {
            int e = task / (chunks * split), rest = task % (chunks * split);
            int ci = rest / split, part = rest % split;
            int pi0 = ci * chunk, pi1 = Math.min(panels, pi0 + chunk);
            int blo = part * mBlocks / split, bhi = (part + 1) * mBlocks / split;
            float[] bp = panel[worker], tl = tile[worker];
            Im2col be = b[e];
            int[] sc = scratch(worker, be.kernelWidth());
            int aBase = e * aStride, cBase = cOff + e * cStride;
            float[] bz = padded;
            for (int k0 = 0; k0 < k; k0 += kc) {
                int kn = Math.min(kc, k - k0);
                boolean accumulate = k0 > 0;
                for (int pi = pi0; pi < pi1; pi++) {
                    int p0 = pi * NR, np = Math.min(NR, n - p0);
                    be.pack(k0, k0 + kn, p0, np, bp, sc);
                    for (int blk = blo; blk < bhi; blk++) {
                        int m0 = blk * MR, rows = Math.min(MR, m - m0), aOff = aBase + (blk * k + k0) * MR;
                        int cAt = cBase + m0 * ldc + p0;
                        if (rows == MR && np == NR) {
                            Gemm.kernel(a, aOff, bp, 0, kn, c, cAt, ldc, bz, m0, accumulate);
                        } else {
                            if (accumulate) Gemm.copyIn(c, cAt, ldc, rows, np, tl);
                            Gemm.kernel(a, aOff, bp, 0, kn, tl, 0, NR, bz, m0, accumulate);
                            Gemm.copyOut(tl, c, cAt, ldc, rows, np);
                        }
                    }
                }
            }
        });
    }

    /** The bias padded to whole MR blocks (zeros when there is none): the kernel reads MR values per block. */
    private float[] paddedBias(float[] bias, int m) {
        int n = Gemm.blocks(m) * MR;
        if (biasPad.length < n) biasPad = new float[n];
        if (bias == null) Arrays.fill(biasPad, 0, n, 0f);
        else {
            System.arraycopy(bias, 0, biasPad, 0, m);
            Arrays.fill(biasPad, m, n, 0f);
        }
        return biasPad;
    }

    // ---- Winograd F(2×2, 3×3) ---------------------------------------------------------------------

    /**
     * Whether g runs as Winograd F(2×2, 3×3): 3×3, stride 1, pad ≤ 2, and enough channels that the
     * 16 products of C×M beat the transforms' memory traffic.
     */
    static boolean winogradable(Geometry g) {
        return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.ph <= 2 && g.pw <= 2 && g.c >= 16 && g.m >= 16 && g.c <= 512;
    }

    /**
     * The 16 transformed kernels U = G·w·Gᵀ, each an M × C matrix packed as A, one after another
     * (stride {@code blocks(M)·MR·C}). flip: w is the forward weight [C][M][3][3] of the problem whose
     * backward-data this is, used transposed and rotated by 180°.
     */
    static float[] packWinograd(float[] w, int m, int c, boolean flip) {
        float[] u = new float[16 * m * c];
        float[] g = new float[9];
        for (int o = 0; o < m; o++)
            for (int i = 0; i < c; i++) {
                for (int t = 0; t < 9; t++) g[t] = flip ? w[(i * m + o) * 9 + 8 - t] : w[(o * c + i) * 9 + t];
                // t = G·g (4×3), then U = t·Gᵀ (4×4); G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
                float[] t = new float[12];
                for (int col = 0; col < 3; col++) {
                    float g0 = g[col], g1 = g[3 + col], g2 = g[6 + col];
                    t[col] = g0;
                    t[3 + col] = 0.5f * (g0 + g1 + g2);
                    t[6 + col] = 0.5f * (g0 - g1 + g2);
                    t[9 + col] = g2;
                }
                for (int row = 0; row < 4; row++) {
                    float t0 = t[row * 3], t1 = t[row * 3 + 1], t2 = t[row * 3 + 2];
                    float[] v = {t0, 0.5f * (t0 + t1 + t2), 0.5f * (t0 - t1 + t2), t2};
                    for (int col = 0; col < 4; col++) u[((row * 4 + col) * m + o) * c + i] = v[col];
                }
            }
        int stride = Gemm.blocks(m) * MR * c;
        float[] packed = new float[16 * stride];
        for (int e = 0; e < 16; e++) System.arraycopy(Gemm.packA(u, e * m * c, m, c, c), 0, packed, e * stride, stride);
        return packed;
    }

    private float[][] wgInput, wgProduct, wgStage, wgScratch;

    /**
     * y = conv(x) + bias for a {@link #winogradable} g; u = {@link #packWinograd}. Fused per task of
     * NR tiles (one B panel): transform the input patches of those tiles for every channel, run the
     * 16 products for every output channel, transform back into y — all in the worker's L2-sized
     * buffers. Run as 16 separate GEMMs over a band instead, writing and re-reading the products
     * from memory cost more than the 2.25× fewer multiply-adds saved (measured 28–39 GFLOP/s GEMM).
     */
    void winograd(float[] x, int xOff, Geometry g, float[] u, float[] bias, float[] y, int yOff) { winograd(1, x, xOff, 0, g, u, bias, y, yOff, 0); }

    /** {@link #winograd} for n images (strides as {@link #forward(int, float[], int, int, Geometry, float[], float[], float[], int, int)}), in one parallel loop. */
    void winograd(int n, float[] x, int xOff, int xStride, Geometry g, float[] u, float[] bias, float[] y, int yOff, int yStride) {
        int tilesY = (g.oh + 1) / 2, tilesX = (g.ow + 1) / 2, tiles = tilesY * tilesX;
        int mPad = Gemm.blocks(g.m) * MR, uStride = mPad * g.c, mBlocks = Gemm.blocks(g.m);
        int threads = par.threads();
        if (wgInput == null) {
            wgInput = new float[threads][0]; wgProduct = new float[threads][0];
            wgStage = new float[threads][4 * NR]; wgScratch = new float[threads][Winograd.INPUT_SCRATCH];
        }
        for (int t = 0; t < threads; t++) {
            if (wgInput[t].length < 16 * g.c * NR) wgInput[t] = new float[16 * g.c * NR];
            if (wgProduct[t].length < 16 * mPad * NR) wgProduct[t] = new float[16 * mPad * NR];
        }
        float[] bz = paddedBias(null, g.m);
        int tasks = (tiles + NR - 1) / NR;
        par.forEach(n * tasks, (job, worker) -> {
            int image = job / tasks, task = job % tasks;
            int t0 = task * NR, nt = Math.min(NR, tiles - t0);
            float[] v = wgInput[worker], mp = wgProduct[worker];
            Winograd.input(x, xOff + image * xStride, g, t0, nt, tilesX, v, wgScratch[worker]);
            for (int e = 0; e < 16; e++)
                for (int blk = 0; blk < mBlocks; blk++)
                    Gemm.kernel(u, e * uStride + blk * MR * g.c, v, e * g.c * NR, g.c, mp, (e * mPad + blk * MR) * NR, NR, bz, 0, false);
            Winograd.output(mp, mPad, g, t0, nt, tilesX, bias, y, yOff + image * yStride, wgStage[worker]);
        });
    }

    /** Splits the row blocks when there are too few tasks to keep every thread busy (small octaves). */
    private int rowSplit(int tasks, int mBlocks) {
        int want = 4 * par.threads();
        if (tasks >= want) return 1;
        return Math.max(1, Math.min(mBlocks, (want + tasks - 1) / tasks));
    }

    // ---- backward-data --------------------------------------------------------------------------

    /** dx = convᵀ(dy) through col = Wᵀ·dy and a gathering col2im; aT = {@link #packTransposed}. */
    void backwardCol2im(float[] dy, int dyOff, Geometry g, float[] aT, float[] dx, int dxOff) {
        int p = g.oh * g.ow, k = g.k();
        Arrays.fill(dx, dxOff, dxOff + g.c * g.h * g.w, 0f);
        int bandRows = Math.max(1, Math.min(g.oh, bandPixels / g.ow));
        if (col.length < k * bandRows * g.ow) col = new float[k * bandRows * g.ow];
        float[] cb = col;
        for (int oy0 = 0; oy0 < g.oh; oy0 += bandRows) {
            int oy1 = Math.min(g.oh, oy0 + bandRows);
            int q0 = oy0 * g.ow, cp = (oy1 - oy0) * g.ow;
            gemm(aT, k, g.m, Im2col.rows(dy, dyOff + q0, p), cp, null, cb, 0, cp);
            int iy0 = Math.max(0, oy0 * g.sh - g.ph), iy1 = Math.min(g.h, (oy1 - 1) * g.sh - g.ph + g.kh);
            int rows = iy1 - iy0;
            if (rows <= 0) continue;
            int fy0 = oy0, fy1 = oy1;
            int accLength = g.sw * ((g.w + g.sw - 1) / g.sw);
            par.forEach(g.c * rows, (task, worker) ->
                    gatherRow(cb, cp, g, task / rows, iy0 + task % rows, fy0, fy1, dx, dxOff, rowBuffer(worker, accLength)));
        }
    }

    /**
     * dx row (c, iy) += every col entry of output rows [oy0, oy1) that lands on it. The entries of
     * one tap land sw columns apart; summed first into the row's column phases (acc[phase][j] for
     * ix = j·sw + phase, contiguous in ox, so a vector add), then interleaved into dx once.
     */
    private static void gatherRow(float[] cb, int cp, Geometry g, int c, int iy, int oy0, int oy1, float[] dx, int dxOff, float[] acc) {
        int dst = dxOff + (c * g.h + iy) * g.w, sw = g.sw, wq = (g.w + sw - 1) / sw;
        Arrays.fill(acc, 0, sw * wq, 0f);
        for (int ky = 0; ky < g.kh; ky++) {
            int t = iy + g.ph - ky;
            if (t < 0 || t % g.sh != 0) continue;
            int oy = t / g.sh;
            if (oy < oy0 || oy >= oy1) continue;
            for (int kx = 0; kx < g.kw; kx++) {
                int src = ((c * g.kh + ky) * g.kw + kx) * cp + (oy - oy0) * g.ow;
                // ox range whose ix = ox·sw − pw + kx lies in [0, w); ix = (ox + shift)·sw + phase.
                int lo = Math.max(0, ceilDiv(g.pw - kx, sw));
                int hi = Math.min(g.ow - 1, Math.floorDiv(g.w - 1 + g.pw - kx, sw));
                int a = Math.floorMod(kx - g.pw, sw) * wq + Math.floorDiv(kx - g.pw, sw);
                int ox = lo;
                for (int end = hi + 1 - Gemm.L; ox <= end; ox += Gemm.L)
                    FloatVector.fromArray(Gemm.S, cb, src + ox).add(FloatVector.fromArray(Gemm.S, acc, a + ox)).intoArray(acc, a + ox);
                for (; ox <= hi; ox++) acc[a + ox] += cb[src + ox];
            }
        }
        for (int phase = 0; phase < sw; phase++)
            for (int j = 0, ix = phase; ix < g.w; j++, ix += sw) dx[dst + ix] += acc[phase * wq + j];
    }

    static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }
}
