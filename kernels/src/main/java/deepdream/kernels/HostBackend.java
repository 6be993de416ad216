package deepdream.kernels;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Storage for backends that compute on the Java heap: a tensor's storage is a {@code float[]} of
 * exactly {@code size()} elements. Released arrays go to a pool keyed by length, so a dream step
 * that allocates the same shapes as the previous one reuses its buffers instead of creating garbage.
 *
 * <p>The pool is bounded by a total byte cap (default: a quarter of the heap, at most 1 GiB); an
 * array released when the pool is full is simply left to the garbage collector. Pool operations
 * are synchronized: they happen once per op, never inside a kernel loop.
 */
public abstract class HostBackend implements Backend {
    private final Map<Integer, ArrayDeque<float[]>> pool = new HashMap<>();
    private final long capBytes;
    private long pooledBytes;

    protected HostBackend() { this(defaultCapBytes()); }

    protected HostBackend(long poolCapBytes) { this.capBytes = Math.max(0, poolCapBytes); }

    private static long defaultCapBytes() { return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4); }

    /** The host array behind a tensor of a host backend. */
    protected static float[] data(Tensor t) {
        Object s = t.storage();
        if (!(s instanceof float[] a))
            throw new IllegalArgumentException("tensor " + t + " does not live on the Java heap (backend " + t.backend().name() + ")");
        return a;
    }

    @Override
    public Tensor allocate(int... shape) {
        int n = Shapes.size(shape);
        float[] a = take(n);
        return new Tensor(this, shape, a != null ? a : new float[n]);
    }

    @Override
    public Tensor zeros(int... shape) {
        Tensor t = allocate(shape);
        java.util.Arrays.fill(data(t), 0f);
        return t;
    }

    @Override
    public Tensor upload(float[] host, int... shape) {
        int n = Shapes.size(shape);
        if (host.length != n)
            throw new IllegalArgumentException("upload: " + host.length + " values for shape " + Shapes.toString(shape) + " (needs " + n + ")");
        Tensor t = allocate(shape);
        System.arraycopy(host, 0, data(t), 0, n);
        return t;
    }

    /** A constant gets its own array, never one from the pool: nothing else may ever share it. */
    @Override
    public Tensor constant(float[] host, int... shape) {
        int n = Shapes.size(shape);
        if (host.length != n)
            throw new IllegalArgumentException("constant: " + host.length + " values for shape " + Shapes.toString(shape) + " (needs " + n + ")");
        return new Tensor(this, shape, host.clone(), true);
    }

    @Override
    public float[] download(Tensor t) { return data(t).clone(); }

    @Override
    public void recycle(Tensor t) {
        if (t.backend() != this) throw new IllegalArgumentException("recycle: " + t + " belongs to another backend");
        if (!t.isConstant()) give(data(t));   // constants' arrays are not recycled: a constant is immutable to its end
    }

    @Override
    public synchronized void dropPooledBuffers() {
        pool.clear();
        pooledBytes = 0;
    }

    /** Drops all pooled arrays. */
    @Override
    public void close() { dropPooledBuffers(); }

    /** Bytes currently held by the pool (for tests and {@code --verbose}). */
    public synchronized long pooledBytes() { return pooledBytes; }

    private synchronized float[] take(int n) {
        ArrayDeque<float[]> q = pool.get(n);
        if (q == null || q.isEmpty()) return null;
        pooledBytes -= 4L * n;
        return q.pop();
    }

    private synchronized void give(float[] a) {
        long bytes = 4L * a.length;
        if (pooledBytes + bytes > capBytes) return;
        pool.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        pooledBytes += bytes;
    }
}
