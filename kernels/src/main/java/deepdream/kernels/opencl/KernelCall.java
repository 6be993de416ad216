package deepdream.kernels.opencl;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clSetKernelArg;

/**
 * Sets a kernel's arguments in order and enqueues it, reusing its scratch arrays and pointers so
 * that a launch allocates nothing on the Java heap. One per backend; not thread-safe (neither is
 * the backend: one in-order queue).
 */
final class KernelCall {
    private final cl_command_queue queue;
    private final int[] intArg = new int[1];
    private final float[] floatArg = new float[1];
    private final Pointer intPtr = Pointer.to(intArg), floatPtr = Pointer.to(floatArg);
    private final long[] global1 = new long[1], global3 = new long[3], local3 = new long[3];
    private cl_kernel kernel;
    private int index;

    KernelCall(cl_command_queue queue) { this.queue = queue; }

    KernelCall start(cl_kernel k) {
        kernel = k;
        index = 0;
        return this;
    }

    KernelCall buf(DeviceBuffer b) {
        clSetKernelArg(kernel, index++, Sizeof.cl_mem, b.arg);
        return this;
    }

    /** clSetKernelArg copies the value at once, so one scratch cell serves every argument. */
    KernelCall i(int v) {
        intArg[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_int, intPtr);
        return this;
    }

    KernelCall f(float v) {
        floatArg[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_float, floatPtr);
        return this;
    }

    /** 1-D launch over {@code global} work-items (already rounded by the caller); the runtime picks the group size. */
    void run(long global) {
        global1[0] = global;
        clEnqueueNDRangeKernel(queue, kernel, 1, null, global1, null, 0, null, null);
    }

    /** 3-D launch with an explicit work-group size. */
    void run(long g0, long g1, long g2, long l0, long l1, long l2) {
        global3[0] = g0; global3[1] = g1; global3[2] = g2;
        local3[0] = l0; local3[1] = l1; local3[2] = l2;
        clEnqueueNDRangeKernel(queue, kernel, 3, null, global3, local3, 0, null, null);
    }
}
