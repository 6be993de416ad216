package deepdream.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Jobs run one at a time on one worker thread (the net and its backend are shared, and a backend
 * is already as parallel as the machine), from a bounded first-come-first-served queue: a full queue
 * refuses with 503 rather than holding uploads in memory without end. Each waiting job knows its
 * position (1 = next). Background tasks (layer thumbnails) run only when no dream is waiting.
 */
final class JobQueue implements AutoCloseable {
    /** Finished jobs kept for status queries; older ones are forgotten (their results stay on disk). */
    static final int FINISHED_KEPT = 200;

    private final int capacity;
    private final Consumer<Job> runner;
    private final Deque<Job> waiting = new ArrayDeque<>();
    private final Deque<Runnable> background = new ArrayDeque<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Thread worker;
    private Job running;
    private boolean closed;

    JobQueue(int capacity, Consumer<Job> runner) {
        this.capacity = capacity;
        this.runner = runner;
        this.worker = new Thread(this::work, "deepdream-worker");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues the job and returns its position; 503 with Retry-After when the queue is full. */
    synchronized int submit(Job job) {
        if (closed) throw new HttpError(503, "the server is shutting down", 5);
        if (waiting.size() >= capacity)
            throw new HttpError(503, "the queue is full (" + capacity + " dreams waiting); try again in a moment", retryAfterSeconds());
        waiting.addLast(job);
        jobs.put(job.id, job);
        forgetOldJobs();
        int position = waiting.size();
        job.setPosition(position);
        notifyAll();
        return position;
    }

    synchronized void submitBackground(Runnable task) {
        background.addLast(task);
        notifyAll();
    }

    synchronized Job get(String id) { return jobs.get(id); }

    /** Cancels a waiting job at once, or asks the running one to stop after its current step. */
    synchronized boolean cancel(String id) {
        Job job = jobs.get(id);
        if (job == null) return false;
        job.requestCancel();
        if (waiting.remove(job)) {
            job.finish(Job.State.CANCELLED, null);
            renumber();
        }
        return true;
    }

    synchronized int waitingCount() { return waiting.size(); }

    /** A guess a client can wait before retrying: about one dream. */
    private int retryAfterSeconds() { return 5; }

    private void renumber() {
        int p = 1;
        for (Job j : waiting) j.setPosition(p++);
    }

    private void forgetOldJobs() {
        int finished = 0;
        for (Job j : jobs.values()) if (j.state().finished()) finished++;
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext() && finished > FINISHED_KEPT; ) {
            if (it.next().state().finished()) { it.remove(); finished--; }
        }
    }

    private void work() {
        while (true) {
            Job job = null;
            Runnable task = null;
            synchronized (this) {
                while (!closed && waiting.isEmpty() && background.isEmpty()) {
                    try { wait(); } catch (InterruptedException e) { return; }
                }
                if (closed) return;
                if (!waiting.isEmpty()) {
                    job = waiting.removeFirst();
                    running = job;
                    job.started();
                    renumber();
                } else {
                    task = background.removeFirst();
                }
            }
            try {
                if (job != null) runner.accept(job);
                else task.run();
            } catch (RuntimeException | Error e) {
                // The runner reports a job's own failures; anything escaping it must not stop the worker.
                if (job != null) job.finish(Job.State.FAILED, "internal error: " + e);
                System.err.println("deepdream: " + (job != null ? "job " + job.id : "background task") + " failed: " + e);
            } finally {
                synchronized (this) { running = null; }
            }
        }
    }

    /** Stops taking work; the running dream is asked to stop, waiting ones are cancelled. */
    @Override
    public void close() {
        List<Job> dropped;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
            background.clear();
            if (running != null) running.requestCancel();
            notifyAll();
        }
        for (Job j : dropped) j.finish(Job.State.CANCELLED, "the server stopped");
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
