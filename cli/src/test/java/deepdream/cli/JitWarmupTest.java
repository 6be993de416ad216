package deepdream.cli;

import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.kernels.bench.SyntheticGoogLeNet;
import deepdream.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT warm-up runs beside a dream without changing its pixels, and close() stops it. */
class JitWarmupTest {
    private static float[] dream(int threads) {
        PlanarImage photo = new PlanarImage(3, 90, 120);
        float[] d = photo.data();
        for (int i = 0; i < d.length; i++) d[i] = (i * 7919 % 256);
        DreamParams p = DreamParams.defaults().withSeed(5).withIterations(3).withOctaves(2).withLayer(SyntheticGoogLeNet.TARGET);
        try (CpuBackend b = new CpuBackend(threads); Net net = Net.build(SyntheticGoogLeNet.build(3), b)) {
            return new Dreamer(net).dream(photo, p, DreamListener.NONE).data();
        }
    }

    @Test
    void aDreamBesideTheWarmupHasTheSamePixels() {
        for (int threads : new int[] {1, 2}) {
            float[] alone = dream(threads);
            JitWarmup w = JitWarmup.startFor("cpu");
            assertNotNull(w);
            float[] beside;
            try {
                beside = dream(threads);   // the warm-up steps run at the same time, on their own backend
            } finally {
                w.close();
            }
            assertArrayEquals(alone, beside, "pixels with the warm-up running, " + threads + " threads");
        }
    }

    @Test
    void closeStopsTheWarmup() throws InterruptedException {
        JitWarmup w = JitWarmup.startFor("cpu");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (w.steps() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        w.close();
        int after = w.steps();
        assertTrue(after >= 2, "the warm-up ran dream steps: " + after);
        Thread.sleep(300);
        assertEquals(after, w.steps(), "no step after close()");
    }

    /** A dream that fails before the net is built (here: weights that do not exist) stops its warm-up too. */
    @Test
    void aFailedDreamLeavesNoWarmupRunning() throws Exception {
        Cli.Result r = Cli.run("dream", "--backend", "cpu", "--weights", "/nonexistent/none.caffemodel", "-o", "/tmp/jitwarmup-none.png");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(warmupThreads().isEmpty(), "warm-up threads still running: " + warmupThreads());
    }

    private static java.util.List<Thread> warmupThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("deepdream-jit-warmup") && t.isAlive()).toList();
    }

    @Test
    void onlyTheCpuBackendIsWarmedUp() {
        assertNull(JitWarmup.startFor("reference"));
        assertNull(JitWarmup.startFor("opencl"));
    }
}
