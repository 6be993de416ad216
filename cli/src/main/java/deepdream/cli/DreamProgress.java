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
 * one line per octave otherwise (logs, pipes). The ETA is {@link DreamEta}'s.
 */
final class DreamProgress implements DreamListener, AutoCloseable {
    private final PrintStream err;
    private final DreamEta eta;
    private final int iterations;
    private final ProgressBar bar;
    private final String label;
    private long octaveStarted;
    private String size = "";

    /** sizes: {height, width} of each octave, smallest first; label prefixes each line (e.g. "frame 2/5"). */
    DreamProgress(PrintStream err, List<int[]> sizes, int iterations, String label, boolean interactive) {
        this.err = err;
        this.iterations = iterations;
        this.label = label == null ? "" : label + " ";
        this.eta = new DreamEta(sizes, iterations);
        this.bar = interactive ? new ProgressBarBuilder().setTaskName(this.label + "dream").setInitialMax((long) sizes.size() * iterations)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(err))
                .setEtaFunction(state -> eta()).build() : null;
    }

    private Optional<Duration> eta() { return eta.remaining(); }

    @Override
    public void octaveStarted(int octave, int octaves, int height, int width, int tile) {
        octaveStarted = System.nanoTime();
        size = width + "x" + height;
        if (bar != null) bar.setExtraMessage(String.format(Locale.ROOT, " octave %d/%d (%s) iteration 0/%d", octave, octaves, size, iterations));
    }

    @Override
    public void stepDone(int octave, int octaves, int iteration, int iterations, double objective) {
        eta.stepDone(octave);
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
