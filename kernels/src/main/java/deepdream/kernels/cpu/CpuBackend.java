package deepdream.kernels.cpu;

import deepdream.engine.Arithmetic;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PadSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.kernels.BackendChecks;
import deepdream.kernels.reference.ReferenceBackend;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The fast host backend: the reference backend's storage and semantics, with the hot ops
 * recomputed by Vector API kernels on a fixed pool of threads. Everything not overridden here
 * (inner product, softmax, average pooling, small utilities) is the oracle's own code, so it is
 * correct by construction.
 *
 * <p>Convolution weights are packed for the GEMM micro-kernel once, on first use, and cached per
 * constant tensor ({@link #constant}): no backend op writes a constant, so a packed copy cannot go
 * stale; releasing the constant drops it. A weight that is not a constant is packed on every call.
 *
 * <p>A max-pool forward records each output's argmax and an LRN forward its scale, per input
 * tensor ({@link ForwardState}), so their backward reads them instead of recomputing them; the
 * record holds only while the input is not written (its {@link Tensor#writeCount}), and a backward
 * without a matching forward recomputes.
 *
 * <p>Grouped convolutions run {@link CpuGroupedConv} (a direct vector kernel when depthwise); other
 * convolutions with asymmetric padding or dilation run the reference's loops.
 */
public class CpuBackend extends ReferenceBackend {
    /**
     * Sizes at which the kernels change strategy, a parameter so that tests reach every path on small
     * tensors. parallelMin: elements below which an element-wise op is not worth waking the other
     * threads for. bandPixels: output pixels per col2im band of a strided backward-data convolution.
     */
    public record Thresholds(int parallelMin, int bandPixels) {
        public static final Thresholds DEFAULT = new Thresholds(1 << 16, 2048);

        public Thresholds {
            if (parallelMin < 1 || bandPixels < 1) throw new IllegalArgumentException("thresholds must be positive: " + parallelMin + ", " + bandPixels);
        }
    }

    private final int parallelMin;
    /** Pixels per LRN task (keeps the per-thread scale/ratio buffers at 2·C·256 floats). */
    private static final int LRN_BLOCK = 256;

    /** Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions; -Ddeepdream.winograd=false for plain GEMM (A/B timing). */
    private static final boolean WINOGRAD = !"false".equals(System.getProperty("deepdream.winograd"));

    private final Parallel par;
    private final CpuConv conv;
    private final CpuGroupedConv grouped;
    private final Map<Tensor, PackedConv> packed = Collections.synchronizedMap(new WeakHashMap<>());
    /** Per-thread scratch of the LRN and max-pool kernels. */
    private final float[][] lrnScale, lrnRatio, poolColMax, poolColRow, poolWin, poolWinRow, poolWinCol, poolPlaneY;
    private final int[][] poolPlaneArg;
    private final Map<Long, float[]> poolColumns = new java.util.concurrent.ConcurrentHashMap<>();
    /** The max-pool argmax and LRN scale of each forward, for its backward. */
    private final ForwardState kept = new ForwardState();

    /** Packed copies of one weight tensor, made lazily per direction. */
    private static final class PackedConv {
        volatile float[] forward, flipped, transposed, winograd, winogradFlipped;
    }

    /** Uses every available processor. */
    public CpuBackend() { this(Runtime.getRuntime().availableProcessors()); }

    public CpuBackend(int threads) { this(threads, Thresholds.DEFAULT); }

    public CpuBackend(int threads, Thresholds thresholds) {
        par = new Parallel(threads);
        conv = new CpuConv(par, thresholds.bandPixels());
        grouped = new CpuGroupedConv(par);
        parallelMin = thresholds.parallelMin();
        lrnScale = new float[threads][0];
        lrnRatio = new float[threads][0];
        poolColMax = new float[threads][0];
        poolColRow = new float[threads][0];
        poolWin = new float[threads][0];
        poolPlaneY = new float[threads][0];
        poolWinRow = new float[threads][0];
        poolWinCol = new float[threads][0];
        poolPlaneArg = new int[threads][0];
    }

    @Override public String name() { return "cpu"; }

    @Override
    public String describe() {
        return "cpu (Vector API " + Gemm.L + " float lanes, " + par.threads() + " thread" + (par.threads() == 1 ? "" : "s") + ")";
    }

    public int threads() { return par.threads(); }

    @Override
    public void close() {
        par.close();
        packed.clear();
        kept.clear();
        super.close();
    }

    @Override
    public void recycle(Tensor t) {
        if (t.isConstant()) packed.remove(t);
        else kept.forget(t);
        super.recycle(t);
    }

    @Override
    public void dropPooledBuffers() {
        kept.dropFree();
        poolColumns.clear();
        super.dropPooledBuffers();
    }

    // ---- convolution ------------------------------------------------------------------------

    private static CpuConv.Geometry geometry(Tensor x, Tensor weight, ConvSpec s) {
        int h = x.h(), w = x.w();
        return new CpuConv.Geometry(x.c(), h, w, weight.n(), s.kernelH(), s.kernelW(), s.strideH(), s.strideW(),
                s.padTop(), s.padLeft(), s.outH(h), s.outW(w));
    }

    /** The packed copies of a constant weight, cached; a weight that may change gets fresh ones. */
    private PackedConv packs(Tensor weight) {
        return weight.isConstant() ? packed.computeIfAbsent(weight, k -> new PackedConv()) : new PackedConv();
    }

    /** Whether the GEMM kernels apply: they are written for Caffe's geometry (symmetric pads, no dilation) and one group. */
    private static boolean fast(ConvSpec s) { return s.groups() == 1 && s.isCaffeGeometry(); }

    @Override
    public void conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec s, Tensor y) {
        if (s.groups() == 1 && !fast(s)) { super.conv2d(x, weight, bias, s, y); return; }
        BackendChecks.conv("conv2d", x, weight, bias, s, y);
        BackendChecks.writable("conv2d", y);
        if (s.groups() > 1) {
            float[] xd = data(x), wd = data(weight), yd = data(y), bd = bias == null ? null : data(bias);
            if (CpuGroupedConv.depthwise(x.c(), weight.n(), s)) grouped.depthwiseForward(x.n(), x.c(), x.h(), x.w(), xd, wd, bd, s, yd);
            else grouped.forward(x.n(), x.c(), x.h(), x.w(), weight.n(), xd, wd, bd, s, yd);
            return;
        }
        CpuConv.Geometry g = geometry(x, weight, s);
        PackedConv p = packs(weight);
        float[] xd0 = data(x), yd0 = data(y), bd0 = bias == null ? null : data(bias);
        if (WINOGRAD && CpuConv.winogradable(g)) {
            float[] u = p.winograd;
            if (u == null) p.winograd = u = CpuConv.packWinograd(data(weight), g.m(), g.c(), false);
            int xs = g.c() * g.h() * g.w(), ys = g.m() * g.oh() * g.ow();
            conv.winograd(x.n(), xd0, 0, xs, g, u, bd0, yd0, 0, ys);
            return;
        }
        float[] a = p.forward;
        if (a == null) p.forward = a = CpuConv.packForward(data(weight), g);
        float[] xd = data(x), yd = data(y), bd = bias == null ? null : data(bias);
        int xs = g.c() * g.h() * g.w(), ys = g.m() * g.oh() * g.ow();
        conv.forward(x.n(), xd, 0, xs, g, a, bd, yd, 0, ys);
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor weight, ConvSpec s, Tensor dx) {
        if (s.groups() == 1 && !fast(s)) { super.conv2dBackwardData(dy, weight, s, dx); return; }
        BackendChecks.conv("conv2d backward", dx, weight, null, s, dy);
        BackendChecks.writable("conv2d backward", dx);
        if (s.groups() > 1) {
            float[] dyd = data(dy), wd = data(weight), dxd = data(dx);
            if (CpuGroupedConv.depthwise(dx.c(), weight.n(), s)) grouped.depthwiseBackwardData(dx.n(), dx.c(), dx.h(), dx.w(), dyd, wd, s, dxd);
            else grouped.backwardData(dx.n(), dx.c(), dx.h(), dx.w(), weight.n(), dyd, wd, s, dxd);
            return;
        }
        CpuConv.Geometry g = geometry(dx, weight, s);
        PackedConv p = packs(weight);
        float[] dyd = data(dy), dxd = data(dx);
        int xs = g.c() * g.h() * g.w(), ys = g.m() * g.oh() * g.ow();
        if (CpuConv.flippable(g) && WINOGRAD && CpuConv.winogradable(CpuConv.flipped(g))) {
            float[] u = p.winogradFlipped;
            if (u == null) p.winogradFlipped = u = CpuConv.packWinograd(data(weight), g.c(), g.m(), true);
            CpuConv.Geometry f = CpuConv.flipped(g);
            conv.winograd(dy.n(), dyd, 0, ys, f, u, null, dxd, 0, xs);
        } else if (CpuConv.flippable(g)) {
            float[] a = p.flipped;
            if (a == null) p.flipped = a = CpuConv.packFlipped(data(weight), g);
            CpuConv.Geometry f = CpuConv.flipped(g);
            conv.forward(dy.n(), dyd, 0, ys, f, a, null, dxd, 0, xs);
        } else {
            float[] a = p.transposed;
            if (a == null) p.transposed = a = CpuConv.packTransposed(data(weight), g);
            for (int n = 0; n < dy.n(); n++) conv.backwardCol2im(dyd, n * ys, g, a, dxd, n * xs);
        }
    }

    // ---- element-wise ---------------------------------------------------------------------------

    /** Splits [0, n) into chunks across the threads (one chunk when small). */
    private void chunks(int n, Range body) {
        if (n < parallelMin || par.threads() == 1) { body.run(0, n); return; }
        int parts = 4 * par.threads(), step = (n + parts - 1) / parts;
        par.forEach(parts, (task, worker) -> {
            int from = task * step, to = Math.min(n, from + step);
            if (from < to) body.run(from, to);
        });
    }

    @FunctionalInterface
    private interface Range { void run(int from, int to); }

    @Override
    public void relu(Tensor x, Tensor y) {
        BackendChecks.elementwise("relu", x, y);
        float[] xd = data(x), yd = data(y);
        chunks(x.size(), (from, to) -> VectorOps.relu(xd, yd, from, to));
    }

    @Override
    public void reluBackward(Tensor x, Tensor dy, Tensor dx) {
        BackendChecks.same("relu backward", x, dy);
        BackendChecks.elementwise("relu backward", x, dx);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        chunks(x.size(), (from, to) -> VectorOps.reluBackward(xd, dyd, dxd, from, to));
    }

    @Override
    public void leakyRelu(Tensor x, float alpha, Tensor y) {
        BackendChecks.elementwise("leakyRelu", x, y);
        float[] xd = data(x), yd = data(y);
        chunks(x.size(), (from, to) -> VectorOps.leakyRelu(xd, alpha, yd, from, to));
    }

    @Override
    public void leakyReluBackward(Tensor x, float alpha, Tensor dy, Tensor dx) {
        BackendChecks.same("leakyRelu backward", x, dy);
        BackendChecks.elementwise("leakyRelu backward", x, dx);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        chunks(x.size(), (from, to) -> VectorOps.leakyReluBackward(xd, alpha, dyd, dxd, from, to));
    }

    @Override
    public void clip(Tensor x, float min, float max, Tensor y) {
        BackendChecks.elementwise("clip", x, y);
        float[] xd = data(x), yd = data(y);
        chunks(x.size(), (from, to) -> VectorOps.clip(xd, min, max, yd, from, to));
    }

    @Override
    public void clipBackward(Tensor x, float min, float max, Tensor dy, Tensor dx) {
        BackendChecks.same("clip backward", x, dy);
        BackendChecks.elementwise("clip backward", x, dx);
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        chunks(x.size(), (from, to) -> VectorOps.clipBackward(xd, min, max, dyd, dxd, from, to));
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        BackendChecks.elementwise("sigmoid", x, y);
        float[] xd = data(x), yd = data(y);
        chunks(x.size(), (from, to) -> VectorOps.sigmoid(xd, yd, from, to));
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        BackendChecks.same("sigmoid backward", y, dy);
        BackendChecks.elementwise("sigmoid backward", y, dx);
        float[] yd = data(y), dyd = data(dy), dxd = data(dx);
        chunks(y.size(), (from, to) -> VectorOps.sigmoidBackward(yd, dyd, dxd, from, to));
    }

    @Override
    public void arithmetic(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor y) {
        int[] b = BackendChecks.arithmetic("arithmetic", x, c, y);
        float[] xd = data(x), cd = data(c), yd = data(y);
        chunks(x.size(), (from, to) -> VectorOps.arithmetic(op, constantFirst, xd, cd, b[0], b[1], yd, from, to));
    }

    @Override
    public void arithmeticBackward(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor dy, Tensor dx) {
        BackendChecks.same("arithmetic backward", x, dy);
        int[] b = BackendChecks.arithmetic("arithmetic backward", x, c, dx);
        float[] xd = data(x), cd = data(c), dyd = data(dy), dxd = data(dx);
        chunks(x.size(), (from, to) -> VectorOps.arithmeticBackward(op, constantFirst, xd, cd, b[0], b[1], dyd, dxd, from, to));
    }

    /** Planes across the threads; the interior of each output row is one copy. */
    @Override
    public void pad(Tensor x, PadSpec s, Tensor y) {
        BackendChecks.pad("pad", x, s, y);
        BackendChecks.writable("pad", y);
        int h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w), left = s.left();
        float[] xd = data(x), yd = data(y);
        chunks(x.n() * x.c(), (from, to) -> {
            for (int p = from; p < to; p++)
                for (int r = 0; r < oh; r++) {
                    int sr = s.source(r, h, s.top()), row = (p * oh + r) * ow;
                    if (sr < 0) { java.util.Arrays.fill(yd, row, row + ow, s.value()); continue; }
                    int src = (p * h + sr) * w;
                    for (int q = 0; q < left; q++) { int sq = s.source(q, w, left); yd[row + q] = sq < 0 ? s.value() : xd[src + sq]; }
                    System.arraycopy(xd, src, yd, row + left, w);
                    for (int q = left + w; q < ow; q++) { int sq = s.source(q, w, left); yd[row + q] = sq < 0 ? s.value() : xd[src + sq]; }
                }
        });
    }

    /** The reference's scatter, plane by plane across the threads: the same order of sums, so the same floats. */
    @Override
    public void padBackward(Tensor dy, PadSpec s, Tensor dx) {
        BackendChecks.pad("pad backward", dx, s, dy);
        BackendChecks.writable("pad backward", dx);
        int h = dx.h(), w = dx.w(), oh = s.outH(h), ow = s.outW(w), left = s.left();
        float[] dyd = data(dy), dxd = data(dx);
        chunks(dx.n() * dx.c(), (from, to) -> {
            java.util.Arrays.fill(dxd, from * h * w, to * h * w, 0f);
            for (int p = from; p < to; p++)
                for (int r = 0; r < oh; r++) {
                    int sr = s.source(r, h, s.top());
                    if (sr < 0) continue;
                    int dst = (p * h + sr) * w, row = (p * oh + r) * ow;
                    for (int q = 0; q < left; q++) { int sq = s.source(q, w, left); if (sq >= 0) dxd[dst + sq] += dyd[row + q]; }
                    VectorOps.accumulate(dyd, row + left, dxd, dst, w);
                    for (int q = left + w; q < ow; q++) { int sq = s.source(q, w, left); if (sq >= 0) dxd[dst + sq] += dyd[row + q]; }
                }
        });
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor y) {
        BackendChecks.same("add", a, b);
        BackendChecks.elementwise("add", a, y);
        float[] ad = data(a), bd = data(b), yd = data(y);
        chunks(a.size(), (from, to) -> VectorOps.add(ad, bd, yd, from, to));
    }

    @Override
    public void axpy(float a, Tensor x, Tensor y) {
        BackendChecks.elementwise("axpy", x, y);
        float[] xd = data(x), yd = data(y);
        chunks(x.size(), (from, to) -> VectorOps.axpy(a, xd, yd, from, to));
    }

    @Override
    public void scale(Tensor x, float a) {
        BackendChecks.writable("scale", x);
        float[] xd = data(x);
        chunks(x.size(), (from, to) -> VectorOps.scale(xd, a, from, to));
    }

    @Override
    public double sumSquares(Tensor x) { return VectorOps.sumSquares(data(x), 0, x.size()); }

    @Override
    public double sumAbs(Tensor x) { return VectorOps.sumAbs(data(x), 0, x.size()); }

    @Override
    public double dot(Tensor a, Tensor b) {
        BackendChecks.same("dot", a, b);
        return VectorOps.dot(data(a), data(b), 0, a.size());
    }

    // ---- pooling and LRN ----------------------------------------------------------------------

    @Override
    public void pool(Tensor x, PoolSpec s, Tensor y) {
        if (s.method() != PoolSpec.Method.MAX) { super.pool(x, s, y); return; }
        BackendChecks.pool("pool", x, s, y);
        BackendChecks.writable("pool", y);
        int h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w), outs = oh * ow;
        float[] xd = data(x), yd = data(y);
        int[] arg = kept.takeInts(x, y.size());
        float[] cols = columnsIfCentred(s, h, w);
        par.forEach(x.n() * x.c(), (plane, worker) -> maxForwardPlane(xd, plane * h * w, h, w, s, yd, arg, plane * outs, oh, ow, worker, cols));
        if (x != y) kept.keepInts(x, s, arg);   // y == x (a 1×1 window in place) has overwritten what arg was taken from
    }

    /** From the argmax of the matching forward ({@link ForwardState}); without one, recomputed per plane first. */
    @Override
    public void poolBackward(Tensor x, Tensor dy, PoolSpec s, Tensor dx) {
        if (s.method() != PoolSpec.Method.MAX) { super.poolBackward(x, dy, s, dx); return; }
        BackendChecks.pool("pool backward gradient", x, s, dy);
        BackendChecks.elementwise("pool backward", x, dx);
        int h = x.h(), w = x.w(), oh = s.outH(h), ow = s.outW(w), outs = oh * ow;
        float[] xd = data(x), dyd = data(dy), dxd = data(dx);
        int[] recorded = dx == x ? null : kept.ints(x, s, dy.size());
        float[] cols = recorded == null ? columnsIfCentred(s, h, w) : null;
        // One task per plane: a plane's indices point into its own plane of dx, so no two threads write one element.
        par.forEach(x.n() * x.c(), (plane, worker) -> {
            int[] arg = recorded;
            int ao = plane * outs;
            if (arg == null) {
                arg = ints(poolPlaneArg, worker, outs);
                ao = 0;
                maxForwardPlane(xd, plane * h * w, h, w, s, floats(poolPlaneY, worker, outs), arg, 0, oh, ow, worker, cols);
            }
            PoolKernels.maxBackward(arg, ao, dyd, plane * outs, outs, dxd, plane * h * w, h * w);
        });
    }

    /** One plane's max-pool forward with this worker's scratch; cols is non-null for a {@link PoolKernels#centred} pool. */
    private void maxForwardPlane(float[] x, int xo, int h, int w, PoolSpec s, float[] y, int[] arg, int yo, int oh, int ow, int worker, float[] cols) {
        if (cols != null) {
            int n = PoolKernels.centredScratch(h, w);
            PoolKernels.maxForwardCentred(x, xo, h, w, y, arg, yo,
                    floats(poolColMax, worker, n), floats(poolColRow, worker, n), floats(poolWin, worker, n), cols);
            return;
        }
        PoolKernels.maxForward(x, xo, h, w, s, y, arg, yo, oh, ow, floats(poolColMax, worker, w),
                floats(poolColRow, worker, w), floats(poolWin, worker, w), floats(poolWinRow, worker, w), floats(poolWinCol, worker, w));
    }

    /** The column of every flat position of an h×w plane, for a centred pool; null otherwise. Kept per plane size (read-only once made). */
    private float[] columnsIfCentred(PoolSpec s, int h, int w) {
        if (!PoolKernels.centred(s, h, w)) return null;
        return poolColumns.computeIfAbsent(((long) h << 32) | w, k -> {
            float[] c = new float[h * w];
            PoolKernels.columnOfPosition(h, w, c);
            return c;
        });
    }

    /** A per-thread buffer of at least n elements (grown, never shrunk: sizes repeat every step). */
    private static float[] floats(float[][] buffers, int worker, int n) {
        if (buffers[worker].length < n) buffers[worker] = new float[n];
        return buffers[worker];
    }

    private static int[] ints(int[][] buffers, int worker, int n) {
        if (buffers[worker].length < n) buffers[worker] = new int[n];
        return buffers[worker];
    }

    @Override
    public void lrn(Tensor x, LrnSpec s, Tensor y) {
        BackendChecks.elementwise("lrn", x, y);
        int c = x.c(), hw = x.h() * x.w(), blocks = (hw + LRN_BLOCK - 1) / LRN_BLOCK;
        float[] xd = data(x), yd = data(y);
        float[] scale = kept.takeFloats(x, x.size());
        par.forEach(x.n() * blocks, (task, worker) -> {
            int n = task / blocks, p0 = (task % blocks) * LRN_BLOCK, p1 = Math.min(hw, p0 + LRN_BLOCK);
            LrnKernels.forward(xd, n * c * hw, c, hw, p0, p1, s, scale, floats(lrnScale, worker, c * LRN_BLOCK), yd);
        });
        if (x != y) kept.keepFloats(x, s, scale);   // in place, the scale no longer belongs to the tensor's contents
    }

    /** With the scale of the matching forward ({@link ForwardState}); without one, recomputed per block first. */
    @Override
    public void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec s, Tensor dx) {
        BackendChecks.same("lrn backward", x, y);
        BackendChecks.same("lrn backward", x, dy);
        BackendChecks.elementwise("lrn backward", x, dx);
        int c = x.c(), hw = x.h() * x.w(), blocks = (hw + LRN_BLOCK - 1) / LRN_BLOCK;
        float[] xd = data(x), yd = data(y), dyd = data(dy), dxd = data(dx);
        float[] scale = dx == x ? null : kept.floats(x, s, x.size());
        par.forEach(x.n() * blocks, (task, worker) -> {
            int n = task / blocks, p0 = (task % blocks) * LRN_BLOCK, p1 = Math.min(hw, p0 + LRN_BLOCK);
            LrnKernels.backward(xd, yd, dyd, n * c * hw, c, hw, p0, p1, s, scale,
                    floats(lrnScale, worker, c * LRN_BLOCK), floats(lrnRatio, worker, c * LRN_BLOCK), dxd);
        });
    }

    // ---- concat ----------------------------------------------------------------------------------

    /** One copy per image: the source's channels are one contiguous run in the destination. */
    @Override
    public void copyIntoChannels(Tensor src, Tensor dst, int channelOffset) {
        BackendChecks.channelSlice("concat", src, dst, channelOffset);
        BackendChecks.writable("concat", dst);
        int hw = src.h() * src.w(), cs = src.c(), cd = dst.c();
        float[] sd = data(src), dd = data(dst);
        for (int n = 0; n < src.n(); n++) System.arraycopy(sd, n * cs * hw, dd, (n * cd + channelOffset) * hw, cs * hw);
    }

    @Override
    public void copyFromChannels(Tensor src, int channelOffset, Tensor dst) {
        BackendChecks.channelSlice("concat backward", dst, src, channelOffset);
        BackendChecks.writable("concat backward", dst);
        int hw = dst.h() * dst.w(), cs = src.c(), cd = dst.c();
        float[] sd = data(src), dd = data(dst);
        for (int n = 0; n < dst.n(); n++) System.arraycopy(sd, (n * cs + channelOffset) * hw, dd, n * cd * hw, cd * hw);
    }
}
