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
}
