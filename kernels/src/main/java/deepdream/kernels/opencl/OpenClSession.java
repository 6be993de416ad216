package deepdream.kernels.opencl;

import org.jocl.CL;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import static org.jocl.CL.*;

/**
 * The OpenCL backend's device resources and their lifecycle: context, the one in-order queue, the
 * compiled programs and their kernels, the buffer pool. {@link OpenClBackend} launches ops on them.
 */
final class OpenClSession implements AutoCloseable {
    final OpenClDevices.Device device;
    final OpenClTuning tuning;
    final cl_context context;
    final cl_command_queue queue;
    final BufferPool pool;
    final KernelCall call;
    /** Stands in for an absent bias (a kernel argument cannot be null). */
    final DeviceBuffer dummy;
    /** The reductions' partial sums. */
    final DeviceBuffer partials;
    private final Programs programs;
    private boolean closed;

    final cl_kernel fill, add, axpy, scale, relu, reluBackward, fillChannel, clampChannel, roll, copyChannels;
    final cl_kernel leakyRelu, leakyReluBackward, clip, clipBackward;
    final cl_kernel sigmoid, sigmoidBackward, arithmetic, arithmeticBackward, pad, padBackward;
    final cl_kernel sumSquares, sumAbs, dot, sumChannel;
    final cl_kernel maxPool, avePool, maxPoolBackward, avePoolBackward;
    final cl_kernel lrn, lrnRatio, lrnBackward, softmax, softmaxBackward, innerProduct, innerProductBackward;
    final cl_kernel convForward, convBackward;

    OpenClSession(OpenClDevices.Device device, OpenClTuning tuning) {
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
            add = programs.kernel(elementwise, "add");
            axpy = programs.kernel(elementwise, "axpy");
            scale = programs.kernel(elementwise, "scale");
            relu = programs.kernel(elementwise, "relu");
            reluBackward = programs.kernel(elementwise, "relu_backward");
            leakyRelu = programs.kernel(elementwise, "leaky_relu");
            leakyReluBackward = programs.kernel(elementwise, "leaky_relu_backward");
            clip = programs.kernel(elementwise, "clip");
            clipBackward = programs.kernel(elementwise, "clip_backward");
            sigmoid = programs.kernel(elementwise, "sigmoid");
            sigmoidBackward = programs.kernel(elementwise, "sigmoid_backward");
            arithmetic = programs.kernel(elementwise, "arithmetic");
            arithmeticBackward = programs.kernel(elementwise, "arithmetic_backward");
            pad = programs.kernel(elementwise, "pad");
            padBackward = programs.kernel(elementwise, "pad_backward");
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
    }

    boolean isClosed() { return closed; }

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
}
