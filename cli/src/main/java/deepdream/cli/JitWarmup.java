package deepdream.cli;

import deepdream.engine.Tensor;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.kernels.bench.SyntheticGoogLeNet;
import deepdream.kernels.cpu.CpuBackend;

import java.util.List;

/**
 * Runs dream steps on a tiny image through GoogLeNet's architecture with random weights, on a
 * backend, net and tensors of its own, while the main thread reads the weights: the cpu kernels
 * reach the JIT's optimizing tier on the otherwise idle core instead of during the first octave.
 * It shares no state with the dream (the kernels keep no static mutable state) and the kernels'
 * results do not depend on how they were compiled (fixed reduction order), so the pixels stay the
 * same. -Ddeepdream.warmup=false turns it off (A/B timing).
 */
final class JitWarmup implements AutoCloseable {
    /** Small enough that a step is a few ms once compiled, big enough to reach inception_4c (and every kernel path). */
    private static final int[] SHAPE = {1, 3, 32, 48};

    private final Thread thread;
    private volatile boolean stop;
    private volatile int steps;

    private JitWarmup() {
        thread = new Thread(this::run, "deepdream-jit-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts the warm-up when the backend is the cpu one and it is not turned off; else null. */
    static JitWarmup startFor(String backend) {
        if (!"cpu".equals(backend) || "false".equals(System.getProperty("deepdream.warmup"))) return null;
        return new JitWarmup();
    }

    private void run() {
        try (CpuBackend b = new CpuBackend(1); Net net = Net.build(SyntheticGoogLeNet.build(1), b)) {
            InputGradient gradient = new InputGradient(net, List.of(new InputGradient.Term(SyntheticGoogLeNet.TARGET, 1, Objective.l2())));
            Dreamer dreamer = new Dreamer(net);
            float[] image = new float[SHAPE[1] * SHAPE[2] * SHAPE[3]];
            for (int i = 0; i < image.length; i++) image[i] = (i * 37 % 255) - 120f;   // any non-constant image
            Tensor x = b.upload(image, SHAPE);
            try (Dreamer.StepBuffers buffers = new Dreamer.StepBuffers(b, SHAPE)) {
                while (!stop) {
                    dreamer.step(x, gradient, steps % 7 - 3, steps % 5 - 2, 1.5, 0, 0, buffers);
                    steps++;
                }
            } finally {
                x.release();
            }
        } catch (RuntimeException | LinkageError e) {
            // Best effort: a failed warm-up only means the first octave compiles the kernels itself.
        }
    }

    /** Dream steps run so far. */
    int steps() { return steps; }

    /** Stops after the current step and waits for it, so the dream has both cores. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
