package deepdream.kernels.reference;

import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
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
        checkConv(x, weight, s, y);
        if (bias != null && bias.size() != m) throw new IllegalArgumentException("conv2d: bias has " + bias.size() + " values for " + m + " outputs");
        float[] xd = data(x), wd = data(weight), yd = data(y), bd = bias == null ? null : data(bias);
        for (int in = 0; in < n; in++)
            for (int o = 0; o < m; o++) {
                int g = o / mg;
                for (int py = 0; py < oh; py++)
                    for (int px = 0; px < ow; px++) {
                        double sum = bd == null ? 0 : bd[o];
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < s.kernelH(); ky++) {
                                int iy = py * s.strideH() - s.padH() + ky;
                                if (iy < 0 || iy >= h) continue;
                                for (int kx = 0; kx < s.kernelW(); kx++) {
                                    int ix = px * s.strideW() - s.padW() + kx;
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
        checkConv(dx, weight, s, dy);
        float[] dyd = data(dy), wd = data(weight), dxd = data(dx);
        for (int in = 0; in < n; in++)
            for (int ch = 0; ch < c; ch++) {
                int g = ch / cg, ci = ch - g * cg;
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < w; ix++) {
                        double sum = 0;
                        for (int o = g * mg; o < (g + 1) * mg; o++)
                            for (int ky = 0; ky < s.kernelH(); ky++) {
                                int ty = iy + s.padH() - ky;   // = py * strideH
                                if (ty < 0 || ty % s.strideH() != 0 || ty / s.strideH() >= oh) continue;
                                int py = ty / s.strideH();
                                for (int kx = 0; kx < s.kernelW(); kx++) {
                                    int tx = ix + s.padW() - kx;
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

    private static void checkConv(Tensor x, Tensor weight, ConvSpec s, Tensor y) {
        if (x.c() % s.groups() != 0 || weight.n() % s.groups() != 0 || weight.c() * s.groups() != x.c())
            throw new IllegalArgumentException("conv2d: input " + Shapes.toString(x.shape()) + " and weight " + Shapes.toString(weight.shape())
                    + " do not fit groups=" + s.groups());
        if (weight.h() != s.kernelH() || weight.w() != s.kernelW())
            throw new IllegalArgumentException("conv2d: weight " + Shapes.toString(weight.shape()) + " does not match kernel " + s.kernelH() + "x" + s.kernelW());
        Shapes.require("conv2d output", y, x.n(), weight.n(), s.outH(x.h()), s.outW(x.w()));
    }

    @Override
    public void innerProduct(Tensor x, Tensor weight, Tensor bias, Tensor y) {
        int n = x.n(), in = x.size() / n, out = weight.dim(0);
        checkInnerProduct(x, weight, y);
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
        checkInnerProduct(dx, weight, dy);
        float[] dyd = data(dy), wd = data(weight), dxd = data(dx);
        for (int s = 0; s < n; s++)
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int o = 0; o < out; o++) sum += (double) dyd[s * out + o] * wd[o * in + i];
                dxd[s * in + i] = (float) sum;
            }
    }

    private static void checkInnerProduct(Tensor x, Tensor weight, Tensor y) {
        if (weight.rank() != 2 || x.size() / x.n() != weight.dim(1))
            throw new IllegalArgumentException("inner product: input " + Shapes.toString(x.shape()) + " does not fit weight " + Shapes.toString(weight.shape()));
        if (y.n() != x.n() || y.size() != x.n() * weight.dim(0))
            throw new IllegalArgumentException("inner product: output " + Shapes.toString(y.shape()) + ", expected " + x.n() + "×" + weight.dim(0));
    }

    // ---- element-wise layers --------------------------------------------------------------

    @Override
    public void relu(Tensor x, Tensor y) {
        Shapes.requireSame("relu", x, y);
        float[] xd = data(x), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] = xd[i] > 0 ? xd[i] : 0f;
    }

    @Override
    public void reluBackward(Tensor x, Tensor dy, Tensor dx) {
        Shapes.requireSame("relu backward", x, dy);
        Shapes.requireSame("relu backward", x, dx);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        for (int i = 0; i < xd.length; i++) dxd[i] = xd[i] > 0 ? dyd[i] : 0f;
    }

    // ---- pooling ----------------------------------------------------------------------------

    /**
     * Caffe's pooling loops. Max: window clipped to the image, first maximum wins. Average: the
     * divisor counts the window clipped to the padded image, the sum only the real pixels. A window
     * lying wholly outside the image (possible only without padding and with stride &gt; kernel,
     * which no real net uses) yields 0 here, where Caffe would write -FLT_MAX or divide by a
     * negative size.
     */
    @Override
    public void pool(Tensor x, PoolSpec s, Tensor y) {
        int n = x.n(), c = x.c(), h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w);
        Shapes.require("pool output", y, n, c, oh, ow);
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
                        int y0 = py * s.strideH() - s.padH(), x0 = px * s.strideW() - s.padW();
                        int y1 = Math.min(y0 + s.kernelH(), h + s.padH()), x1 = Math.min(x0 + s.kernelW(), w + s.padW());
                        int poolSize = (y1 - y0) * (x1 - x0);
                        y0 = Math.max(y0, 0); x0 = Math.max(x0, 0);
                        y1 = Math.min(y1, h); x1 = Math.min(x1, w);
                        double sum = 0;
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) sum += xd[xo + iy * w + ix];
                        out = y0 < y1 && x0 < x1 ? (float) (sum / poolSize) : 0f;
                    }
                    yd[(plane * oh + py) * ow + px] = out;
                }
        }
    }

    @Override
    public void poolBackward(Tensor x, Tensor dy, PoolSpec s, Tensor dx) {
        int n = x.n(), c = x.c(), h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w);
        Shapes.require("pool backward gradient", dy, n, c, oh, ow);
        Shapes.requireSame("pool backward", x, dx);
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
                        int y0 = py * s.strideH() - s.padH(), x0 = px * s.strideW() - s.padW();
                        int y1 = Math.min(y0 + s.kernelH(), h + s.padH()), x1 = Math.min(x0 + s.kernelW(), w + s.padW());
                        int poolSize = (y1 - y0) * (x1 - x0);
                        y0 = Math.max(y0, 0); x0 = Math.max(x0, 0);
                        y1 = Math.min(y1, h); x1 = Math.min(x1, w);
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) dxd[xo + iy * w + ix] += g / poolSize;
                    }
                }
        }
    }

    /** Offset within the plane of the first maximum of window (py, px), or -1 for an empty window. */
    protected static int argmax(float[] xd, int planeOffset, int h, int w, PoolSpec s, int py, int px) {
        int y0 = py * s.strideH() - s.padH(), x0 = px * s.strideW() - s.padW();
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
        Shapes.requireSame("lrn", x, y);
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
        Shapes.requireSame("lrn backward", x, dy);
        Shapes.requireSame("lrn backward", x, dx);
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
        Shapes.requireSame("softmax", x, y);
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
        Shapes.requireSame("softmax backward", y, dy);
        Shapes.requireSame("softmax backward", y, dx);
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
        checkChannelSlice("concat", src, dst, channelOffset);
        int hw = src.h() * src.w(), cs = src.c(), cd = dst.c();
        float[] sd = data(src), dd = data(dst);
        for (int in = 0; in < src.n(); in++)
            for (int ch = 0; ch < cs; ch++)
                System.arraycopy(sd, (in * cs + ch) * hw, dd, (in * cd + channelOffset + ch) * hw, hw);
    }

    @Override
    public void copyFromChannels(Tensor src, int channelOffset, Tensor dst) {
        checkChannelSlice("concat backward", dst, src, channelOffset);
        int hw = dst.h() * dst.w(), cs = src.c(), cd = dst.c();
        float[] sd = data(src), dd = data(dst);
        for (int in = 0; in < dst.n(); in++)
            for (int ch = 0; ch < cd; ch++)
                System.arraycopy(sd, (in * cs + channelOffset + ch) * hw, dd, (in * cd + ch) * hw, hw);
    }

    /** part must fit into channels [offset, offset + part.c()) of whole. */
    private static void checkChannelSlice(String what, Tensor part, Tensor whole, int offset) {
        if (part.n() != whole.n() || part.h() != whole.h() || part.w() != whole.w() || offset < 0 || offset + part.c() > whole.c())
            throw new IllegalArgumentException(what + ": " + Shapes.toString(part.shape()) + " does not fit channels from " + offset
                    + " of " + Shapes.toString(whole.shape()));
    }

    // ---- element-wise arithmetic and reductions ---------------------------------------------

    @Override
    public void fill(Tensor t, float value) { java.util.Arrays.fill(data(t), value); }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Shapes.requireSame("copy", src, dst);
        System.arraycopy(data(src), 0, data(dst), 0, src.size());
    }

    @Override
    public void axpy(float a, Tensor x, Tensor y) {
        Shapes.requireSame("axpy", x, y);
        float[] xd = data(x), yd = data(y);
        for (int i = 0; i < xd.length; i++) yd[i] += a * xd[i];
    }

    @Override
    public void scale(Tensor x, float a) {
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
        Shapes.requireSame("dot", a, b);
        float[] ad = data(a), bd = data(b);
        double s = 0;
        for (int i = 0; i < ad.length; i++) s += (double) ad[i] * bd[i];
        return s;
    }

    @Override
    public float get(Tensor t, int index) { return data(t)[checkIndex(t, index)]; }

    @Override
    public void set(Tensor t, int index, float value) { data(t)[checkIndex(t, index)] = value; }

    private static int checkIndex(Tensor t, int index) {
        if (index < 0 || index >= t.size())
            throw new IndexOutOfBoundsException("index " + index + " outside tensor " + Shapes.toString(t.shape()));
        return index;
    }

    @Override
    public void fillChannel(Tensor t, int channel, float value) {
        checkChannel(t, channel);
        int hw = t.h() * t.w();
        float[] d = data(t);
        for (int in = 0; in < t.n(); in++)
            java.util.Arrays.fill(d, (in * t.c() + channel) * hw, (in * t.c() + channel + 1) * hw, value);
    }

    @Override
    public double sumChannel(Tensor t, int channel) {
        checkChannel(t, channel);
        int hw = t.h() * t.w();
        float[] d = data(t);
        double s = 0;
        for (int in = 0; in < t.n(); in++)
            for (int p = 0; p < hw; p++) s += d[(in * t.c() + channel) * hw + p];
        return s;
    }

    private static void checkChannel(Tensor t, int channel) {
        if (channel < 0 || channel >= t.c())
            throw new IllegalArgumentException("channel " + channel + " outside 0.." + (t.c() - 1) + " of " + Shapes.toString(t.shape()));
    }

    @Override
    public void roll(Tensor src, int dy, int dx, Tensor dst) {
        Shapes.requireSame("roll", src, dst);
        if (src == dst || data(src) == data(dst)) throw new IllegalArgumentException("roll: dst must not be src");
        int h = src.h(), w = src.w(), hw = h * w;
        float[] sd = data(src), dd = data(dst);
        for (int plane = 0; plane < src.n() * src.c(); plane++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    dd[plane * hw + Math.floorMod(y + dy, h) * w + Math.floorMod(x + dx, w)] = sd[plane * hw + y * w + x];
    }

    @Override
    public void clampChannels(Tensor x, float[] lo, float[] hi) {
        if (lo.length != x.c() || hi.length != x.c())
            throw new IllegalArgumentException("clampChannels: " + lo.length + " lower and " + hi.length + " upper bounds for "
                    + x.c() + " channels");
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
