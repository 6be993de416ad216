package deepdream.kernels.opencl;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import static org.jocl.CL.*;

/**
 * The OpenCL backend: tensors live in device buffers, every op is a kernel from the {@code .cl}
 * resources of this package, and only {@link #download}, {@link #get} and the reductions' partial
 * sums come back to the host. One in-order queue, so kernels see their predecessors' results and
 * a released buffer can be handed to the next allocation at once. Not thread-safe.
 */
public final class OpenClBackend implements Backend {
    private final OpenClDevices.Device device;
    private final OpenClTuning tuning;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Programs programs;
    private final BufferPool pool;
    private final KernelCall call;
    /** Stands in for an absent bias (a kernel argument cannot be null). */
    private final DeviceBuffer dummy;
    private final DeviceBuffer partials;
    private final float[] partialHost;
    private final float[] one = new float[1];
    private final Pointer onePtr = Pointer.to(one);
    private boolean closed;

    private final cl_kernel fill, axpy, scale, relu, reluBackward, fillChannel, clampChannel, roll, copyChannels;
    private final cl_kernel sumSquares, sumAbs, dot, sumChannel;
    private final cl_kernel maxPool, avePool, maxPoolBackward, avePoolBackward;
    private final cl_kernel lrn, lrnRatio, lrnBackward, softmax, softmaxBackward, innerProduct, innerProductBackward;
    private final cl_kernel convForward, convBackward;

    /** The best device (GPU, then accelerator, then CPU) with its default tuning. */
    public static OpenClBackend create() { return new OpenClBackend(OpenClDevices.best()); }

    /** Device number {@code index} of {@link OpenClDevices#list()}. */
    public static OpenClBackend create(int index) { return new OpenClBackend(OpenClDevices.byIndex(index)); }

    public OpenClBackend(OpenClDevices.Device device) { this(device, OpenClTuning.forDevice(device)); }

    /** With explicit tuning: tests run the GPU (local-memory) tiles on a CPU device this way. */
    public OpenClBackend(OpenClDevices.Device device, OpenClTuning tuning) {
        CL.setExceptionsEnabled(true);
        this.device = device;
        this.tuning = tuning;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, device.platformId());
        cl_device_id[] ids = {device.deviceId()};
        context = clCreateContext(props, 1, ids, null, null, null);
        @SuppressWarnings("deprecation")   // clCreateCommandQueueWithProperties is OpenCL 2.0; this works on 1.2 devices too
        cl_command_queue q = clCreateCommandQueue(context, device.deviceId(), 0, null);
        queue = q;
        programs = new Programs(context, device.deviceId());
        pool = new BufferPool(context);
        call = new KernelCall(queue);
        try {
            cl_program elementwise = programs.build("elementwise.cl", "");
            fill = programs.kernel(elementwise, "fill");
            axpy = programs.kernel(elementwise, "axpy");
            scale = programs.kernel(elementwise, "scale");
            relu = programs.kernel(elementwise, "relu");
            reluBackward = programs.kernel(elementwise, "relu_backward");
            fillChannel = programs.kernel(elementwise, "fill_channel");
            clampChannel = programs.kernel(elementwise, "clamp_channel");
            roll = programs.kernel(elementwise, "roll");
            copyChannels = programs.kernel(elementwise, "copy_channels");
            cl_program reduce = programs.build("reduce.cl", "");
            sumSquares = programs.kernel(reduce, "sum_squares");
            sumAbs = programs.kernel(reduce, "sum_abs");
            dot = programs.kernel(reduce, "dot_product");
            sumChannel = programs.kernel(reduce, "sum_channel");
            cl_program poolProgram = programs.build("pool.cl", "");
            maxPool = programs.kernel(poolProgram, "max_pool");
            avePool = programs.kernel(poolProgram, "ave_pool");
            maxPoolBackward = programs.kernel(poolProgram, "max_pool_backward");
            avePoolBackward = programs.kernel(poolProgram, "ave_pool_backward");
            cl_program lrnProgram = programs.build("lrn.cl", "");
            lrn = programs.kernel(lrnProgram, "lrn");
            lrnRatio = programs.kernel(lrnProgram, "lrn_ratio");
            lrnBackward = programs.kernel(lrnProgram, "lrn_backward");
            cl_program layers = programs.build("layers.cl", "");
            softmax = programs.kernel(layers, "softmax");
            softmaxBackward = programs.kernel(layers, "softmax_backward");
            innerProduct = programs.kernel(layers, "inner_product");
            innerProductBackward = programs.kernel(layers, "inner_product_backward");
            convForward = programs.kernel(programs.build("conv.cl", tuning.convOptions(false)), "conv_gemm");
            convBackward = programs.kernel(programs.build("conv.cl", tuning.convOptions(true)), "conv_gemm");
        } catch (RuntimeException e) {
            releaseDevice();
            throw e;
        }
        dummy = pool.take(Sizeof.cl_float);
        partials = pool.take((long) tuning.reduceItems() * Sizeof.cl_float);
        partialHost = new float[tuning.reduceItems()];
    }

    public OpenClDevices.Device device() { return device; }
    public OpenClTuning tuning() { return tuning; }
    cl_context context() { return context; }

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
        if (data.length != Shapes.size(shape))
            throw new IllegalArgumentException("upload: " + data.length + " values for shape " + Shapes.toString(shape));
        Tensor t = allocate(shape);
        clEnqueueWriteBuffer(queue, buf(t).mem, CL_TRUE, 0, (long) data.length * Sizeof.cl_float, Pointer.to(data), 0, null, null);
        return t;
    }

    @Override
    public float[] download(Tensor t) {
        float[] out = new float[t.size()];
        clEnqueueReadBuffer(queue, buf(t).mem, CL_TRUE, 0, (long) out.length * Sizeof.cl_float, Pointer.to(out), 0, null, null);
        return out;
    }

    @Override
    public void recycle(Tensor t) {
        if (!closed) pool.give(buf(t));
    }

    @Override
    public void dropPooledBuffers() {
        if (!closed) pool.drain();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        clFinish(queue);
        releaseDevice();
    }

    private void releaseDevice() {
        pool.releaseAll();
        programs.close();
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    // ---- convolution and inner product ---------------------------------------------------

    @Override
    public void conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec s, Tensor y) {
        int groups = s.groups(), M = weight.n(), C = x.c();
        checkConv(x, weight, s, y);
        if (bias != null && bias.size() != M) throw new IllegalArgumentException("conv2d: bias has " + bias.size() + " values for " + M + " outputs");
        int rows = M / groups, cols = y.h() * y.w();
        call.start(convForward).buf(buf(x)).buf(buf(weight)).buf(bias == null ? dummy : buf(bias)).i(bias == null ? 0 : 1).buf(buf(y));
        convArgs(C, x.h(), x.w(), M, y.h(), y.w(), s);
        launchGemm(rows, cols, x.n() * groups);
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor weight, ConvSpec s, Tensor dx) {
        checkConv(dx, weight, s, dy);
        int groups = s.groups();
        int rows = dx.c() / groups, cols = dx.h() * dx.w();
        call.start(convBackward).buf(buf(dy)).buf(buf(weight)).buf(dummy).i(0).buf(buf(dx));
        convArgs(dx.c(), dx.h(), dx.w(), weight.n(), dy.h(), dy.w(), s);
        launchGemm(rows, cols, dx.n() * groups);
    }

    private void convArgs(int C, int H, int W, int M, int OH, int OW, ConvSpec s) {
        call.i(C).i(H).i(W).i(M).i(OH).i(OW).i(s.kernelH()).i(s.kernelW()).i(s.strideH()).i(s.strideW())
                .i(s.padH()).i(s.padW()).i(s.groups());
    }

    /** Work-groups of wgN×wgM work-items, each covering a tm×tn tile of the rows×cols output. */
    private void launchGemm(int rows, int cols, int planes) {
        int bm = tuning.wgM() * tuning.tm(), bn = tuning.wgN() * tuning.tn();
        long g0 = (long) ceilDiv(cols, bn) * tuning.wgN(), g1 = (long) ceilDiv(rows, bm) * tuning.wgM();
        call.run(g0, g1, planes, tuning.wgN(), tuning.wgM(), 1);
    }

    /** Refuses shapes that would make a kernel read or write outside its buffers (a crash, not an exception, on some drivers). */
    private static void checkConv(Tensor x, Tensor w, ConvSpec s, Tensor y) {
        if (x.rank() != 4 || w.rank() != 4 || y.rank() != 4)
            throw new IllegalArgumentException("convolution tensors must be 4-D: x " + Shapes.toString(x.shape())
                    + ", weight " + Shapes.toString(w.shape()) + ", y " + Shapes.toString(y.shape()));
        if (w.c() * s.groups() != x.c() || w.n() % s.groups() != 0 || w.h() != s.kernelH() || w.w() != s.kernelW())
            throw new IllegalArgumentException("convolution weight " + Shapes.toString(w.shape()) + " does not fit input "
                    + Shapes.toString(x.shape()) + " with " + s);
        Shapes.require("convolution output", y, x.n(), w.n(), s.outH(x.h()), s.outW(x.w()));
    }

    @Override
    public void innerProduct(Tensor x, Tensor weight, Tensor bias, Tensor y) {
        int n = x.n(), in = x.size() / n, out = weight.dim(0);
        if (weight.size() != (long) in * out || y.size() != n * out || (bias != null && bias.size() != out))
            throw new IllegalArgumentException("innerProduct: x " + Shapes.toString(x.shape()) + ", weight " + Shapes.toString(weight.shape())
                    + ", y " + Shapes.toString(y.shape()) + " do not fit");
        call.start(innerProduct).buf(buf(x)).buf(buf(weight)).buf(bias == null ? dummy : buf(bias)).i(bias == null ? 0 : 1)
                .buf(buf(y)).i(in).i(out).i(n * out).run(round(n * out));
    }

    @Override
    public void innerProductBackwardData(Tensor dy, Tensor weight, Tensor dx) {
        int n = dx.n(), in = dx.size() / n, out = weight.dim(0);
        if (weight.size() != (long) in * out || dy.size() != n * out)
            throw new IllegalArgumentException("innerProductBackwardData: dy " + Shapes.toString(dy.shape()) + ", weight "
                    + Shapes.toString(weight.shape()) + ", dx " + Shapes.toString(dx.shape()) + " do not fit");
        call.start(innerProductBackward).buf(buf(dy)).buf(buf(weight)).buf(buf(dx)).i(in).i(out).i(n * in).run(round(n * in));
    }

    // ---- element-wise layers --------------------------------------------------------------

    @Override
    public void relu(Tensor x, Tensor y) {
        Shapes.requireSame("relu", x, y);
        call.start(relu).buf(buf(x)).buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void reluBackward(Tensor x, Tensor dy, Tensor dx) {
        Shapes.requireSame("reluBackward", x, dy);
        Shapes.requireSame("reluBackward", x, dx);
        call.start(reluBackward).buf(buf(x)).buf(buf(dy)).buf(buf(dx)).i(x.size()).run(round(x.size()));
    }

    // ---- pooling, LRN, softmax ------------------------------------------------------------

    @Override
    public void pool(Tensor x, PoolSpec s, Tensor y) {
        Shapes.require("pool output", y, x.n(), x.c(), s.outH(x.h()), s.outW(x.w()));
        call.start(s.method() == PoolSpec.Method.MAX ? maxPool : avePool).buf(buf(x)).buf(buf(y));
        poolArgs(x, y, s);
        call.i(y.size()).run(round(y.size()));
    }

    @Override
    public void poolBackward(Tensor x, Tensor dy, PoolSpec s, Tensor dx) {
        Shapes.require("pool gradient", dy, x.n(), x.c(), s.outH(x.h()), s.outW(x.w()));
        Shapes.requireSame("pool input gradient", x, dx);
        if (s.method() == PoolSpec.Method.MAX) call.start(maxPoolBackward).buf(buf(x)).buf(buf(dy)).buf(buf(dx));
        else call.start(avePoolBackward).buf(buf(dy)).buf(buf(dx));
        poolArgs(x, dy, s);
        call.i(x.size()).run(round(x.size()));
    }

    private void poolArgs(Tensor x, Tensor y, PoolSpec s) {
        call.i(x.h()).i(x.w()).i(y.h()).i(y.w()).i(s.kernelH()).i(s.kernelW()).i(s.strideH()).i(s.strideW()).i(s.padH()).i(s.padW());
    }

    @Override
    public void lrn(Tensor x, LrnSpec s, Tensor y) {
        Shapes.requireSame("lrn", x, y);
        call.start(lrn).buf(buf(x)).buf(buf(y)).i(x.c()).i(x.h() * x.w()).i(s.size()).f(s.alpha() / s.size()).f(s.beta()).f(s.k())
                .i(x.size()).run(round(x.size()));
    }

    @Override
    public void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec s, Tensor dx) {
        Shapes.requireSame("lrnBackward", x, y);
        Shapes.requireSame("lrnBackward", x, dy);
        Shapes.requireSame("lrnBackward", x, dx);
        int plane = x.h() * x.w();
        float alphaOverSize = s.alpha() / s.size();
        // dy·b/scale is needed at every channel of the window, so it is computed once per element first.
        DeviceBuffer ratio = pool.take((long) x.size() * Sizeof.cl_float);
        call.start(lrnRatio).buf(buf(x)).buf(buf(y)).buf(buf(dy)).buf(ratio).i(x.c()).i(plane).i(s.size()).f(alphaOverSize).f(s.k())
                .i(x.size()).run(round(x.size()));
        call.start(lrnBackward).buf(buf(x)).buf(buf(dy)).buf(ratio).buf(buf(dx)).i(x.c()).i(plane).i(s.size()).f(alphaOverSize)
                .f(s.beta()).f(s.k()).i(x.size()).run(round(x.size()));
        pool.give(ratio);   // safe at once: the in-order queue runs any later user after lrn_backward
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        Shapes.requireSame("softmax", x, y);
        int cols = x.n() * x.h() * x.w();
        call.start(softmax).buf(buf(x)).buf(buf(y)).i(x.c()).i(x.h() * x.w()).i(cols).run(round(cols));
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        Shapes.requireSame("softmaxBackward", y, dy);
        Shapes.requireSame("softmaxBackward", y, dx);
        int cols = y.n() * y.h() * y.w();
        call.start(softmaxBackward).buf(buf(y)).buf(buf(dy)).buf(buf(dx)).i(y.c()).i(y.h() * y.w()).i(cols).run(round(cols));
    }

    // ---- concat ---------------------------------------------------------------------------

    @Override
    public void copyIntoChannels(Tensor src, Tensor dst, int channelOffset) {
        checkChannels(src, dst, channelOffset);
        copyChannels(src, 0, dst, channelOffset, src.c());
    }

    @Override
    public void copyFromChannels(Tensor src, int channelOffset, Tensor dst) {
        checkChannels(dst, src, channelOffset);
        copyChannels(src, channelOffset, dst, 0, dst.c());
    }

    /** part must fit in channels [offset, offset + part.c) of whole. */
    private static void checkChannels(Tensor part, Tensor whole, int offset) {
        if (part.n() != whole.n() || part.h() != whole.h() || part.w() != whole.w() || offset < 0 || offset + part.c() > whole.c())
            throw new IllegalArgumentException("channel copy: " + Shapes.toString(part.shape()) + " does not fit at channel "
                    + offset + " of " + Shapes.toString(whole.shape()));
    }

    private void copyChannels(Tensor src, int srcOff, Tensor dst, int dstOff, int count) {
        int plane = src.h() * src.w(), n = src.n() * count * plane;
        call.start(copyChannels).buf(buf(src)).i(src.c()).i(srcOff).buf(buf(dst)).i(dst.c()).i(dstOff).i(count).i(plane).i(n).run(round(n));
    }

    // ---- element-wise arithmetic and reductions ------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        call.start(fill).buf(buf(t)).f(value).i(t.size()).run(round(t.size()));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.size() != dst.size()) throw new IllegalArgumentException("copy: " + src.size() + " values into " + dst.size());
        if (src == dst) return;
        clEnqueueCopyBuffer(queue, buf(src).mem, buf(dst).mem, 0, 0, (long) src.size() * Sizeof.cl_float, 0, null, null);
    }

    @Override
    public void axpy(float a, Tensor x, Tensor y) {
        if (x.size() != y.size()) throw new IllegalArgumentException("axpy: sizes " + x.size() + " and " + y.size());
        call.start(axpy).f(a).buf(buf(x)).buf(buf(y)).i(x.size()).run(round(x.size()));
    }

    @Override
    public void scale(Tensor x, float a) {
        call.start(scale).buf(buf(x)).f(a).i(x.size()).run(round(x.size()));
    }

    @Override
    public double sumSquares(Tensor x) {
        return reduce(call.start(sumSquares).buf(buf(x)).i(x.size()), x.size());
    }

    @Override
    public double sumAbs(Tensor x) {
        return reduce(call.start(sumAbs).buf(buf(x)).i(x.size()), x.size());
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("dot: sizes " + a.size() + " and " + b.size());
        return reduce(call.start(dot).buf(buf(a)).buf(buf(b)).i(a.size()), a.size());
    }

    @Override
    public double sumChannel(Tensor t, int channel) {
        checkChannel(t, channel);
        int n = t.n() * t.h() * t.w();
        return reduce(call.start(sumChannel).buf(buf(t)).i(t.h() * t.w()).i(t.c()).i(channel).i(n), n);
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
        checkIndex(t, index);
        clEnqueueReadBuffer(queue, buf(t).mem, CL_TRUE, (long) index * Sizeof.cl_float, Sizeof.cl_float, onePtr, 0, null, null);
        return one[0];
    }

    @Override
    public void set(Tensor t, int index, float value) {
        checkIndex(t, index);
        one[0] = value;
        clEnqueueWriteBuffer(queue, buf(t).mem, CL_TRUE, (long) index * Sizeof.cl_float, Sizeof.cl_float, onePtr, 0, null, null);
    }

    @Override
    public void fillChannel(Tensor t, int channel, float value) {
        checkChannel(t, channel);
        int plane = t.h() * t.w(), n = t.n() * plane;
        call.start(fillChannel).buf(buf(t)).i(plane).i(t.c()).i(channel).f(value).i(n).run(round(n));
    }

    @Override
    public void roll(Tensor src, int dy, int dx, Tensor dst) {
        if (src == dst) throw new IllegalArgumentException("roll: dst must not be src");
        Shapes.requireSame("roll", src, dst);
        int H = src.h(), W = src.w();
        call.start(roll).buf(buf(src)).buf(buf(dst)).i(H).i(W).i(Math.floorMod(dy, H)).i(Math.floorMod(dx, W)).i(src.size())
                .run(round(src.size()));
    }

    @Override
    public void clampChannels(Tensor x, float[] lo, float[] hi) {
        if (lo.length < x.c() || hi.length < x.c())
            throw new IllegalArgumentException("clampChannels: " + x.c() + " channels but bounds for " + Math.min(lo.length, hi.length));
        int plane = x.h() * x.w(), n = x.n() * plane;
        // One launch per channel keeps the bounds as scalar arguments: no buffer to upload per call.
        for (int c = 0; c < x.c(); c++)
            call.start(clampChannel).buf(buf(x)).i(plane).i(x.c()).i(c).f(lo[c]).f(hi[c]).i(n).run(round(n));
    }

    // ---- helpers --------------------------------------------------------------------------

    private DeviceBuffer buf(Tensor t) {
        if (t.backend() != this)
            throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name() + ", not to this opencl backend");
        return (DeviceBuffer) t.storage();
    }

    private static void checkIndex(Tensor t, int index) {
        if (index < 0 || index >= t.size()) throw new IndexOutOfBoundsException("index " + index + " outside " + Shapes.toString(t.shape()));
    }

    private static void checkChannel(Tensor t, int channel) {
        if (channel < 0 || channel >= t.c()) throw new IndexOutOfBoundsException("channel " + channel + " outside " + Shapes.toString(t.shape()));
    }

    private int round(int n) { return ceilDiv(n, tuning.granule()) * tuning.granule(); }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
