package deepdream.kernels.cpu;

import deepdream.engine.ConvSpec;
import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static deepdream.kernels.cpu.Gemm.L;
import static deepdream.kernels.cpu.Gemm.S;

/**
 * Grouped convolutions (any geometry: asymmetric pads, dilation, strides), forward and
 * backward-data, one task per (image, output plane) so every thread works; each output element is
 * summed by one task in a fixed order, so the result does not depend on the thread count.
 * <ul>
 *   <li>depthwise (one input and one output channel per group, MobileNetV2): the plane is copied
 *       into the worker's buffer with its pads as zeros and its columns split into stride phases,
 *       so every tap of a row of outputs reads one contiguous run; then a direct vector
 *       correlation, all taps of L outputs accumulated in one register. Backward-data at stride 1
 *       is the same correlation with the kernel rotated by 180°; with a stride, a vector scatter of
 *       dy's rows into the forward's padded plane, then a crop.</li>
 *   <li>other groups: the reference's loops (double sums, the same order, so the same floats),
 *       run in parallel over the planes.</li>
 * </ul>
 */
final class CpuGroupedConv {
    private final Parallel par;
    /** Per-thread padded, phase-split plane; grown on demand, reused across calls. */
    private final float[][] plane;
    /** Per-thread tap offsets and weights of {@link #correlate}. */
    private final int[][] tapOffsets;
    private final float[][] tapWeights;

    CpuGroupedConv(Parallel par) {
        this.par = par;
        plane = new float[par.threads()][0];
        tapOffsets = new int[par.threads()][0];
        tapWeights = new float[par.threads()][0];
    }

    private int[] tapOffsets(int worker, int taps) {
        if (tapOffsets[worker].length < taps) tapOffsets[worker] = new int[taps];
        return tapOffsets[worker];
    }

    private float[] tapWeights(int worker, int taps) {
        if (tapWeights[worker].length < taps) tapWeights[worker] = new float[taps];
        return tapWeights[worker];
    }

    private float[] plane(int worker, int n) {
        if (plane[worker].length < n) plane[worker] = new float[n];
        return plane[worker];
    }

    static boolean depthwise(int c, int m, ConvSpec s) { return s.groups() == c && s.groups() == m; }

    // ---- depthwise -----------------------------------------------------------------------------

    /** y = conv(x) + bias for n images of c channels, weight [c][1][kh][kw]. */
    void depthwiseForward(int n, int c, int h, int w, float[] x, float[] wt, float[] bias, ConvSpec s, float[] y) {
        int kh = s.kernelH(), kw = s.kernelW(), sh = s.strideH(), sw = s.strideW(), dh = s.dilationH(), dw = s.dilationW();
        int oh = s.outH(h), ow = s.outW(w);
        // Padded rows and columns the outputs read; columns stored as sw phases of wq each.
        int rows = (oh - 1) * sh + (kh - 1) * dh + 1, cols = (ow - 1) * sw + (kw - 1) * dw + 1, wq = (cols + sw - 1) / sw;
        par.forEach(n * c, (task, worker) -> {
            int ch = task % c;
            float[] p = plane(worker, rows * sw * wq);
            padPlane(x, task * h * w, h, w, s.padTop(), s.padLeft(), rows, sw, wq, p);
            correlate(p, sw, wq, wt, ch * kh * kw, kh, kw, sh, dh, dw, false, bias == null ? 0f : bias[ch], y, task * oh * ow, oh, ow,
                    tapOffsets(worker, kh * kw), tapWeights(worker, kh * kw));
        });
    }

    /**
     * dx = convᵀ(dy) for n images of c channels. Stride 1: dy padded, correlated with the rotated
     * kernel (a gather, each dx element summed in a register). A stride: each dy row scattered
     * into the padded, phase-split plane of the forward, then cropped out — a quarter of the
     * multiply-adds of correlating dy spread out by the stride into zeros.
     */
    void depthwiseBackwardData(int n, int c, int h, int w, float[] dy, float[] wt, ConvSpec s, float[] dx) {
        int kh = s.kernelH(), kw = s.kernelW(), dh = s.dilationH(), dw = s.dilationW();
        int oh = s.outH(h), ow = s.outW(w);
        if (s.strideH() > 1 || s.strideW() > 1) {
            int sh = s.strideH(), sw = s.strideW();
            int rows = (oh - 1) * sh + (kh - 1) * dh + 1, cols = (ow - 1) * sw + (kw - 1) * dw + 1, wq = (cols + sw - 1) / sw;
            par.forEach(n * c, (task, worker) -> {
                int ch = task % c;
                float[] b = plane(worker, rows * sw * wq);
                scatter(dy, task * oh * ow, oh, ow, sh, sw, wq, rows, wt, ch * kh * kw, kh, kw, dh, dw, b,
                        tapOffsets(worker, kh * kw), tapWeights(worker, kh * kw));
                crop(b, rows, cols, sw, wq, s.padTop(), s.padLeft(), dx, task * h * w, h, w);
            });
            return;
        }
        // Z[zr][zc] = dy[oy][ox] at zr = oy·sh − padTop + (kh−1)·dh, zc = ox·sw − padLeft + (kw−1)·dw; zero elsewhere.
        int rows = h + (kh - 1) * dh, cols = w + (kw - 1) * dw;
        int r0 = (kh - 1) * dh - s.padTop(), c0 = (kw - 1) * dw - s.padLeft();
        par.forEach(n * c, (task, worker) -> {
            int ch = task % c;
            float[] z = plane(worker, rows * cols);
            spread(dy, task * oh * ow, oh, ow, s.strideH(), s.strideW(), r0, c0, rows, cols, z);
            correlate(z, 1, cols, wt, ch * kh * kw, kh, kw, 1, dh, dw, true, 0f, dx, task * h * w, h, w,
                    tapOffsets(worker, kh * kw), tapWeights(worker, kh * kw));
        });
    }

    /**
     * p (rows × sw phases × wq) = the plane at x[xOff ..] shifted by the pads, zero outside it:
     * padded (r, q) is x[r − pt][q − pl], stored at p[(r·sw + q mod sw)·wq + q div sw].
     */
    static void padPlane(float[] x, int xOff, int h, int w, int pt, int pl, int rows, int sw, int wq, float[] p) {
        for (int r = 0; r < rows; r++) {
            int iy = r - pt, dst = r * sw * wq;
            if (iy < 0 || iy >= h) { Arrays.fill(p, dst, dst + sw * wq, 0f); continue; }
            int src = xOff + iy * w;
            if (sw == 1) {
                // Columns [pl, pl + w) ∩ [0, wq) are x's row; the rest zeros.
                int lo = Math.min(wq, pl), hi = Math.min(wq, pl + w);
                Arrays.fill(p, dst, dst + lo, 0f);
                if (hi > lo) System.arraycopy(x, src + lo - pl, p, dst + lo, hi - lo);
                Arrays.fill(p, dst + Math.max(lo, hi), dst + wq, 0f);
                continue;
            }
            for (int phase = 0; phase < sw; phase++) {
                // j in [lo, hi) has ix = j·sw + phase − pl inside the row; zeros either side.
                int at = dst + phase * wq;
                int lo = Math.min(wq, Math.max(0, CpuConv.ceilDiv(pl - phase, sw)));
                int hi = Math.max(lo, Math.min(wq, Math.floorDiv(w - 1 + pl - phase, sw) + 1));
                Arrays.fill(p, at, at + lo, 0f);
                for (int j = lo, ix = lo * sw + phase - pl; j < hi; j++, ix += sw) p[at + j] = x[src + ix];
                Arrays.fill(p, at + hi, at + wq, 0f);
            }
        }
    }

    /**
     * b (layout of {@link #padPlane}) = Σ over dy's outputs of w·dy at each tap's padded position,
     * in order of output row, then tap: the same fixed sum for every element whatever the threads.
     */
    static void scatter(float[] dy, int dyOff, int oh, int ow, int sh, int sw, int wq, int rows, float[] wt, int wOff,
                        int kh, int kw, int dh, int dw, float[] b, int[] off, float[] tw) {
        Arrays.fill(b, 0, rows * sw * wq, 0f);
        int taps = kh * kw, rowStep = sh * sw * wq;
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++) {
                int q = kx * dw, t = ky * kw + kx;
                off[t] = (ky * dh * sw + q % sw) * wq + q / sw;
                tw[t] = wt[wOff + t];
            }
        for (int oy = 0; oy < oh; oy++) {
            int src = dyOff + oy * ow, base = oy * rowStep;
            for (int t = 0; t < taps; t++) {
                int at = base + off[t];
                float wv = tw[t];
                FloatVector wb = FloatVector.broadcast(S, wv);
                int ox = 0;
                for (int end = ow - L; ox <= end; ox += L)
                    FloatVector.fromArray(S, dy, src + ox).fma(wb, FloatVector.fromArray(S, b, at + ox)).intoArray(b, at + ox);
                for (; ox < ow; ox++) b[at + ox] = Math.fma(dy[src + ox], wv, b[at + ox]);
            }
        }
    }

    /** dx plane = b's padded (iy + pt, ix + pl) where b has it (rows × cols), zero beyond. */
    static void crop(float[] b, int rows, int cols, int sw, int wq, int pt, int pl, float[] dx, int dxOff, int h, int w) {
        int ixEnd = Math.max(0, Math.min(w, cols - pl));
        for (int iy = 0; iy < h; iy++) {
            int r = iy + pt, dst = dxOff + iy * w;
            if (r >= rows) { Arrays.fill(dx, dst, dst + w, 0f); continue; }
            int base = r * sw * wq;
            for (int phase = 0; phase < sw; phase++) {
                int ix0 = Math.floorMod(phase - pl, sw), at = base + phase * wq + (ix0 + pl) / sw;
                for (int ix = ix0, j = 0; ix < ixEnd; ix += sw, j++) dx[dst + ix] = b[at + j];
            }
            Arrays.fill(dx, dst + ixEnd, dst + w, 0f);
        }
    }

    /** z (rows × cols) = zeros with dy[oy][ox] at (oy·sh + r0, ox·sw + c0) where that lies inside z. */
    static void spread(float[] dy, int dyOff, int oh, int ow, int sh, int sw, int r0, int c0, int rows, int cols, float[] z) {
        Arrays.fill(z, 0, rows * cols, 0f);
        int lo = Math.max(0, CpuConv.ceilDiv(-c0, sw)), hi = Math.min(ow - 1, Math.floorDiv(cols - 1 - c0, sw));
        for (int oy = 0; oy < oh; oy++) {
            int zr = oy * sh + r0;
            if (zr < 0 || zr >= rows || lo > hi) continue;
            int src = dyOff + oy * ow, dst = zr * cols + c0;
            if (sw == 1) System.arraycopy(dy, src + lo, z, dst + lo, hi - lo + 1);
            else for (int ox = lo; ox <= hi; ox++) z[dst + ox * sw] = dy[src + ox];
        }
    }

    /**
     * y[yOff + oy·ow + ox] = b + Σ taps w·p over one padded, phase-split plane (layout of
     * {@link #padPlane}); taps in row-major order, each a fused multiply-add, the same in the vector
     * body and the scalar tail, so every output has one fixed sum. flip: the kernel rotated by 180°.
     * off and tw (≥ kh·kw each) receive the taps' offsets in p and their weights, so that the
     * hot loop does no division.
     */
    static void correlate(float[] p, int sw, int wq, float[] wt, int wOff, int kh, int kw, int sh, int dh, int dw,
                          boolean flip, float b, float[] y, int yOff, int oh, int ow, int[] off, float[] tw) {
        int taps = kh * kw;
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++) {
                int q = kx * dw, t = ky * kw + kx;
                off[t] = (ky * dh * sw + q % sw) * wq + q / sw;
                tw[t] = wt[wOff + (flip ? taps - 1 - t : t)];
            }
        int rowStep = sh * sw * wq;
        for (int oy = 0; oy < oh; oy++) {
            int yRow = yOff + oy * ow, base = oy * rowStep;
            int ox = 0;
            for (int end = ow - L; ox <= end; ox += L) {
                FloatVector acc = FloatVector.broadcast(S, b);
                for (int t = 0; t < taps; t++)
                    acc = FloatVector.fromArray(S, p, base + off[t] + ox).fma(FloatVector.broadcast(S, tw[t]), acc);
                acc.intoArray(y, yRow + ox);
            }
            for (; ox < ow; ox++) {
                float acc = b;
                for (int t = 0; t < taps; t++) acc = Math.fma(p[base + off[t] + ox], tw[t], acc);
                y[yRow + ox] = acc;
            }
        }
    }

    // ---- other groups -------------------------------------------------------------------------

    /** The reference's forward loops, one task per (image, output channel). */
    void forward(int n, int c, int h, int w, int m, float[] x, float[] wt, float[] bias, ConvSpec s, float[] y) {
        int cg = c / s.groups(), mg = m / s.groups(), oh = s.outH(h), ow = s.outW(w);
        int kh = s.kernelH(), kw = s.kernelW();
        par.forEach(n * m, (task, worker) -> {
            int in = task / m, o = task % m, g = o / mg;
            for (int py = 0; py < oh; py++)
                for (int px = 0; px < ow; px++) {
                    double sum = bias == null ? 0 : bias[o];
                    for (int ci = 0; ci < cg; ci++)
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = py * s.strideH() - s.padTop() + ky * s.dilationH();
                            if (iy < 0 || iy >= h) continue;
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = px * s.strideW() - s.padLeft() + kx * s.dilationW();
                                if (ix < 0 || ix >= w) continue;
                                sum += (double) wt[((o * cg + ci) * kh + ky) * kw + kx] * x[((in * c + g * cg + ci) * h + iy) * w + ix];
                            }
                        }
                    y[((in * m + o) * oh + py) * ow + px] = (float) sum;
                }
        });
    }

    /** The reference's backward-data loops (a gather per input pixel), one task per (image, input channel). */
    void backwardData(int n, int c, int h, int w, int m, float[] dy, float[] wt, ConvSpec s, float[] dx) {
        int cg = c / s.groups(), mg = m / s.groups(), oh = s.outH(h), ow = s.outW(w);
        int kh = s.kernelH(), kw = s.kernelW();
        par.forEach(n * c, (task, worker) -> {
            int in = task / c, ch = task % c, g = ch / cg, ci = ch - g * cg;
            for (int iy = 0; iy < h; iy++)
                for (int ix = 0; ix < w; ix++) {
                    double sum = 0;
                    for (int o = g * mg; o < (g + 1) * mg; o++)
                        for (int ky = 0; ky < kh; ky++) {
                            int ty = iy + s.padTop() - ky * s.dilationH();
                            if (ty < 0 || ty % s.strideH() != 0 || ty / s.strideH() >= oh) continue;
                            int py = ty / s.strideH();
                            for (int kx = 0; kx < kw; kx++) {
                                int tx = ix + s.padLeft() - kx * s.dilationW();
                                if (tx < 0 || tx % s.strideW() != 0 || tx / s.strideW() >= ow) continue;
                                sum += (double) wt[((o * cg + ci) * kh + ky) * kw + kx] * dy[((in * m + o) * oh + py) * ow + tx / s.strideW()];
                            }
                        }
                    dx[((in * c + ch) * h + iy) * w + ix] = (float) sum;
                }
        });
    }
}
