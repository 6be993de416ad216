package deepdream.kernels.cpu;

import deepdream.engine.Tensor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a forward op derives from its input and its backward can reuse: the max-pool argmax
 * indices, the LRN scale. Kept per input tensor, like the packed weights per constant, with the
 * op's spec and the input's {@link Tensor#writeCount}: a backward trusts an entry only for the
 * same tensor, the same spec and no write to the tensor since the forward (a later forward on
 * another tensor has its own entry; one on the same tensor replaces it). Otherwise it gets null
 * and recomputes.
 *
 * <p>Releasing the input frees its entries' arrays into a pool by length, so the next dream step,
 * whose tensors have the same shapes, takes them back: nothing is allocated per step once warm.
 * Arrays of an old size are dropped with {@link #dropFree} (the backend's dropPooledBuffers, on a
 * new octave). Calls are synchronized; they come once per op, never from a kernel loop.
 */
final class ForwardState {
    private record Entry(Object spec, int writes, Object array) {}

    private final Map<Tensor, Entry> pool = new WeakHashMap<>(), lrn = new WeakHashMap<>();
    private final Map<Integer, ArrayDeque<int[]>> freeInts = new HashMap<>();
    private final Map<Integer, ArrayDeque<float[]>> freeFloats = new HashMap<>();
    /** Bound on the free arrays (GoogLeNet's pools and LRNs at 1024×768 keep ~80 MB): beyond it a freed array is left to the GC. */
    private static final long FREE_CAP_BYTES = 256L << 20;
    private long freeBytes;

    /** An int array of length n for the max-pool forward on x to fill; x's previous entry, if any, is freed. */
    synchronized int[] takeInts(Tensor x, int n) {
        free(pool.remove(x));
        ArrayDeque<int[]> q = freeInts.get(n);
        if (q == null || q.isEmpty()) return new int[n];
        freeBytes -= 4L * n;
        return q.pop();
    }

    /** A float array of length n for the LRN forward on x to fill; x's previous entry, if any, is freed. */
    synchronized float[] takeFloats(Tensor x, int n) {
        free(lrn.remove(x));
        ArrayDeque<float[]> q = freeFloats.get(n);
        if (q == null || q.isEmpty()) return new float[n];
        freeBytes -= 4L * n;
        return q.pop();
    }

    /** After a max-pool forward on x filled a (from {@link #takeInts}) completely. */
    synchronized void keepInts(Tensor x, Object spec, int[] a) { pool.put(x, new Entry(spec, x.writeCount(), a)); }

    /** After an LRN forward on x filled a (from {@link #takeFloats}) completely. */
    synchronized void keepFloats(Tensor x, Object spec, float[] a) { lrn.put(x, new Entry(spec, x.writeCount(), a)); }

    /** The argmax array of the last max-pool forward on x with this spec, or null when there is none or x changed since. */
    synchronized int[] ints(Tensor x, Object spec, int n) {
        Entry e = valid(pool.get(x), x, spec);
        return e != null && ((int[]) e.array).length == n ? (int[]) e.array : null;
    }

    /** The scale of the last LRN forward on x with this spec, or null when there is none or x changed since. */
    synchronized float[] floats(Tensor x, Object spec, int n) {
        Entry e = valid(lrn.get(x), x, spec);
        return e != null && ((float[]) e.array).length == n ? (float[]) e.array : null;
    }

    private static Entry valid(Entry e, Tensor x, Object spec) {
        return e != null && e.writes == x.writeCount() && e.spec.equals(spec) ? e : null;
    }

    /** x is released: its entries' arrays go to the free pool. */
    synchronized void forget(Tensor x) {
        free(pool.remove(x));
        free(lrn.remove(x));
    }

    synchronized void dropFree() {
        freeInts.clear();
        freeFloats.clear();
        freeBytes = 0;
    }

    synchronized void clear() {
        pool.clear();
        lrn.clear();
        dropFree();
    }

    private void free(Entry e) {
        if (e == null) return;
        long bytes = 4L * (e.array instanceof int[] a ? a.length : ((float[]) e.array).length);
        if (freeBytes + bytes > FREE_CAP_BYTES) return;
        freeBytes += bytes;
        if (e.array instanceof int[] a) freeInts.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        else if (e.array instanceof float[] a) freeFloats.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
    }
}
