package deepdream.kernels.cpu;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static deepdream.kernels.cpu.Gemm.L;
import static deepdream.kernels.cpu.Gemm.NR;
import static deepdream.kernels.cpu.Gemm.S;

/**
 * The B matrix (K × P) of a convolution GEMM, packed one micro-panel at a time: rows [k0, k1) ×
 * NR consecutive columns, k-major, zero-padded past the last column. No full im2col matrix is ever
 * built, so memory stays at one KC × NR panel per thread.
 *
 * <p>Two sources: {@link #rows} (a row-major K × ld matrix, e.g. x of a 1×1 convolution or dy) and
 * {@link #image} (im2col of an image, row k = (c·kh + ky)·kw + kx, column = output pixel oh·OW + ow).
 * The image may be split in column phases ({@link #splitPhases}) so strided windows read
 * contiguous runs.
 */
final class Im2col {
    private final float[] src;
    private final int off;
    private final int ld;                 // rows: row stride
    private final CpuConv.Geometry g;     // image: the convolution, null for rows
    private final int wq;                 // image: length of one phase row (w when sw = 1)

    private Im2col(float[] src, int off, int ld, CpuConv.Geometry g, int wq) {
        this.src = src;
        this.off = off;
        this.ld = ld;
        this.g = g;
        this.wq = wq;
    }

    /** Kernel width of the image source (1 for rows): the size of {@link #pack}'s tables. */
    int kernelWidth() { return g == null ? 1 : g.kw(); }

    /** B[k][j] = src[off + k·ld + j]. */
    static Im2col rows(float[] src, int off, int ld) { return new Im2col(src, off, ld, null, 0); }

    /**
     * B = im2col of the image at src[off ..] for convolution g. Pixel (c, iy, ix) is at
     * off + ((c·h + iy)·sw + ix mod sw)·wq + ix / sw: with sw = 1 and wq = w that is plain NCHW.
     */
    static Im2col image(float[] src, int off, CpuConv.Geometry g, int wq) { return new Im2col(src, off, 0, g, wq); }

    /** dst[dstOff + phase·wq + j] = x[xOff + j·sw + phase]: one image row split into sw column phases. */
    static void splitPhases(float[] x, int xOff, int w, int sw, int wq, float[] dst, int dstOff) {
        for (int phase = 0; phase < sw; phase++) {
            int d = dstOff + phase * wq, j = 0;
            for (int ix = phase; ix < w; ix += sw, j++) dst[d + j] = x[xOff + ix];
            if (j < wq) Arrays.fill(dst, d + j, d + wq, 0f);
        }
    }

    /**
     * Two vector moves: an {@code arraycopy} call of 16 floats costs several times more, and the
     * packing is a quarter of the time of a 64-output-channel layer when done that way.
     */
    private static void copyPanelRow(float[] src, int from, float[] bp, int to) {
        FloatVector.fromArray(S, src, from).intoArray(bp, to);
        FloatVector.fromArray(S, src, from + L).intoArray(bp, to + L);
    }

    /**
     * bp[(k − k0)·NR + j] = B[k][p0 + j] for k in [k0, k1), j &lt; np; zero for j in [np, NR).
     * {@code scratch} (3·kw ints, the caller's thread's own) holds per-kx tables of one run.
     */
    void pack(int k0, int k1, int p0, int np, float[] bp, int[] scratch) {
        if (np < NR) for (int r = 0; r < k1 - k0; r++) Arrays.fill(bp, r * NR + np, r * NR + NR, 0f);
        if (g == null) {
            if (np == NR) for (int r = k0; r < k1; r++) copyPanelRow(src, off + r * ld + p0, bp, (r - k0) * NR);
            else for (int r = k0; r < k1; r++) System.arraycopy(src, off + r * ld + p0, bp, (r - k0) * NR, np);
            return;
        }
        int taps = g.kh() * g.kw(), kw = g.kw(), kh = g.kh(), h = g.h(), w = g.w(), sw = g.sw(), ow = g.ow();
        int rowStride = sw * wq;
        int j = 0;
        while (j < np) {
            // One run of the panel that stays on a single output row.
            int p = p0 + j, oy = p / ow, ox0 = p % ow;
            int len = Math.min(np - j, ow - ox0);
            // Per kx: the run reads input columns ix0, ix0 + sw, ...; [lo, hi) of it is inside the
            // image. Computed once per run: integer divisions per row would cost as much as the copy.
            for (int kx = 0; kx < kw; kx++) {
                int ix0 = ox0 * sw - g.pw() + kx;
                int lo = Math.min(len, Math.max(0, CpuConv.ceilDiv(-ix0, sw)));
                scratch[kx] = lo;
                scratch[kw + kx] = Math.max(lo, Math.min(len, Math.floorDiv(w - 1 - ix0, sw) + 1));
                scratch[2 * kw + kx] = Math.floorMod(ix0, sw) * wq + Math.floorDiv(ix0, sw);
            }
            int ci = k0 / taps, t = k0 % taps, ky = t / kw, kx = t % kw;
            int iyTop = oy * g.sh() - g.ph();
            int dst = j;
            for (int r = k0; r < k1; ) {
                int iy = iyTop + ky, kxEnd = Math.min(kw, kx + (k1 - r));
                r += kxEnd - kx;
                if (iy < 0 || iy >= h) {
                    for (; kx < kxEnd; kx++, dst += NR) Arrays.fill(bp, dst, dst + len, 0f);
                } else {
                    int rowBase = off + (ci * h + iy) * rowStride;
                    for (; kx < kxEnd; kx++, dst += NR) {
                        int lo = scratch[kx], hi = scratch[kw + kx], base = rowBase + scratch[2 * kw + kx];
                        if (hi - lo == NR) {
                            copyPanelRow(src, base, bp, dst);   // the common case: a whole interior row
                        } else {
                            if (lo > 0) Arrays.fill(bp, dst, dst + lo, 0f);
                            if (hi > lo) System.arraycopy(src, base + lo, bp, dst + lo, hi - lo);
                            if (hi < len) Arrays.fill(bp, dst + hi, dst + len, 0f);
                        }
                    }
                }
                if (kx == kw) {
                    kx = 0;
                    if (++ky == kh) { ky = 0; ci++; }
                }
            }
            j += len;
        }
    }
}
