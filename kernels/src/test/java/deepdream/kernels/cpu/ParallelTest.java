package deepdream.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one parallelFor: every task exactly once, worker indices in range, failures reported, across many back-to-back loops. */
class ParallelTest {

    @Test
    void everyTaskRunsExactlyOnceInManyBackToBackLoops() {
        try (Parallel par = new Parallel(3)) {
            for (int round = 0; round < 2000; round++) {
                int count = 1 + round % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                AtomicIntegerArray badWorker = new AtomicIntegerArray(1);
                par.forEach(count, (task, worker) -> {
                    runs.incrementAndGet(task);
                    if (worker < 0 || worker >= 3) badWorker.set(0, 1);
                });
                for (int t = 0; t < count; t++) assertEquals(1, runs.get(t), "round " + round + " task " + t);
                assertEquals(0, badWorker.get(0));
            }
        }
    }

    @Test
    void aFailingTaskIsRethrownAndThePoolStaysUsable() {
        try (Parallel par = new Parallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> par.forEach(100, (task, worker) -> {
                if (task == 57) throw new IllegalStateException("task 57 failed");
            }));
            assertTrue(e.getMessage().contains("57"));
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            par.forEach(10, (task, worker) -> runs.incrementAndGet(task));
            for (int t = 0; t < 10; t++) assertEquals(1, runs.get(t));
        }
    }

    /** A task failing on the calling thread: forEach still returns only when no worker runs the body any more. */
    @Test
    void aFailureOnTheCallingThreadWaitsForTheWorkersThatJoined() {
        try (Parallel par = new Parallel(3)) {
            for (int round = 0; round < 50; round++) {
                java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
                assertThrows(IllegalStateException.class, () -> par.forEach(64, (task, worker) -> {
                    if (worker == 0) throw new IllegalStateException("caller's task " + task);
                    inFlight.incrementAndGet();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inFlight.decrementAndGet();
                }));
                assertEquals(0, inFlight.get(), "round " + round + ": a worker still ran the body after forEach returned");
            }
        }
    }

    /** Loops far shorter than a worker's wake-up: the caller runs them alone rather than wait for a parked worker. */
    @Test
    void shortLoopsAfterTheWorkersParkedStillRunEveryTaskOnce() throws InterruptedException {
        try (Parallel par = new Parallel(2)) {
            for (int round = 0; round < 200; round++) {
                if (round % 20 == 0) Thread.sleep(2);   // long enough for the worker to stop spinning and park
                AtomicIntegerArray runs = new AtomicIntegerArray(3);
                par.forEach(3, (task, worker) -> runs.incrementAndGet(task));
                for (int t = 0; t < 3; t++) assertEquals(1, runs.get(t), "round " + round + " task " + t);
            }
        }
    }

    /**
     * Gaps around the workers' spin time between loops, so that a worker is often struck off while it
     * wakes: a struck-off worker must not run tasks of the next loop unaccounted (every task of a loop
     * is done when forEach returns).
     */
    @Test
    void workersStruckOffWhileWakingNeverRunALaterLoopUnaccounted() {
        java.util.Random r = new java.util.Random(1);
        try (Parallel par = new Parallel(2)) {
            for (int round = 0; round < 3000; round++) {
                for (long until = System.nanoTime() + 50_000 + r.nextInt(150_000); System.nanoTime() < until; ) Thread.onSpinWait();
                int count = 2 + round % 3;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                par.forEach(count, (task, worker) -> {
                    for (long until = System.nanoTime() + 2_000; System.nanoTime() < until; ) Thread.onSpinWait();
                    runs.incrementAndGet(task);
                });
                for (int t = 0; t < count; t++) assertEquals(1, runs.get(t), "round " + round + " task " + t);
            }
        }
    }
}
