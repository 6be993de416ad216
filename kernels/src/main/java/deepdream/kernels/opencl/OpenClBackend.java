package deepdream.kernels.opencl;

import deepdream.engine.Arithmetic;
import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PadSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.kernels.BackendChecks;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;

import static org.jocl.CL.*;

/**
 * The OpenCL backend: tensors live in device buffers, every op is a kernel from the {@code .cl}
 * resources of this package, and only {@link #download}, {@link #get} and the reductions' partial
 * sums come back to the host. One in-order queue, so kernels see their predecessors' results and
 * a released buffer can be handed to the next allocation at once. Not thread-safe. The device
 * resources and their lifecycle are {@link OpenClSession}'s; this class launches the ops.
 */
public final class OpenClBackend implements Backend {
    private final OpenClSession cl;
    private final OpenClDevices.Device device;
    private final OpenClTuning tuning;
    private final cl_command_queue queue;
    private final BufferPool pool;
    private final KernelCall call;
    private final DeviceBuffer dummy;
    private final DeviceBuffer partials;
    private final float[] partialHost;
    private final float[] one = new float[1];
    private final Pointer onePtr = Pointer.to(one);

    /** The best device (GPU, then accelerator, then CPU) with its default tuning. */
    public static OpenClBackend create() { return new OpenClBackend(OpenClDevices.best()); }

    /** Device number {@code index} of {@link OpenClDevices#list()}. */
    public static OpenClBackend create(int index) { return new OpenClBackend(OpenClDevices.byIndex(index)); }

    public OpenClBackend(OpenClDevices.Device device) { this(device, OpenClTuning.forDevice(device)); }

    /** With explicit tuning: tests run the GPU (local-memory) tiles on a CPU device this way. */
    public OpenClBackend(OpenClDevices.Device device, OpenClTuning tuning) {
        cl = new OpenClSession(device, tuning);
        this.device = device;
        this.tuning = tuning;
        queue = cl.queue;
        pool = cl.pool;
        call = cl.call;
        dummy = cl.dummy;
        partials = cl.partials;
        partialHost = new float[tuning.reduceItems()];
    }

    public OpenClDevices.Device device() { return device; }
    public OpenClTuning tuning() { return tuning; }
    cl_context context() { return cl.context; }

    @Override public String name() { return "opencl"; }

    @Override
    public String describe() {
        return "opencl on device " + device.describe() + "; conv tiles " + tuning.tm() + "x" + tuning.tn() + " per work-item, work-group "
                + tuning.wgM() + "x" + tuning.wgN() + (tuning.useLocal() ? ", local memory K=" + tuning.tk() : ", no local memory");
    }

    /** Waits until every enqueued kernel has finished (for timing; downloads wait by themselves). */
    public void finish() { clFinish(queue); }

    // ---- storage -------------------------------------------------------------------------

    @Override
    public Tensor allocate(int... shape) {
        return new Tensor(this, shape, pool.take((long) Shapes.size(shape) * Sizeof.cl_float));
    }

    @Override
    public Tensor upload(float[] data, int... shape) {
        Tensor t = allocate(shape);
        write(t, data);
        return t;
    }

    @Override
    public Tensor constant(float[] data, int... shape) {
        Tensor t = new Tensor(this, shape, pool.take((long) Shapes.size(shape) * Sizeof.cl_float), true);
        write(t, data);
        return t;
    }

    private void write(Tensor t, float[] data) {
        if (data.length != t.size())
            throw new IllegalArgumentException("upload: " + data.length + " values for shape " + Shapes.toString(t.shape()) + " (needs " + t.size() + ")");
        clEnqueueWriteBuffer(queue, buf(t).mem, CL_TRUE, 0, (long) data.length * Sizeof.cl_float, Pointer.to(data), 0, null, null);
    }

    @Override
    public float[] download(Tensor t) {
        float[] out = new float[t.size()];
        clEnqueueReadBuffer(queue, buf(t).mem, CL_TRUE, 0, (long) out.length * Sizeof.cl_float, Pointer.to(out), 0, null, null);
        return out;
    }

    @Override
    public void recycle(Tensor t) {
        if (!cl.isClosed()) pool.give(buf(t));
    }

    @Override
    public void dropPooledBuffers() {
        if (!cl.isClosed()) pool.drain();
    }

    @Override
    public void close() { cl.close(); }

    // ---- convolution and inner product ---------------------------------------------------

    @Override
    public void conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec s, Tensor y) {
        int groups = s.groups(), M = weight.n(), C = x.c();
        BackendChecks.conv("conv2d", x, weight, bias, s, y);
        BackendChecks.writable("conv2d", y);
        int rows = M / groups, cols = y.h() * y.w();
        call.start(cl.convForward).buf(buf(x)).buf(buf(weight)).buf(bias == null ? dummy : buf(bias)).i(bias == null ? 0 : 1).buf(buf(y));
        convArgs(C, x.h(), x.w(), M, y.h(), y.w(), s);
        launchGemm(rows, cols, x.n() * groups);
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor weight, ConvSpec s, Tensor dx) {
        BackendChecks.conv("conv2d backward", dx, weight, null, s, dy);
        BackendChecks.writable("conv2d backward", dx);
        int groups = s.groups();
        int rows = dx.c() / groups, cols = dx.h() * dx.w();
        call.start(cl.convBackward).buf(buf(dy)).buf(buf(weight)).buf(dummy).i(0).buf(buf(dx));
        convArgs(dx.c(), dx.h(), dx.w(), weight.n(), dy.h(), dy.w(), s);
        launchGemm(rows, cols, dx.n() * groups);
    }

    private void convArgs(int C, int H, int W, int M, int OH, int OW, ConvSpec s) {
        call.i(C).i(H).i(W).i(M).i(OH).i(OW).i(s.kernelH()).i(s.kernelW()).i(s.strideH()).i(s.strideW())
                .i(s.padTop()).i(s.padLeft()).i(s.dilationH()).i(s.dilationW()).i(s.groups());
    }

    /** Work-groups of wgN×wgM work-items, each covering a tm×tn tile of the rows×cols output. */
    private void launchGemm(int rows, int cols, int planes) {
        int bm = tuning.wgM() * tuning.tm(), bn = tuning.wgN() * tuning.tn();
        long g0 = (long) ceilDiv(cols, bn) * tuning.wgN(), g1 = (long) ceilDiv(rows, bm) * tuning.wgM();
        call.run(g0, g1, planes, tuning.wgN(), tuning.wgM(), 1);
    }

    @Override
    public void innerProduct(Tensor x, Tensor weight, Tensor bias, Tensor y) {
        int n = x.n(), in = x.size() / n, out = weight.dim(0);
        BackendChecks.innerProduct("inner product", x, weight, bias, y);
        BackendChecks.writable("inner product", y);
        call.start(cl.innerProduct).buf(buf(x)).buf(buf(weight)).buf(bias == null ? dummy : buf(bias)).i(bias == null ? 0 : 1)
                .buf(buf(y)).i(in).i(out).i(n * out).run(round(n * out));
    }

    @Override
    public void innerProductBackwardData(Tensor dy, Tensor weight, Tensor dx) {
        int n = dx.n(), in = dx.size() / n, out = weight.dim(0);
        BackendChecks.innerProduct("inner product backward", dx, weight, null, dy);
        BackendChecks.writable("inner product backward", dx);
        call.start(cl.innerProductBackward).buf(buf(dy)).buf(buf(weight)).buf(buf(dx)).i(in).i(out).i(n * in).run(round(n * in));
    }

    // ---- element-wise layers --------------------------------------------------------------

    @Override
    public void relu(Tensor x, Tensor y) {
        BackendChecks.elementwise("relu", x, y);
        call.start(cl.relu).buf(buf(x)).buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void reluBackward(Tensor x, Tensor dy, Tensor dx) {
        BackendChecks.same("relu backward", x, dy);
        BackendChecks.elementwise("relu backward", x, dx);
        call.start(cl.reluBackward).buf(buf(x)).buf(buf(dy)).buf(buf(dx)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void leakyRelu(Tensor x, float alpha, Tensor y) {
        BackendChecks.elementwise("leakyRelu", x, y);
        call.start(cl.leakyRelu).buf(buf(x)).f(alpha).buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void leakyReluBackward(Tensor x, float alpha, Tensor dy, Tensor dx) {
        BackendChecks.same("leakyRelu backward", x, dy);
        BackendChecks.elementwise("leakyRelu backward", x, dx);
        call.start(cl.leakyReluBackward).buf(buf(x)).f(alpha).buf(buf(dy)).buf(buf(dx)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void clip(Tensor x, float min, float max, Tensor y) {
        BackendChecks.elementwise("clip", x, y);
        call.start(cl.clip).buf(buf(x)).f(min).f(max).buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void clipBackward(Tensor x, float min, float max, Tensor dy, Tensor dx) {
        BackendChecks.same("clip backward", x, dy);
        BackendChecks.elementwise("clip backward", x, dx);
        call.start(cl.clipBackward).buf(buf(x)).f(min).f(max).buf(buf(dy)).buf(buf(dx)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        BackendChecks.elementwise("sigmoid", x, y);
        call.start(cl.sigmoid).buf(buf(x)).buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        BackendChecks.same("sigmoid backward", y, dy);
        BackendChecks.elementwise("sigmoid backward", y, dx);
        call.start(cl.sigmoidBackward).buf(buf(y)).buf(buf(dy)).buf(buf(dx)).i(y.size()).run(round(y.size()));
    }

    @Override
    public void arithmetic(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor y) {
        int[] b = BackendChecks.arithmetic("arithmetic", x, c, y);
        call.start(cl.arithmetic).buf(buf(x)).buf(buf(c)).i(b[0]).i(b[1]).i(op.ordinal()).i(constantFirst ? 1 : 0)
                .buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void arithmeticBackward(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor dy, Tensor dx) {
        BackendChecks.same("arithmetic backward", x, dy);
        int[] b = BackendChecks.arithmetic("arithmetic backward", x, c, dx);
        call.start(cl.arithmeticBackward).buf(buf(x)).buf(buf(c)).i(b[0]).i(b[1]).i(op.ordinal()).i(constantFirst ? 1 : 0)
                .buf(buf(dy)).buf(buf(dx)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void pad(Tensor x, PadSpec s, Tensor y) {
        BackendChecks.pad("pad", x, s, y);
        BackendChecks.writable("pad", y);
        call.start(cl.pad).buf(buf(x)).buf(buf(y)).i(x.h()).i(x.w()).i(y.h()).i(y.w()).i(s.top()).i(s.left())
                .i(s.mode().ordinal()).f(s.value()).i(y.size()).run(round(y.size()));
    }

    @Override
    public void padBackward(Tensor dy, PadSpec s, Tensor dx) {
        BackendChecks.pad("pad backward", dx, s, dy);
        BackendChecks.writable("pad backward", dx);
        call.start(cl.padBackward).buf(buf(dy)).buf(buf(dx)).i(dx.h()).i(dx.w()).i(dy.h()).i(dy.w()).i(s.top()).i(s.left())
                .i(s.bottom()).i(s.right()).i(s.mode().ordinal()).i(dx.size()).run(round(dx.size()));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor y) {
        BackendChecks.same("add", a, b);
        BackendChecks.elementwise("add", a, y);
        call.start(cl.add).buf(buf(a)).buf(buf(b)).buf(buf(y)).i(a.size()).run(round(a.size()));
    }

    // ---- pooling, LRN, softmax ------------------------------------------------------------

    @Override
    public void pool(Tensor x, PoolSpec s, Tensor y) {
        BackendChecks.pool("pool", x, s, y);
        BackendChecks.writable("pool", y);
        call.start(s.method() == PoolSpec.Method.MAX ? cl.maxPool : cl.avePool).buf(buf(x)).buf(buf(y));
        poolArgs(x, y, s);
        call.i(y.size()).run(round(y.size()));
    }

    @Override
    public void poolBackward(Tensor x, Tensor dy, PoolSpec s, Tensor dx) {
        BackendChecks.pool("pool backward gradient", x, s, dy);
        BackendChecks.elementwise("pool backward", x, dx);
        if (s.method() == PoolSpec.Method.MAX) call.start(cl.maxPoolBackward).buf(buf(x)).buf(buf(dy)).buf(buf(dx));
        else call.start(cl.avePoolBackward).buf(buf(dy)).buf(buf(dx));
        poolArgs(x, dy, s);
        call.i(x.size()).run(round(x.size()));
    }

    private void poolArgs(Tensor x, Tensor y, PoolSpec s) {
        call.i(x.h()).i(x.w()).i(y.h()).i(y.w()).i(s.kernelH()).i(s.kernelW()).i(s.strideH()).i(s.strideW()).i(s.padTop()).i(s.padLeft())
                .i(s.padBottom()).i(s.padRight()).i(s.countIncludePad() ? 1 : 0);
    }

    @Override
    public void lrn(Tensor x, LrnSpec s, Tensor y) {
        BackendChecks.elementwise("lrn", x, y);
        call.start(cl.lrn).buf(buf(x)).buf(buf(y)).i(x.c()).i(x.h() * x.w()).i(s.size()).f(s.alpha() / s.size()).f(s.beta()).f(s.k())
                .i(x.size()).run(round(x.size()));
    }

    @Override
    public void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec s, Tensor dx) {
        BackendChecks.same("lrn backward", x, y);
        BackendChecks.same("lrn backward", x, dy);
        BackendChecks.elementwise("lrn backward", x, dx);
        int plane = x.h() * x.w();
        float alphaOverSize = s.alpha() / s.size();
        // dy·b/scale is needed at every channel of the window, so it is computed once per element first.
        DeviceBuffer ratio = pool.take((long) x.size() * Sizeof.cl_float);
        call.start(cl.lrnRatio).buf(buf(x)).buf(buf(y)).buf(buf(dy)).buf(ratio).i(x.c()).i(plane).i(s.size()).f(alphaOverSize).f(s.k())
                .i(x.size()).run(round(x.size()));
        call.start(cl.lrnBackward).buf(buf(x)).buf(buf(dy)).buf(ratio).buf(buf(dx)).i(x.c()).i(plane).i(s.size()).f(alphaOverSize)
                .f(s.beta()).f(s.k()).i(x.size()).run(round(x.size()));
        pool.give(ratio);   // safe at once: the in-order queue runs any later user after lrn_backward
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        BackendChecks.elementwise("softmax", x, y);
        int cols = x.n() * x.h() * x.w();
        call.start(cl.softmax).buf(buf(x)).buf(buf(y)).i(x.c()).i(x.h() * x.w()).i(cols).run(round(cols));
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        BackendChecks.same("softmax backward", y, dy);
        BackendChecks.elementwise("softmax backward", y, dx);
        int cols = y.n() * y.h() * y.w();
        call.start(cl.softmaxBackward).buf(buf(y)).buf(buf(dy)).buf(buf(dx)).i(y.c()).i(y.h() * y.w()).i(cols).run(round(cols));
    }

    // ---- concat ---------------------------------------------------------------------------

    @Override
    public void copyIntoChannels(Tensor src, Tensor dst, int channelOffset) {
        BackendChecks.channelSlice("concat", src, dst, channelOffset);
        BackendChecks.writable("concat", dst);
        copyChannels(src, 0, dst, channelOffset, src.c());
    }

    @Override
    public void copyFromChannels(Tensor src, int channelOffset, Tensor dst) {
        BackendChecks.channelSlice("concat backward", dst, src, channelOffset);
        BackendChecks.writable("concat backward", dst);
        copyChannels(src, channelOffset, dst, 0, dst.c());
    }

    private void copyChannels(Tensor src, int srcOff, Tensor dst, int dstOff, int count) {
        int plane = src.h() * src.w(), n = src.n() * count * plane;
        call.start(cl.copyChannels).buf(buf(src)).i(src.c()).i(srcOff).buf(buf(dst)).i(dst.c()).i(dstOff).i(count).i(plane).i(n).run(round(n));
    }

    // ---- element-wise arithmetic and reductions ------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        BackendChecks.writable("fill", t);
        call.start(cl.fill).buf(buf(t)).f(value).i(t.size()).run(round(t.size()));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        BackendChecks.elementwise("copy", src, dst);
        if (src == dst) return;
        clEnqueueCopyBuffer(queue, buf(src).mem, buf(dst).mem, 0, 0, (long) src.size() * Sizeof.cl_float, 0, null, null);
    }

    @Override
    public void axpy(float a, Tensor x, Tensor y) {
        BackendChecks.elementwise("axpy", x, y);
        call.start(cl.axpy).f(a).buf(buf(x)).buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void scale(Tensor x, float a) {
        BackendChecks.writable("scale", x);
        call.start(cl.scale).buf(buf(x)).f(a).i(x.size()).run(round(x.size()));
    }

    @Override
    public double sumSquares(Tensor x) {
        return reduce(call.start(cl.sumSquares).buf(buf(x)).i(x.size()), x.size());
    }

    @Override
    public double sumAbs(Tensor x) {
        return reduce(call.start(cl.sumAbs).buf(buf(x)).i(x.size()), x.size());
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        BackendChecks.same("dot", a, b);
        return reduce(call.start(cl.dot).buf(buf(a)).buf(buf(b)).i(a.size()), a.size());
    }

    @Override
    public double sumChannel(Tensor t, int channel) {
        BackendChecks.channel(t, channel);
        int n = t.n() * t.h() * t.w();
        return reduce(call.start(cl.sumChannel).buf(buf(t)).i(t.h() * t.w()).i(t.c()).i(channel).i(n), n);
    }

    /** Runs a reduction kernel whose arguments are set up to the partials buffer; adds the partials in double. */
    private double reduce(KernelCall c, int n) {
        int items = Math.min(tuning.reduceItems(), round(n));
        c.buf(partials).run(items);
        clEnqueueReadBuffer(queue, partials.mem, CL_TRUE, 0, (long) items * Sizeof.cl_float, Pointer.to(partialHost), 0, null, null);
        double sum = 0;
        for (int i = 0; i < items; i++) sum += partialHost[i];
        return sum;
    }

    @Override
    public float get(Tensor t, int index) {
        BackendChecks.index(t, index);
        clEnqueueReadBuffer(queue, buf(t).mem, CL_TRUE, (long) index * Sizeof.cl_float, Sizeof.cl_float, onePtr, 0, null, null);
        return one[0];
    }

    @Override
    public void set(Tensor t, int index, float value) {
        BackendChecks.index(t, index);
        BackendChecks.writable("set", t);
        one[0] = value;
        clEnqueueWriteBuffer(queue, buf(t).mem, CL_TRUE, (long) index * Sizeof.cl_float, Sizeof.cl_float, onePtr, 0, null, null);
    }

    @Override
    public void fillChannel(Tensor t, int channel, float value) {
        BackendChecks.channel(t, channel);
        BackendChecks.writable("fillChannel", t);
        int plane = t.h() * t.w(), n = t.n() * plane;
        call.start(cl.fillChannel).buf(buf(t)).i(plane).i(t.c()).i(channel).f(value).i(n).run(round(n));
    }

    @Override
    public void roll(Tensor src, int dy, int dx, Tensor dst) {
        BackendChecks.roll(src, dst, false);
        int H = src.h(), W = src.w();
        call.start(cl.roll).buf(buf(src)).buf(buf(dst)).i(H).i(W).i(Math.floorMod(dy, H)).i(Math.floorMod(dx, W)).i(src.size())
                .run(round(src.size()));
    }

    @Override
    public void clampChannels(Tensor x, float[] lo, float[] hi) {
        BackendChecks.clampBounds(x, lo, hi);
        int plane = x.h() * x.w(), n = x.n() * plane;
        // One launch per channel keeps the bounds as scalar arguments: no buffer to upload per call.
        for (int c = 0; c < x.c(); c++)
            call.start(cl.clampChannel).buf(buf(x)).i(plane).i(x.c()).i(c).f(lo[c]).f(hi[c]).i(n).run(round(n));
    }

    // ---- helpers --------------------------------------------------------------------------

    private DeviceBuffer buf(Tensor t) {
        if (t.backend() != this)
            throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name() + ", not to this opencl backend");
        return (DeviceBuffer) t.storage();
    }

    private int round(int n) { return ceilDiv(n, tuning.granule()) * tuning.granule(); }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
