package deepdream.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one tiny {@code parallelFor}: a fixed set of daemon worker threads plus the calling thread.
 * Tasks are handed out one at a time from an atomic counter, so uneven tasks balance themselves.
 * Each participant has a fixed index in [0, threads) that selects its private workspace.
 *
 * <p>Not reentrant: a body must not call {@link #forEach} again (kernels never nest).
 */
public final class Parallel implements AutoCloseable {
    /** One unit of work; {@code worker} selects the participant's workspace. */
    @FunctionalInterface
    public interface Body {
        void run(int task, int worker);
    }

    /** How long a waiting thread spins before it parks. */
    private static final long SPIN_NANOS = 100_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger nextTask = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private volatile Body body;
    private volatile int taskCount;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            Thread t = new Thread(() -> workLoop(index), "deepdream-cpu-" + index);
            t.setDaemon(true);   // never keep the JVM alive for a forgotten backend
            workers[i] = t;
            t.start();
        }
    }

    public int threads() { return threads; }

    /** Runs body for every task in [0, count) and returns when all are done. */
    public synchronized void forEach(int count, Body work) {
        if (closed) throw new IllegalStateException("cpu backend thread pool is closed");
        if (count <= 0) return;
        if (workers.length == 0 || count == 1) {
            for (int t = 0; t < count; t++) work.run(t, 0);
            return;
        }
        failure = null;
        body = work;
        taskCount = count;
        nextTask.set(0);
        running.set(workers.length);
        caller = Thread.currentThread();
        generation++;   // volatile write publishes body/taskCount to the workers
        for (Thread w : workers) LockSupport.unpark(w);
        drain(work, count, 0);
        for (long spinUntil = System.nanoTime() + SPIN_NANOS; running.get() > 0 && System.nanoTime() < spinUntil; ) Thread.onSpinWait();
        while (running.get() > 0) LockSupport.park(this);
        body = null;
        Throwable f = failure;
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }

    private void drain(Body work, int count, int worker) {
        for (int t = nextTask.getAndIncrement(); t < count; t = nextTask.getAndIncrement()) work.run(t, worker);
    }

    private void workLoop(int index) {
        long seen = 0;
        while (!closed) {
            if (generation == seen) {
                // Spin a little before parking: a step runs hundreds of short loops back to back, and a
                // park/unpark round trip costs tens of microseconds on a VM.
                for (long spinUntil = System.nanoTime() + SPIN_NANOS; generation == seen && !closed && System.nanoTime() < spinUntil; ) Thread.onSpinWait();
                if (generation == seen) LockSupport.park(this);
                continue;
            }
            seen = generation;
            try {
                drain(body, taskCount, index);
            } catch (Throwable t) {
                failure = t;
                nextTask.set(Integer.MAX_VALUE / 2);   // stop handing out tasks
            }
            if (running.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
