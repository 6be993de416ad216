package deepdream.kernels.opencl;

import org.jocl.Pointer;
import org.jocl.cl_mem;

/** The storage of an OpenCL tensor: a device buffer, its size, and a reusable kernel-argument pointer. */
public final class DeviceBuffer {
    final cl_mem mem;
    final long bytes;
    /** Pointer.to(mem), made once: setting a kernel argument then allocates nothing. */
    final Pointer arg;

    DeviceBuffer(cl_mem mem, long bytes) {
        this.mem = mem;
        this.bytes = bytes;
        this.arg = Pointer.to(mem);
    }

    public cl_mem mem() { return mem; }
    public long bytes() { return bytes; }
}
