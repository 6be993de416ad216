package deepdream.batch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The driver's progress line: files done/total, images per minute, ETA. It polls counters (Spark
 * accumulators, merged as tasks finish) from a daemon thread and prints when the count moves, or
 * every half minute while a long file is being dreamed.
 */
final class BatchProgress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stopped;

    BatchProgress(PrintStream err, int total, LongSupplier finished, LongSupplier dreamed, LongSupplier failed) {
        long t0 = System.nanoTime();
        thread = new Thread(() -> {
            long lastShown = 0, lastTime = t0;
            while (!stopped) {
                try { Thread.sleep(500); } catch (InterruptedException e) { return; }
                long done = finished.getAsLong(), now = System.nanoTime();
                if (done == lastShown && now - lastTime < 30e9) continue;
                if (done >= total) return;
                err.println(line(total, done, dreamed.getAsLong(), failed.getAsLong(), (now - t0) / 1e9));
                lastShown = done;
                lastTime = now;
            }
        }, "deepdream-batch-progress");
        thread.setDaemon(true);
        thread.start();
    }

    static String line(int total, long done, long dreamed, long failed, double seconds) {
        double perMinute = seconds > 0 ? dreamed * 60 / seconds : 0;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "batch: %d/%d files", done, total));
        if (failed > 0) s.append(" (").append(failed).append(" failed)");
        s.append(String.format(Locale.ROOT, ", %.1f images/min", perMinute));
        if (dreamed > 0) s.append(", about ").append(duration((total - done) * seconds / dreamed)).append(" left");
        return s.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
