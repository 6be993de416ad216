package deepdream.kernels.cpu;

import java.util.Arrays;

import static deepdream.kernels.cpu.Gemm.MR;
import static deepdream.kernels.cpu.Gemm.NR;

/**
 * Convolution (groups = 1) as packed GEMM on the {@link Gemm} micro-kernel, for one image at a time:
 * <ul>
 *   <li>forward: y[M][OH·OW] = W[M][C·kh·kw] · im2col(x) + bias. A 1×1 stride-1 unpadded convolution
 *       reads x itself as the B matrix (no packing for full panels).</li>
 *   <li>backward-data, stride 1 with pad ≤ kernel−1 (every GoogLeNet conv but conv1): a forward
 *       convolution of dy with the transposed, flipped kernel and pad kernel−1−pad.</li>
 *   <li>backward-data otherwise (conv1's stride 2): col = Wᵀ · dy per band of output rows, then a
 *       col2im that gathers per input row, so threads never write the same element.</li>
 * </ul>
 * Work is split over (pixel panel × block of output rows) tasks. Each thread owns its packing
 * buffer; all buffers grow on demand and are reused across calls and octave sizes.
 */
final class CpuConv {
    /** Conv geometry flattened for the kernels. */
    record Geometry(int c, int h, int w, int m, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        int k() { return c * kh * kw; }
        boolean pointwise() { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
    }

    /** Output pixels per col2im band: keeps the col buffer around a few MB at any image size. */
    private static final int BAND_PIXELS = 8192;

    private final Parallel par;
    private final float[][] panel;   // per-thread B panel, K × NR
    private final float[][] tile;    // per-thread MR × NR tile for partial panels
    private float[] col = new float[0];

    CpuConv(Parallel par) {
        this.par = par;
        panel = new float[par.threads()][0];
        tile = new float[par.threads()][MR * NR];
    }

    private float[] panel(int worker, int k) {
        if (panel[worker].length < k * NR) panel[worker] = new float[k * NR];
        return panel[worker];
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
    void forward(float[] x, int xOff, Geometry g, float[] a, float[] bias, float[] y, int yOff) {
        int p = g.oh * g.ow, k = g.k(), mBlocks = Gemm.blocks(g.m);
        int panels = (p + NR - 1) / NR;
        int split = rowSplit(panels, mBlocks);
        boolean direct = g.pointwise();
        par.forEach(panels * split, (task, worker) -> {
            int pi = task / split, part = task % split;
            int p0 = pi * NR, np = Math.min(NR, p - p0);
            float[] b;
            int bOff, ldb;
            if (direct && np == NR) {
                b = x; bOff = xOff + p0; ldb = p;
            } else {
                b = panel(worker, k); bOff = 0; ldb = NR;
                if (direct) Im2col.packRows(x, xOff, p, k, p0, np, b);
                else Im2col.pack(x, xOff, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.ow, p0, np, b);
            }
            int blo = part * mBlocks / split, bhi = (part + 1) * mBlocks / split;
            float[] tl = tile[worker];
            for (int blk = blo; blk < bhi; blk++) {
                int m0 = blk * MR;
                Gemm.kernel(a, blk * MR * k, b, bOff, ldb, k, y, yOff + m0 * p + p0, p,
                        Math.min(MR, g.m - m0), np, bias, m0, tl);
            }
        });
    }

    /** Splits the row blocks when there are too few panels to keep every thread busy (small octaves). */
    private int rowSplit(int panels, int mBlocks) {
        int want = 4 * par.threads();
        if (panels >= want) return 1;
        return Math.max(1, Math.min(mBlocks, (want + panels - 1) / panels));
    }

    // ---- backward-data --------------------------------------------------------------------------

    /** dx = convᵀ(dy) through col = Wᵀ·dy and a gathering col2im; aT = {@link #packTransposed}. */
    void backwardCol2im(float[] dy, int dyOff, Geometry g, float[] aT, float[] dx, int dxOff) {
        int p = g.oh * g.ow, k = g.k(), kBlocks = Gemm.blocks(k);
        Arrays.fill(dx, dxOff, dxOff + g.c * g.h * g.w, 0f);
        int bandRows = Math.max(1, Math.min(g.oh, BAND_PIXELS / g.ow));
        if (col.length < k * bandRows * g.ow) col = new float[k * bandRows * g.ow];
        float[] cb = col;
        for (int oy0 = 0; oy0 < g.oh; oy0 += bandRows) {
            int oy1 = Math.min(g.oh, oy0 + bandRows);
            int q0 = oy0 * g.ow, cp = (oy1 - oy0) * g.ow;
            int panels = (cp + NR - 1) / NR;
            int split = rowSplit(panels, kBlocks);
            par.forEach(panels * split, (task, worker) -> {
                int pi = task / split, part = task % split;
                int p0 = pi * NR, np = Math.min(NR, cp - p0);
                float[] b;
                int bOff, ldb;
                if (np == NR) {
                    b = dy; bOff = dyOff + q0 + p0; ldb = p;
                } else {
                    b = panel(worker, g.m); bOff = 0; ldb = NR;
                    Im2col.packRows(dy, dyOff, p, g.m, q0 + p0, np, b);
                }
                int blo = part * kBlocks / split, bhi = (part + 1) * kBlocks / split;
                float[] tl = tile[worker];
                for (int blk = blo; blk < bhi; blk++) {
                    int r0 = blk * MR;
                    Gemm.kernel(aT, blk * MR * g.m, b, bOff, ldb, g.m, cb, r0 * cp + p0, cp,
                            Math.min(MR, k - r0), np, null, 0, tl);
                }
            });
            int iy0 = Math.max(0, oy0 * g.sh - g.ph), iy1 = Math.min(g.h, (oy1 - 1) * g.sh - g.ph + g.kh);
            int rows = iy1 - iy0;
            if (rows <= 0) continue;
            int fy0 = oy0, fy1 = oy1;
            par.forEach(g.c * rows, (task, worker) ->
                    gatherRow(cb, cp, g, task / rows, iy0 + task % rows, fy0, fy1, dx, dxOff));
        }
    }

    /** dx row (c, iy) += every col entry of output rows [oy0, oy1) that lands on it. */
    private static void gatherRow(float[] cb, int cp, Geometry g, int c, int iy, int oy0, int oy1, float[] dx, int dxOff) {
        int dst = dxOff + (c * g.h + iy) * g.w;
        for (int ky = 0; ky < g.kh; ky++) {
            int t = iy + g.ph - ky;
            if (t < 0 || t % g.sh != 0) continue;
            int oy = t / g.sh;
            if (oy < oy0 || oy >= oy1) continue;
            for (int kx = 0; kx < g.kw; kx++) {
                int src = ((c * g.kh + ky) * g.kw + kx) * cp + (oy - oy0) * g.ow;
                // ox range whose ix = ox·sw − pw + kx lies in [0, w).
                int lo = Math.max(0, ceilDiv(g.pw - kx, g.sw));
                int hi = Math.min(g.ow - 1, Math.floorDiv(g.w - 1 + g.pw - kx, g.sw));
                for (int ox = lo, ix = lo * g.sw - g.pw + kx; ox <= hi; ox++, ix += g.sw) dx[dst + ix] += cb[src + ox];
            }
        }
    }

    private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }
}
