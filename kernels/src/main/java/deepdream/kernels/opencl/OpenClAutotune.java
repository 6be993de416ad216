package deepdream.kernels.opencl;

import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.kernels.bench.StepBenchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * Measures each candidate tiling of a device ({@link OpenClTuning#candidates}) on the dream step
 * itself (the net's own convolution shapes, forward and backward), keeps the fastest in the
 * {@link OpenClTuningCache}. A tiling that fails to build or run on the device is skipped, said so.
 */
public final class OpenClAutotune {
    private OpenClAutotune() {}

    /** The winning tuning, stored in {@code cache}; the table goes to {@code log}. */
    public static OpenClTuning run(OpenClDevices.Device device, NetDef def, String blob, int width, int height, int warmup, int steps,
                                   OpenClTuningCache cache, PrintStream log) {
        List<OpenClTuning> candidates = OpenClTuning.candidates(device);
        log.printf("opencl tuning: %d tilings on %s, %dx%d, median of %d steps each%n", candidates.size(), device.describe(), width, height, steps);
        OpenClTuning best = null;
        double bestMs = Double.MAX_VALUE;
        for (OpenClTuning t : candidates) {
            double ms;
            try (OpenClBackend b = OpenClSelection.open(device, t); Net net = Net.build(def, b)) {
                ms = StepBenchmark.run(net, blob, width, height, warmup, steps, false).medianMs();
            } catch (RuntimeException e) {
                log.printf("  %-48s failed on this device: %s%n", t.describeTiles(), e.getMessage());
                continue;
            }
            log.printf("  %-48s %8.1f ms%s%n", t.describeTiles(), ms, t.equals(candidates.get(0)) ? "  (default)" : "");
            if (ms < bestMs) { bestMs = ms; best = t; }
        }
        if (best == null) throw new OpenClUnavailableException("no OpenCL tiling ran on " + device.describe());
        try {
            cache.store(device, best);
            log.printf("opencl tuning: %s chosen; cached in %s (delete that line, or run bench --retune, to measure again)%n", best.describeTiles(), cache.file());
        } catch (IOException e) {
            log.printf("opencl tuning: %s chosen; could not cache it in %s (%s)%n", best.describeTiles(), cache.file(), e.getMessage());
        }
        return best;
    }
}
