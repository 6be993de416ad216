package deepdream.kernels.bench;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.engine.ops.Op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times DeepDream steps: forward to a blob on a recording tape, seed with the L2 objective's
 * gradient (the activation), backward to the input, close the tape — exactly the work of one dream
 * step minus the image update. Used by {@code deepdream bench}; also callable from code and JMH.
 *
 * <p>GFLOP counts forward plus backward-data multiply-adds ×2 of convolutions and inner products.
 * Backward-data of a convolution costs as many multiply-adds as its forward, so the step is
 * 4 · {@link Net#forwardMacs}. Element-wise layers are not counted.
 */
public final class StepBenchmark {
    private StepBenchmark() {}

    /** One layer's share of the timed steps (forward + backward), averaged per step. */
    public record LayerTiming(String layer, String type, double forwardMs, double backwardMs, double gflop) {
        public double ms() { return forwardMs + backwardMs; }
        public double gflops() { return ms() > 0 ? gflop / ms() * 1e3 : 0; }
    }

    /**
     * cpuMs is the median process CPU time per step (all threads): when it is well below
     * threads × medianMs, other processes were taking the cores and the wall time is inflated.
     */
    public record Result(int width, int height, String blob, String backend, int steps,
                         double medianMs, double minMs, double maxMs, double cpuMs, double gflop, List<LayerTiming> profile) {
        public double gflops() { return gflop / medianMs * 1e3; }

        /** The one-line summary {@code bench} prints per size. */
        public String summary() {
            return String.format(Locale.ROOT, "size=%dx%d blob=%s median_ms=%.1f min_ms=%.1f max_ms=%.1f cpu_ms=%.1f gflop=%.2f gflops=%.1f steps=%d backend=%s jdk=%s",
                    width, height, blob, medianMs, minMs, maxMs, cpuMs, gflop, gflops(), steps, backend, System.getProperty("java.version"));
        }

        /** Per-layer table, slowest first, with each layer's share of the profiled step time. */
        public String profileTable() {
            if (profile.isEmpty()) return "";
            double total = profile.stream().mapToDouble(LayerTiming::ms).sum();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-34s %-12s %9s %9s %9s %8s %6s%n",
                    "layer", "type", "fwd_ms", "bwd_ms", "total_ms", "gflops", "share"));
            List<LayerTiming> sorted = new ArrayList<>(profile);
            sorted.sort((a, b) -> Double.compare(b.ms(), a.ms()));
            for (LayerTiming t : sorted)
                sb.append(String.format(Locale.ROOT, "%-34s %-12s %9.2f %9.2f %9.2f %8.1f %5.1f%%%n", t.layer, t.type,
                        t.forwardMs, t.backwardMs, t.ms(), t.gflops(), 100 * t.ms() / total));
            sb.append(String.format(Locale.ROOT, "%-34s %-12s %9s %9s %9.2f%n", "(sum of layers)", "", "", "", total));
            return sb.toString();
        }
    }

    /** Multiply-adds ×2 of forward + backward-data to blob at this input size, in GFLOP. */
    public static double stepGflop(Net net, String blob, int width, int height) {
        long total = 0;
        for (long m : layerMacs(net, blob, new int[] {1, 3, height, width})) total += m;
        return 4.0 * total / 1e9;
    }

    /**
     * Forward multiply-adds of each layer the blob depends on (0 for the others). Shapes are
     * inferred for those layers only: the layers past the target (or an auxiliary classifier)
     * may not accept this input size at all, and a step never runs them.
     */
    static long[] layerMacs(Net net, String blob, int[] inputShape) {
        List<LayerDef> layers = net.def().layers();
        List<Op> ops = net.ops();
        int target = net.requireBlob(blob);
        boolean[] need = new boolean[layers.size()];
        if (target >= 0) need[target] = true;
        for (int i = target; i >= 0; i--) {
            if (!need[i]) continue;
            for (String bottom : layers.get(i).bottoms()) {
                int j = i - 1;
                while (j >= 0 && !layers.get(j).top().equals(bottom)) j--;   // in-place layers rebind the name
                if (j >= 0) need[j] = true;
            }
        }
        Map<String, int[]> current = new java.util.HashMap<>();
        current.put(net.inputBlob(), inputShape);
        long[] macs = new long[layers.size()];
        for (int i = 0; i <= target; i++) {
            if (!need[i]) continue;
            LayerDef l = layers.get(i);
            int[][] in = new int[l.bottoms().size()][];
            for (int k = 0; k < in.length; k++) in[k] = current.get(l.bottoms().get(k));
            try {
                current.put(l.top(), ops.get(i).outputShape(in));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer '" + l.name() + "' at input " + deepdream.engine.Shapes.toString(inputShape) + ": " + e.getMessage(), e);
            }
            macs[i] = ops.get(i).forwardMacs(in);
        }
        return macs;
    }

    /**
     * Runs warmup + steps dream steps on a fixed random image and returns the timing of the last
     * {@code steps}. With profile, a further {@code steps} steps run with a per-op listener (timing
     * each op adds a little overhead, so the summary is measured without it).
     */
    public static Result run(Net net, String blob, int width, int height, int warmup, int steps, boolean profile) {
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        net.requireBlob(blob);
        Backend b = net.backend();
        int[] shape = {1, 3, height, width};
        layerMacs(net, blob, shape);   // fails early, naming the layer, if the size is too small
        float[] pixels = new float[3 * height * width];
        Random rnd = new Random(42);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) (rnd.nextDouble() * 255 - 128);   // mean-subtracted BGR range
        Tensor input = b.upload(pixels, shape);
        try {
            for (int i = 0; i < warmup; i++) step(net, blob, input, null);
            double[] ms = new double[steps], cpu = new double[steps];
            for (int i = 0; i < steps; i++) {
                long c0 = processCpuNanos(), t0 = System.nanoTime();
                step(net, blob, input, null);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                cpu[i] = (processCpuNanos() - c0) / 1e6;
            }
            List<LayerTiming> table = profile ? profile(net, blob, input, steps) : List.of();
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            return new Result(width, height, blob, b.describe(), steps, median(ms), sorted[0], sorted[steps - 1], median(cpu),
                    stepGflop(net, blob, width, height), table);
        } finally {
            input.release();
            b.dropPooledBuffers();   // as the Dreamer does between octaves: the next size needs other buffers
        }
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** CPU time of the whole process (all threads); -1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** One dream step without the image update; returns Σ|gradient| (forces completion on async devices). */
    public static double step(Net net, String blob, Tensor input, Tape.OpListener listener) {
        Backend b = net.backend();
        try (Tape tape = Tape.recording(b)) {
            tape.setListener(listener);
            Var x = tape.leaf(input, true);
            Var a = net.forward(tape, x, blob);
            Tensor seed = b.allocate(a.shape());
            try {
                Objective.l2().gradient(b, a.value(), seed);
                tape.backward(a, seed);
            } finally {
                seed.release();
            }
            return b.sumAbs(x.grad());
        }
    }

    private static List<LayerTiming> profile(Net net, String blob, Tensor input, int steps) {
        List<Op> ops = net.ops();
        List<LayerDef> layers = net.def().layers();
        Map<Op, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < ops.size(); i++) index.put(ops.get(i), i);
        long[] fwd = new long[ops.size()], bwd = new long[ops.size()];
        boolean[] seen = new boolean[ops.size()];
        Tape.OpListener listener = new Tape.OpListener() {
            @Override public void forwardDone(Op op, Var output, long nanos) { add(fwd, op, nanos); }
            @Override public void backwardDone(Op op, Var output, long nanos) { add(bwd, op, nanos); }
            private void add(long[] into, Op op, long nanos) {
                Integer i = index.get(op);
                if (i != null) { into[i] += nanos; seen[i] = true; }
            }
        };
        for (int s = 0; s < steps; s++) step(net, blob, input, listener);
        long[] macs = layerMacs(net, blob, new int[] {1, 3, input.h(), input.w()});
        List<LayerTiming> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (!seen[i]) continue;
            out.add(new LayerTiming(layers.get(i).name(), ops.get(i).type(), fwd[i] / 1e6 / steps, bwd[i] / 1e6 / steps, 4.0 * macs[i] / 1e9));
        }
        return out;
    }
}
