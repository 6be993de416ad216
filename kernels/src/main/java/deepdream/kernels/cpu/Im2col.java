package deepdream.kernels.cpu;

import java.util.Arrays;

import static deepdream.kernels.cpu.Gemm.NR;

/**
 * Packs one B panel of the convolution GEMM straight from the input image: NR consecutive output
 * pixels (flat index oh·OW + ow) × all K = C·kh·kw rows, zero where the window hangs over the
 * padding. No full im2col matrix is ever built, so memory stays at one panel per thread.
 */
final class Im2col {
    private Im2col() {}

    /**
     * bp[k·NR + j] = x(c, oh·sh − ph + ky, ow·sw − pw + kx) for output pixel p0 + j, k = (c·kh + ky)·kw + kx;
     * columns j in [np, NR) are zero.
     */
    static void pack(float[] x, int xOff, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                     int ow, int p0, int np, float[] bp) {
        int k = c * kh * kw;
        if (np < NR) for (int r = 0; r < k; r++) Arrays.fill(bp, r * NR + np, r * NR + NR, 0f);
        int j = 0;
        while (j < np) {
            // One run of the panel that stays on a single output row.
            int p = p0 + j, oy = p / ow, ox0 = p % ow;
            int len = Math.min(np - j, ow - ox0);
            for (int ci = 0; ci < c; ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * sh - ph + ky;
                    int dst = ((ci * kh + ky) * kw) * NR + j;
                    if (iy < 0 || iy >= h) {
                        for (int kx = 0; kx < kw; kx++, dst += NR) Arrays.fill(bp, dst, dst + len, 0f);
                        continue;
                    }
                    int row = xOff + (ci * h + iy) * w;
                    for (int kx = 0; kx < kw; kx++, dst += NR) {
                        int ix0 = ox0 * sw - pw + kx;
                        if (sw == 1) {
                            // Contiguous source run: copy the part inside the image, zero the overhang.
                            int lo = Math.min(len, Math.max(0, -ix0));
                            int hi = Math.max(lo, Math.min(len, w - ix0));
                            if (lo > 0) Arrays.fill(bp, dst, dst + lo, 0f);
                            if (hi > lo) System.arraycopy(x, row + ix0 + lo, bp, dst + lo, hi - lo);
                            if (hi < len) Arrays.fill(bp, dst + hi, dst + len, 0f);
                        } else {
                            for (int t = 0, ix = ix0; t < len; t++, ix += sw)
                                bp[dst + t] = ix >= 0 && ix < w ? x[row + ix] : 0f;
                        }
                    }
                }
            }
            j += len;
        }
    }

    /** Copies NR columns [p0, p0+np) of a row-major k×ldx matrix into a zero-padded panel (tails of 1×1 convs). */
    static void packRows(float[] x, int xOff, int ldx, int k, int p0, int np, float[] bp) {
        for (int r = 0; r < k; r++) {
            System.arraycopy(x, xOff + r * ldx + p0, bp, r * NR, np);
            if (np < NR) Arrays.fill(bp, r * NR + np, r * NR + NR, 0f);
        }
    }
}
