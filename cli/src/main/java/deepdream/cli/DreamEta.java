package deepdream.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How long a dream has left. Each step is weighed by its octave's pixels, since the last octave
 * costs about twice the one before it, and the time per pixel is the recent steps', not the average
 * since the start: the first steps run while the JIT compiles the kernels (on a 1024×768 dream,
 * octave 1's average predicted 40 s left where 11 s remained). Shared by the terminal progress and
 * the web page.
 */
public final class DreamEta {
    private final long[] octavePixels;
    private long workDone, workTotal, lastStep = System.nanoTime();
    /** Nanoseconds per pixel-step, smoothed over the recent steps (0 before the first). */
    private double recentPerUnit;

    /** sizes: {height, width} of each octave, smallest first. */
    public DreamEta(List<int[]> sizes, int iterations) {
        octavePixels = new long[sizes.size()];
        for (int i = 0; i < sizes.size(); i++) {
            octavePixels[i] = (long) sizes.get(i)[0] * sizes.get(i)[1];
            workTotal += octavePixels[i] * iterations;
        }
    }

    /** Call after each step of octave (1-based). */
    public void stepDone(int octave) {
        long now = System.nanoTime(), pixels = octavePixels[octave - 1];
        double perUnit = (now - lastStep) / (double) pixels;
        recentPerUnit = workDone == 0 ? perUnit : 0.5 * (recentPerUnit + perUnit);
        lastStep = now;
        workDone += pixels;
    }

    /** Empty before the first step. */
    public Optional<Duration> remaining() {
        if (workDone == 0) return Optional.empty();
        return Optional.of(Duration.ofNanos((long) (recentPerUnit * (workTotal - workDone))));
    }
}
