package deepdream.kernels.reference;

import deepdream.engine.Arithmetic;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PadSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.kernels.BackendChecks;
import deepdream.kernels.HostBackend;

/**
 * The oracle: every op as plain scalar loops that follow Caffe's definitions line by line. Long
 * sums (convolution and inner-product dot products, LRN windows, reductions) accumulate in double,
 * so this backend is more accurate than the float32 kernels it judges. Nothing here is fast, and
 * nothing should be made clever: optimised backends extend this class and override only hot ops.
 */
public class ReferenceBackend extends HostBackend {

    public ReferenceBackend() {}

    protected ReferenceBackend(long poolCapBytes) { super(poolCapBytes); }

    @Override public String name() { return "reference"; }

    @Override public String describe() { return "reference (scalar Java loops, single thread)"; }

    // ---- convolution and inner product ---------------------------------------------------

    @Override
    public void conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec s, Tensor y) {
        int n = x.n(), c = x.c(), h = x.h(), w = x.w();
        int m = weight.n(), cg = c / s.groups(), mg = m / s.groups();
        int oh = s.outH(h), ow = s.outW(w);
        BackendChecks.conv("conv2d", x, weight, bias, s, y);
        BackendChecks.writable("conv2d", y);
        float[] xd = data(x), wd = data(weight), yd = data(y), bd = bias == null ? null : data(bias);
        for (int in = 0; in < n; in++)
            for (int o = 0; o < m; o++) {
                int g = o / mg;
                for (int py = 0; py < oh; py++)
                    for (int px = 0; px < ow; px++) {
                        double sum = bd == null ? 0 : bd[o];
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < s.kernelH(); ky++) {
                                int iy = py * s.strideH() - s.padTop() + ky * s.dilationH();
                                if (iy < 0 || iy >= h) continue;
                                for (int kx = 0; kx < s.kernelW(); kx++) {
                                    int ix = px * s.strideW() - s.padLeft() + kx * s.dilationW();
                                    if (ix < 0 || ix >= w) continue;
                                    sum += (double) wd[((o * cg + ci) * s.kernelH() + ky) * s.kernelW() + kx]
                                            * xd[((in * c + g * cg + ci) * h + iy) * w + ix];
                                }
                            }
                        yd[((in * m + o) * oh + py) * ow + px] = (float) sum;
                    }
            }
    }

    /** Gathers, for every input pixel, the outputs whose windows covered it (the transposed convolution). */
    @Override
    public void conv2dBackwardData(Tensor dy, Tensor weight, ConvSpec s, Tensor dx) {
        int n = dx.n(), c = dx.c(), h = dx.h(), w = dx.w();
        int m = weight.n(), cg = c / s.groups(), mg = m / s.groups();
        int oh = s.outH(h), ow = s.outW(w);
        BackendChecks.conv("conv2d backward", dx, weight, null, s, dy);
        BackendChecks.writable("conv2d backward", dx);
        float[] dyd = data(dy), wd = data(weight), dxd = data(dx);
        for (int in = 0; in < n; in++)
            for (int ch = 0; ch < c; ch++) {
                int g = ch / cg, ci = ch - g * cg;
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < w; ix++) {
                        double sum = 0;
                        for (int o = g * mg; o < (g + 1) * mg; o++)
                            for (int ky = 0; ky < s.kernelH(); ky++) {
                                int ty = iy + s.padTop() - ky * s.dilationH();   // = py * strideH
                                if (ty < 0 || ty % s.strideH() != 0 || ty / s.strideH() >= oh) continue;
                                int py = ty / s.strideH();
                                for (int kx = 0; kx < s.kernelW(); kx++) {
                                    int tx = ix + s.padLeft() - kx * s.dilationW();
                                    if (tx < 0 || tx % s.strideW() != 0 || tx / s.strideW() >= ow) continue;
                                    int px = tx / s.strideW();
                                    sum += (double) wd[((o * cg + ci) * s.kernelH() + ky) * s.kernelW() + kx]
                                            * dyd[((in * m + o) * oh + py) * ow + px];
                                }
                            }
                        dxd[((in * c + ch) * h + iy) * w + ix] = (float) sum;
                    }
            }
    }

    @Override
    public void innerProduct(Tensor x, Tensor weight, Tensor bias, Tensor y) {
        int n = x.n(), in = x.size() / n, out = weight.dim(0);
        BackendChecks.innerProduct("inner product", x, weight, bias, y);
        BackendChecks.writable("inner product", y);
        float[] xd = data(x), wd = data(weight), yd = data(y), bd = bias == null ? null : data(bias);
        for (int s = 0; s < n; s++)
            for (int o = 0; o < out; o++) {
                double sum = bd == null ? 0 : bd[o];
                for (int i = 0; i < in; i++) sum += (double) wd[o * in + i] * xd[s * in + i];
                yd[s * out + o] = (float) sum;
            }
    }

    @Override
    public void innerProductBackwardData(Tensor dy, Tensor weight, Tensor dx) {
        int n = dx.n(), in = dx.size() / n, out = weight.dim(0);
        BackendChecks.innerProduct("inner product backward", dx, weight, null, dy);
        BackendChecks.writable("inner product backward", dx);
        float[] dyd = data(dy), wd = data(weight), dxd = data(dx);
        for (int s = 0; s < n; s++)
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int o = 0; o < out; o++) sum += (double) dyd[s * out + o] * wd[o * in + i];
                dxd[s * in + i] = (float) sum;
            }
    }

    // ---- element-wise layers --------------------------------------------------------------

    @Override
    public void relu(Tensor x, Tensor y) {
        BackendChecks.elementwise("relu", x, y);
        float[] xd = data(x), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] = xd[i] > 0 ? xd[i] : 0f;
    }

    @Override
    public void reluBackward(Tensor x, Tensor dy, Tensor dx) {
        BackendChecks.same("relu backward", x, dy);
        BackendChecks.elementwise("relu backward", x, dx);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        for (int i = 0; i < xd.length; i++) dxd[i] = xd[i] > 0 ? dyd[i] : 0f;
    }

    @Override
    public void leakyRelu(Tensor x, float alpha, Tensor y) {
        BackendChecks.elementwise("leakyRelu", x, y);
        float[] xd = data(x), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] = xd[i] > 0 ? xd[i] : alpha * xd[i];
    }

    @Override
    public void leakyReluBackward(Tensor x, float alpha, Tensor dy, Tensor dx) {
        BackendChecks.same("leakyRelu backward", x, dy);
        BackendChecks.elementwise("leakyRelu backward", x, dx);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        for (int i = 0; i < xd.length; i++) dxd[i] = xd[i] > 0 ? dyd[i] : alpha * dyd[i];
    }

    @Override
    public void clip(Tensor x, float min, float max, Tensor y) {
        BackendChecks.elementwise("clip", x, y);
        float[] xd = data(x), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] = Math.min(Math.max(xd[i], min), max);
    }

    @Override
    public void clipBackward(Tensor x, float min, float max, Tensor dy, Tensor dx) {
        BackendChecks.same("clip backward", x, dy);
        BackendChecks.elementwise("clip backward", x, dx);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        for (int i = 0; i < xd.length; i++) dxd[i] = xd[i] > min && xd[i] < max ? dyd[i] : 0f;
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        BackendChecks.elementwise("sigmoid", x, y);
        float[] xd = data(x), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] = (float) (1 / (1 + Math.exp(-xd[i])));
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        BackendChecks.same("sigmoid backward", y, dy);
        BackendChecks.elementwise("sigmoid backward", y, dx);
        float[] yd = data(y), dyd = data(dy), dxd = data(dx);
        for (int i = 0; i < yd.length; i++) dxd[i] = dyd[i] * (yd[i] * (1f - yd[i]));
    }

    @Override
    public void arithmetic(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor y) {
        int[] b = BackendChecks.arithmetic("arithmetic", x, c, y);
        float[] xd = data(x), cd = data(c), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] = op.apply(constantFirst, xd[i], cd[(i / b[0]) % b[1]]);
    }

    @Override
    public void arithmeticBackward(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor dy, Tensor dx) {
        BackendChecks.same("arithmetic backward", x, dy);
        int[] b = BackendChecks.arithmetic("arithmetic backward", x, c, dx);
        float[] xd = data(x), cd = data(c), dyd = data(dy), dxd = data(dx);
        for (int i = 0; i < xd.length; i++) dxd[i] = op.inputGradient(constantFirst, xd[i], cd[(i / b[0]) % b[1]], dyd[i]);
    }

    @Override
    public void pad(Tensor x, PadSpec s, Tensor y) {
        BackendChecks.pad("pad", x, s, y);
        BackendChecks.writable("pad", y);
        int h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w);
        float[] xd = data(x), yd = data(y);
        for (int p = 0; p < x.n() * x.c(); p++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++) {
                    int sr = s.source(r, h, s.top()), sq = s.source(q, w, s.left());
                    yd[(p * oh + r) * ow + q] = sr < 0 || sq < 0 ? s.value() : xd[(p * h + sr) * w + sq];
                }
    }

    @Override
    public void padBackward(Tensor dy, PadSpec s, Tensor dx) {
        BackendChecks.pad("pad backward", dx, s, dy);
        BackendChecks.writable("pad backward", dx);
        int h = dx.h(), w = dx.w(), oh = s.outH(h), ow = s.outW(w);
        float[] dyd = data(dy), dxd = data(dx);
        java.util.Arrays.fill(dxd, 0f);
        // Scatter in output order: every backend that sums in another order matches within rounding.
        for (int p = 0; p < dx.n() * dx.c(); p++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++) {
                    int sr = s.source(r, h, s.top()), sq = s.source(q, w, s.left());
                    if (sr >= 0 && sq >= 0) dxd[(p * h + sr) * w + sq] += dyd[(p * oh + r) * ow + q];
                }
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor y) {
        BackendChecks.same("add", a, b);
        BackendChecks.elementwise("add", a, y);
        float[] ad = data(a), bd = data(b), yd = data(y);
        for (int i = 0; i < ad.length; i++) yd[i] = ad[i] + bd[i];
    }

    // ---- pooling ----------------------------------------------------------------------------

    /**
     * The pooling loops of {@link PoolSpec}. Max: window clipped to the image, first maximum wins.
     * Average: the sum over the window clipped to the image, divided by {@link #poolDivisor}. A window
     * lying wholly outside the image (only Caffe's rounding, unpadded, with stride &gt; kernel, which no
     * real net uses) yields 0 here, where Caffe would write -FLT_MAX or divide by a negative size.
     */
    @Override
    public void pool(Tensor x, PoolSpec s, Tensor y) {
        BackendChecks.pool("pool", x, s, y);
        BackendChecks.writable("pool", y);
        int n = x.n(), c = x.c(), h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w);
        float[] xd = data(x), yd = data(y);
        for (int plane = 0; plane < n * c; plane++) {
            int xo = plane * h * w;
            for (int py = 0; py < oh; py++)
                for (int px = 0; px < ow; px++) {
                    float out;
                    if (s.method() == PoolSpec.Method.MAX) {
                        int arg = argmax(xd, xo, h, w, s, py, px);
                        out = arg < 0 ? 0f : xd[xo + arg];
                    } else {
                        int y0 = py * s.strideH() - s.padTop(), x0 = px * s.strideW() - s.padLeft();
                        int y1 = Math.min(y0 + s.kernelH(), h), x1 = Math.min(x0 + s.kernelW(), w);
                        double sum = 0;
                        for (int iy = Math.max(y0, 0); iy < y1; iy++)
                            for (int ix = Math.max(x0, 0); ix < x1; ix++) sum += xd[xo + iy * w + ix];
                        int divisor = poolDivisor(s, h, w, py, px);
                        out = divisor > 0 && Math.max(y0, 0) < y1 && Math.max(x0, 0) < x1 ? (float) (sum / divisor) : 0f;
                    }
                    yd[(plane * oh + py) * ow + px] = out;
                }
        }
    }

    @Override
    public void poolBackward(Tensor x, Tensor dy, PoolSpec s, Tensor dx) {
        BackendChecks.pool("pool backward gradient", x, s, dy);
        BackendChecks.elementwise("pool backward", x, dx);
        int n = x.n(), c = x.c(), h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        java.util.Arrays.fill(dxd, 0f);
        for (int plane = 0; plane < n * c; plane++) {
            int xo = plane * h * w;
            for (int py = 0; py < oh; py++)
                for (int px = 0; px < ow; px++) {
                    float g = dyd[(plane * oh + py) * ow + px];
                    if (s.method() == PoolSpec.Method.MAX) {
                        int arg = argmax(xd, xo, h, w, s, py, px);
                        if (arg >= 0) dxd[xo + arg] += g;
                    } else {
                        int divisor = poolDivisor(s, h, w, py, px);
                        if (divisor <= 0) continue;
                        int y0 = py * s.strideH() - s.padTop(), x0 = px * s.strideW() - s.padLeft();
                        int y1 = Math.min(y0 + s.kernelH(), h), x1 = Math.min(x0 + s.kernelW(), w);
                        for (int iy = Math.max(y0, 0); iy < y1; iy++)
                            for (int ix = Math.max(x0, 0); ix < x1; ix++) dxd[xo + iy * w + ix] += g / divisor;
                    }
                }
        }
    }

    /**
     * Average pooling's divisor for window (py, px): the window clipped to the padded input when
     * padding counts (Caffe, ONNX count_include_pad=1), else clipped to the input (the pixels summed).
     */
    protected static int poolDivisor(PoolSpec s, int h, int w, int py, int px) {
        int y0 = py * s.strideH() - s.padTop(), x0 = px * s.strideW() - s.padLeft();
        if (s.countIncludePad())
            return (Math.min(y0 + s.kernelH(), h + s.padBottom()) - y0) * (Math.min(x0 + s.kernelW(), w + s.padRight()) - x0);
        return Math.max(0, Math.min(y0 + s.kernelH(), h) - Math.max(y0, 0)) * Math.max(0, Math.min(x0 + s.kernelW(), w) - Math.max(x0, 0));
    }

    /** Offset within the plane of the first maximum of window (py, px), or -1 for an empty window. */
    protected static int argmax(float[] xd, int planeOffset, int h, int w, PoolSpec s, int py, int px) {
        int y0 = py * s.strideH() - s.padTop(), x0 = px * s.strideW() - s.padLeft();
        int y1 = Math.min(y0 + s.kernelH(), h), x1 = Math.min(x0 + s.kernelW(), w);
        y0 = Math.max(y0, 0); x0 = Math.max(x0, 0);
        int arg = -1;
        float best = Float.NEGATIVE_INFINITY;
        for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) {
                float v = xd[planeOffset + iy * w + ix];
                if (v > best || arg < 0) {   // arg < 0: the first pixel seeds the scan, even if it is -inf
                    best = v;
                    arg = iy * w + ix;
                }
            }
        return arg;
    }

    // ---- LRN and softmax --------------------------------------------------------------------

    /** scale_c = k + alpha/size · Σ a² over the channel window; b = a · scale^-beta. */
    @Override
    public void lrn(Tensor x, LrnSpec s, Tensor y) {
        BackendChecks.elementwise("lrn", x, y);
        int n = x.n(), c = x.c(), hw = x.h() * x.w();
        float[] xd = data(x), yd = data(y);
        for (int in = 0; in < n; in++)
            for (int p = 0; p < hw; p++)
                for (int ch = 0; ch < c; ch++) {
                    int i = (in * c + ch) * hw + p;
                    yd[i] = (float) (xd[i] * Math.pow(lrnScale(xd, s, in, c, hw, p, ch), -s.beta()));
                }
    }

    /**
     * Caffe's LRN backward, recomputed from x in double (y is not needed by this oracle):
     * dx_c = dy_c·scale_c^-beta − (2·alpha·beta/size)·a_c·Σ_{c' near c} dy_c'·b_c'/scale_c'.
     */
    @Override
    public void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec s, Tensor dx) {
        BackendChecks.same("lrn backward", x, dy);
        BackendChecks.elementwise("lrn backward", x, dx);
        int n = x.n(), c = x.c(), hw = x.h() * x.w(), half = (s.size() - 1) / 2;
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        double[] scale = new double[c], ratio = new double[c];
        for (int in = 0; in < n; in++)
            for (int p = 0; p < hw; p++) {
                for (int ch = 0; ch < c; ch++) {
                    int i = (in * c + ch) * hw + p;
                    scale[ch] = lrnScale(xd, s, in, c, hw, p, ch);
                    double b = xd[i] * Math.pow(scale[ch], -s.beta());
                    ratio[ch] = dyd[i] * b / scale[ch];
                }
                for (int ch = 0; ch < c; ch++) {
                    int i = (in * c + ch) * hw + p;
                    double sum = 0;
                    for (int k = Math.max(0, ch - half); k <= Math.min(c - 1, ch + half); k++) sum += ratio[k];
                    dxd[i] = (float) (dyd[i] * Math.pow(scale[ch], -s.beta())
                            - 2.0 * s.alpha() * s.beta() / s.size() * xd[i] * sum);
                }
            }
    }

    private static double lrnScale(float[] xd, LrnSpec s, int in, int c, int hw, int p, int ch) {
        int half = (s.size() - 1) / 2;
        double sum = 0;
        for (int k = Math.max(0, ch - half); k <= Math.min(c - 1, ch + half); k++) {
            double a = xd[(in * c + k) * hw + p];
            sum += a * a;
        }
        return s.k() + (double) s.alpha() / s.size() * sum;
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        BackendChecks.elementwise("softmax", x, y);
        int n = x.n(), c = x.c(), hw = x.h() * x.w();
        float[] xd = data(x), yd = data(y);
        for (int in = 0; in < n; in++)
            for (int p = 0; p < hw; p++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int ch = 0; ch < c; ch++) max = Math.max(max, xd[(in * c + ch) * hw + p]);
                for (int ch = 0; ch < c; ch++) sum += Math.exp(xd[(in * c + ch) * hw + p] - max);
                for (int ch = 0; ch < c; ch++) {
                    int i = (in * c + ch) * hw + p;
                    yd[i] = (float) (Math.exp(xd[i] - max) / sum);
                }
            }
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        BackendChecks.same("softmax backward", y, dy);
        BackendChecks.elementwise("softmax backward", y, dx);
        int n = y.n(), c = y.c(), hw = y.h() * y.w();
        float[] yd = data(y), dyd = data(dy), dxd = data(dx);
        for (int in = 0; in < n; in++)
            for (int p = 0; p < hw; p++) {
                double dotp = 0;
                for (int ch = 0; ch < c; ch++) {
                    int i = (in * c + ch) * hw + p;
                    dotp += (double) dyd[i] * yd[i];
                }
                for (int ch = 0; ch < c; ch++) {
                    int i = (in * c + ch) * hw + p;
                    dxd[i] = (float) (yd[i] * (dyd[i] - dotp));
                }
            }
    }

    // ---- concat -----------------------------------------------------------------------------

    @Override
    public void copyIntoChannels(Tensor src, Tensor dst, int channelOffset) {
        BackendChecks.channelSlice("concat", src, dst, channelOffset);
        BackendChecks.writable("concat", dst);
        int hw = src.h() * src.w(), cs = src.c(), cd = dst.c();
        float[] sd = data(src), dd = data(dst);
        for (int in = 0; in < src.n(); in++)
            for (int ch = 0; ch < cs; ch++)
                System.arraycopy(sd, (in * cs + ch) * hw, dd, (in * cd + channelOffset + ch) * hw, hw);
    }

    @Override
    public void copyFromChannels(Tensor src, int channelOffset, Tensor dst) {
        BackendChecks.channelSlice("concat backward", dst, src, channelOffset);
        BackendChecks.writable("concat backward", dst);
        int hw = dst.h() * dst.w(), cs = src.c(), cd = dst.c();
        float[] sd = data(src), dd = data(dst);
        for (int in = 0; in < dst.n(); in++)
            for (int ch = 0; ch < cd; ch++)
                System.arraycopy(sd, (in * cs + channelOffset + ch) * hw, dd, (in * cd + ch) * hw, hw);
    }

    // ---- element-wise arithmetic and reductions ---------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        BackendChecks.writable("fill", t);
        java.util.Arrays.fill(data(t), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        BackendChecks.elementwise("copy", src, dst);
        System.arraycopy(data(src), 0, data(dst), 0, src.size());
    }

    @Override
    public void axpy(float a, Tensor x, Tensor y) {
        BackendChecks.elementwise("axpy", x, y);
        float[] xd = data(x), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] += a * xd[i];
    }

    @Override
    public void scale(Tensor x, float a) {
        BackendChecks.writable("scale", x);
        float[] xd = data(x);
        for (int i = 0; i < xd.length; i++) xd[i] *= a;
    }

    @Override
    public double sumSquares(Tensor x) {
        double s = 0;
        for (float v : data(x)) s += (double) v * v;
        return s;
    }

    @Override
    public double sumAbs(Tensor x) {
        double s = 0;
        for (float v : data(x)) s += Math.abs(v);
        return s;
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        BackendChecks.same("dot", a, b);
        float[] ad = data(a), bd = data(b);
        double s = 0;
        for (int i = 0; i < ad.length; i++) s += (double) ad[i] * bd[i];
        return s;
    }

    @Override
    public float get(Tensor t, int index) {
        BackendChecks.index(t, index);
        return data(t)[index];
    }

    @Override
    public void set(Tensor t, int index, float value) {
        BackendChecks.index(t, index);
        BackendChecks.writable("set", t);
        data(t)[index] = value;
    }

    @Override
    public void fillChannel(Tensor t, int channel, float value) {
        BackendChecks.channel(t, channel);
        BackendChecks.writable("fillChannel", t);
        int hw = t.h() * t.w();
        float[] d = data(t);
        for (int in = 0; in < t.n(); in++)
            java.util.Arrays.fill(d, (in * t.c() + channel) * hw, (in * t.c() + channel + 1) * hw, value);
    }

    @Override
    public double sumChannel(Tensor t, int channel) {
        BackendChecks.channel(t, channel);
        int hw = t.h() * t.w();
        float[] d = data(t);
        double s = 0;
        for (int in = 0; in < t.n(); in++)
            for (int p = 0; p < hw; p++) s += d[(in * t.c() + channel) * hw + p];
        return s;
    }

    @Override
    public void roll(Tensor src, int dy, int dx, Tensor dst) {
        BackendChecks.roll(src, dst, data(src) == data(dst));
        int h = src.h(), w = src.w(), hw = h * w;
        float[] sd = data(src), dd = data(dst);
        for (int plane = 0; plane < src.n() * src.c(); plane++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    dd[plane * hw + Math.floorMod(y + dy, h) * w + Math.floorMod(x + dx, w)] = sd[plane * hw + y * w + x];
    }

    @Override
    public void clampChannels(Tensor x, float[] lo, float[] hi) {
        BackendChecks.clampBounds(x, lo, hi);
        int hw = x.h() * x.w();
        float[] d = data(x);
        for (int in = 0; in < x.n(); in++)
            for (int ch = 0; ch < x.c(); ch++)
                for (int p = 0; p < hw; p++) {
                    int i = (in * x.c() + ch) * hw + p;
                    d[i] = Math.min(Math.max(d[i], lo[ch]), hi[ch]);
                }
    }
}
