package deepdream.batch;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The driver's one progress line for {@code video --segments}: frames done/total over all segments,
 * frames per minute, ETA. A Spark accumulator merges only when a task ends, and each segment is one
 * task, so it would move once per segment; instead a daemon thread counts the frames on the shared
 * file system (the tasks need it anyway): a kept frame is done when it is in OUTPUT or in its
 * segment's work folder. It prints when the count moves (at most once a second) or every half minute.
 */
final class VideoProgress implements AutoCloseable {
    private final Thread thread;
    private final Runnable finalLine;
    private volatile boolean stopped;

    VideoProgress(PrintWriter err, Path output, Path work, List<VideoSegments.Segment> segments, int from, int last) {
        int total = last - from + 1, before = count(output, work, segments, from, last);
        long t0 = System.nanoTime();
        thread = new Thread(() -> {
            long lastTime = t0;
            int lastShown = before;
            while (!stopped) {
                try { Thread.sleep(1000); } catch (InterruptedException e) { return; }
                int done = count(output, work, segments, from, last);
                long now = System.nanoTime();
                if (stopped || done >= total) return;
                if (done == lastShown && now - lastTime < 30e9) continue;
                synchronized (err) {
                    err.println(line(done, total, done - before, (now - t0) / 1e9));
                    err.flush();
                }
                lastShown = done;
                lastTime = now;
            }
        }, "deepdream-video-progress");
        thread.setDaemon(true);
        thread.start();
        finalLine = () -> {
            synchronized (err) {
                int done = count(output, work, segments, from, last);
                err.println(line(done, total, done - before, (System.nanoTime() - t0) / 1e9));
                err.flush();
            }
        };
    }

    /** dreamed: frames made in this run (a rerun's stored frames count as done, not in the rate). */
    static String line(int done, int total, int dreamed, double seconds) {
        double perMinute = seconds > 0 ? dreamed * 60 / seconds : 0;
        String s = String.format(Locale.ROOT, "video: %d/%d frames, %.1f frames/min", done, total, perMinute);
        if (dreamed > 0 && done < total) s += ", about " + BatchProgress.duration((total - done) * seconds / dreamed) + " left";
        return s;
    }

    /** Frames from..last present in OUTPUT, or in the work folder of the segment that keeps them. */
    static int count(Path output, Path work, List<VideoSegments.Segment> segments, int from, int last) {
        BitSet done = new BitSet();
        numbers(output, done);
        for (VideoSegments.Segment s : segments) {
            BitSet inWork = new BitSet();
            numbers(SparkSegmentedVideo.segmentDir(work, s), inWork);
            inWork.clear(0, s.start());   // burn-in frames are dropped, not progress
            inWork.clear(s.end() + 1, Math.max(s.end() + 1, inWork.length()));
            done.or(inWork);
        }
        done.clear(0, from);
        done.clear(last + 1, Math.max(last + 1, done.length()));
        return done.cardinality();
    }

    private static void numbers(Path dir, BitSet into) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{6}\\.png")).forEach(n -> into.set(Integer.parseInt(n.substring(0, 6))));
        } catch (IOException | RuntimeException e) {
            // a folder that vanishes mid-listing (a segment finishing) is counted on the next poll
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try { thread.join(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        finalLine.run();   // always one line, also for a job shorter than a poll, and the count where a failed one stopped
    }
}
