package deepdream.kernels.opencl;

import org.jocl.CLException;
import org.jocl.cl_context;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import static org.jocl.CL.*;

/**
 * Device buffers keyed by size: released tensors go back here and the next allocation of the same
 * size takes them, so dream steps at a fixed octave size allocate no device memory at all.
 */
final class BufferPool {
    private final cl_context context;
    private final Map<Long, ArrayDeque<DeviceBuffer>> free = new HashMap<>();
    /** Every buffer created and not yet released, so close() frees live tensors' buffers too. */
    private final Set<DeviceBuffer> all = Collections.newSetFromMap(new IdentityHashMap<>());
    private long liveBytes, pooledBytes;

    BufferPool(cl_context context) { this.context = context; }

    DeviceBuffer take(long bytes) {
        ArrayDeque<DeviceBuffer> q = free.get(bytes);
        if (q != null && !q.isEmpty()) {
            pooledBytes -= bytes;
            liveBytes += bytes;
            return q.pop();
        }
        DeviceBuffer b;
        try {
            b = create(bytes);
        } catch (CLException e) {
            // Out of device memory: give back every pooled buffer of other sizes and try once more.
            if (e.getStatus() != CL_MEM_OBJECT_ALLOCATION_FAILURE && e.getStatus() != CL_OUT_OF_RESOURCES
                    && e.getStatus() != CL_OUT_OF_HOST_MEMORY) throw e;
            drain();
            b = create(bytes);
        }
        liveBytes += bytes;
        return b;
    }

    void give(DeviceBuffer b) {
        free.computeIfAbsent(b.bytes, k -> new ArrayDeque<>()).push(b);
        liveBytes -= b.bytes;
        pooledBytes += b.bytes;
    }

    /** Releases the pooled (free) buffers; live ones stay valid. */
    void drain() {
        for (ArrayDeque<DeviceBuffer> q : free.values())
            for (DeviceBuffer b : q) {
                clReleaseMemObject(b.mem);
                all.remove(b);
            }
        free.clear();
        pooledBytes = 0;
    }

    /** Releases every buffer, pooled or live: the backend is closing and its tensors become invalid. */
    void releaseAll() {
        for (DeviceBuffer b : all) clReleaseMemObject(b.mem);
        all.clear();
        free.clear();
        liveBytes = pooledBytes = 0;
    }

    long liveBytes() { return liveBytes; }
    long pooledBytes() { return pooledBytes; }

    private DeviceBuffer create(long bytes) {
        DeviceBuffer b = new DeviceBuffer(clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null), bytes);
        all.add(b);
        return b;
    }
}
