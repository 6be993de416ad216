package deepdream.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one tiny {@code parallelFor}: a fixed set of daemon worker threads plus the calling thread.
 * Tasks are handed out one at a time from an atomic counter, so uneven tasks balance themselves.
 * Each participant has a fixed index in [0, threads) that selects its private workspace.
 *
 * <p>Each worker has a state per loop: the caller arms every worker, runs tasks itself, and then
 * waits only for the workers that actually joined; a worker still asleep (parked, or descheduled by
 * the OS) when the caller ran out of tasks is struck off for that loop instead of waited for. A
 * waiting thread spins before it parks, and the caller unparks only a worker that parked.
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

    /** Worker states within one loop. */
    private static final int IDLE = 0, ARMED = 1, RUNNING = 2, SKIPPED = 3;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger nextTask = new AtomicInteger();
    private volatile Body body;
    private volatile int taskCount;
    private volatile long generation;
    private volatile boolean closed;
    private volatile boolean callerParked;
    private volatile Thread caller;
    private volatile Throwable failure;

    private final class Worker {
        final Thread thread;
        final AtomicInteger state = new AtomicInteger(IDLE);
        volatile boolean parked;

        Worker(int index) {
            thread = new Thread(() -> workLoop(this, index), "deepdream-cpu-" + index);
            thread.setDaemon(true);   // never keep the JVM alive for a forgotten backend
        }
    }

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) workers[i] = new Worker(i + 1);
        for (Worker w : workers) w.thread.start();
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
        caller = Thread.currentThread();
        for (Worker w : workers) w.state.set(ARMED);
        generation++;   // volatile write publishes body/taskCount/state to the workers
        for (Worker w : workers) if (w.parked) LockSupport.unpark(w.thread);
        try {
            drain(work, count, 0);
        } catch (Throwable t) {
            failure = t;   // still wait for the workers that joined: none may run this body after we return
            nextTask.set(Integer.MAX_VALUE / 2);
        }
        // Every task is claimed. A worker that has not joined yet is struck off; one that joined is waited for.
        for (Worker w : workers) {
            if (w.state.compareAndSet(ARMED, SKIPPED)) continue;
            for (long spinUntil = System.nanoTime() + SPIN_NANOS; w.state.get() == RUNNING && System.nanoTime() < spinUntil; ) Thread.onSpinWait();
            if (w.state.get() == RUNNING) {
                callerParked = true;
                while (w.state.get() == RUNNING) LockSupport.park(this);
                callerParked = false;
            }
        }
        body = null;
        Throwable f = failure;
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }

    private void drain(Body work, int count, int worker) {
        for (int t = nextTask.getAndIncrement(); t < count; t = nextTask.getAndIncrement()) work.run(t, worker);
    }

    private void workLoop(Worker me, int index) {
        long seen = 0;
        while (!closed) {
            if (generation == seen) {
                // Spin a little before parking: a step runs hundreds of short loops back to back, and a
                // park/unpark round trip costs tens of microseconds on a VM.
                for (long spinUntil = System.nanoTime() + SPIN_NANOS; generation == seen && !closed && System.nanoTime() < spinUntil; ) Thread.onSpinWait();
                if (generation == seen && !closed) {
                    me.parked = true;   // then re-check: the caller reads parked after publishing, so no wake-up is lost
                    if (generation == seen && !closed) LockSupport.park(this);
                    me.parked = false;
                }
                continue;
            }
            seen = generation;
            // Join only the loop the caller armed us for; body and taskCount are read after joining,
            // so they belong to that loop (the caller publishes no other until we are done).
            if (!me.state.compareAndSet(ARMED, RUNNING)) continue;   // struck off: the caller went on without us
            try {
                drain(body, taskCount, index);
            } catch (Throwable t) {
                failure = t;
                nextTask.set(Integer.MAX_VALUE / 2);   // stop handing out tasks
            }
            me.state.set(IDLE);
            if (callerParked) LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
        for (Worker w : workers) {
            try {
                w.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
