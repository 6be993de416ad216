package deepdream.cli;

import deepdream.engine.dream.DreamListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The dream's progress on stderr: a bar with octave i/n, iteration j/m and an ETA on a terminal;
 * one line per octave otherwise (logs, pipes). The ETA weighs each step by its octave's pixels,
 * since the last octave costs about twice the one before it, and uses the recent steps' time per
 * pixel, not the average since the start: the first steps run while the JIT compiles the kernels
 * (on a 1024×768 dream, octave 1's average predicted 40 s left where 11 s remained).
 */
final class DreamProgress implements DreamListener, AutoCloseable {
    private final PrintStream err;
    private final long[] octavePixels;
    private final int iterations;
    private final ProgressBar bar;
    private final String label;
    private long workDone, workTotal, lastStep = System.nanoTime(), octaveStarted;
    /** Nanoseconds per pixel-step, smoothed over the recent steps (0 before the first). */
    private double recentPerUnit;
    private String size = "";

    /** sizes: {height, width} of each octave, smallest first; label prefixes each line (e.g. "frame 2/5"). */
    DreamProgress(PrintStream err, List<int[]> sizes, int iterations, String label, boolean interactive) {
        this.err = err;
        this.iterations = iterations;
        this.label = label == null ? "" : label + " ";
        this.octavePixels = new long[sizes.size()];
        for (int i = 0; i < sizes.size(); i++) {
            octavePixels[i] = (long) sizes.get(i)[0] * sizes.get(i)[1];
            workTotal += octavePixels[i] * iterations;
        }
        this.bar = interactive ? new ProgressBarBuilder().setTaskName(this.label + "dream").setInitialMax((long) sizes.size() * iterations)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(err))
                .setEtaFunction(state -> eta()).build() : null;
    }

    private Optional<Duration> eta() {
        if (workDone == 0) return Optional.empty();
        return Optional.of(Duration.ofNanos((long) (recentPerUnit * (workTotal - workDone))));
    }

    @Override
    public void octaveStarted(int octave, int octaves, int height, int width, int tile) {
        octaveStarted = System.nanoTime();
        size = width + "x" + height;
        if (bar != null) bar.setExtraMessage(String.format(Locale.ROOT, " octave %d/%d (%s) iteration 0/%d", octave, octaves, size, iterations));
    }

    @Override
    public void stepDone(int octave, int octaves, int iteration, int iterations, double objective) {
        long now = System.nanoTime(), pixels = octavePixels[octave - 1];
        double perUnit = (now - lastStep) / (double) pixels;
        recentPerUnit = workDone == 0 ? perUnit : 0.5 * (recentPerUnit + perUnit);
        lastStep = now;
        workDone += pixels;
        if (bar != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, " octave %d/%d (%s) iteration %d/%d", octave, octaves, size, iteration, iterations));
            bar.step();
        } else if (iteration == iterations) {
            double s = (System.nanoTime() - octaveStarted) / 1e9;
            err.printf(Locale.ROOT, "%soctave %d/%d (%s): %d iterations in %.1f s, objective %.4g%s%n", label, octave, octaves, size, iterations, s, objective,
                    octave < octaves ? eta().map(d -> String.format(Locale.ROOT, ", about %d s left", Math.max(1, d.toSeconds()))).orElse("") : "");
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
