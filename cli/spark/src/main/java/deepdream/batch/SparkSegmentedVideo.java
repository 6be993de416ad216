package deepdream.batch;

import deepdream.cli.Main;
import deepdream.cli.UserException;
import deepdream.cli.video.SegmentedVideo;
import deepdream.cli.video.VideoFiles;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code deepdream video --segments N}: one Spark task per segment, each a plain sequential
 * {@code deepdream video --from S-W --to E} into its own work folder (OUTPUT.segments/NN, so an
 * interrupted segment resumes there); its frames S..E then move into OUTPUT and the W burn-in frames are dropped.
 * A segment whose frames are all in OUTPUT is not dreamed again; one with some of them is resumed as the plain
 * command resumes (its stored frames are linked into the work folder and skipped). The driver prints one progress
 * line for all segments; the tasks' own lines are kept out of the console (with --verbose they are printed,
 * each prefixed with its segment).
 */
public final class SparkSegmentedVideo implements SegmentedVideo {
    @Override
    public void run(Request r, PrintWriter out, PrintWriter err) {
        List<VideoSegments.Segment> segments = VideoSegments.split(r.from(), r.last(), r.segments(), r.burnIn());
        Path work = workRoot(r.output());
        if (r.restart()) { deleteTree(work); deleteFrames(r.output(), r.from(), r.last()); }
        SparkConf conf = SparkSetup.conf(r.master(), Map.of(), false, SparkSetup.appJar()).set("spark.app.name", "deepdream video");
        err.println("deepdream: " + (r.last() - r.from() + 1) + " frames in " + segments.size() + " segments on " + conf.get("spark.master")
                + ", burn-in " + r.burnIn() + " frames");
        err.flush();
        SegmentTask task = new SegmentTask(r.videoArgs(), r.output().toAbsolutePath().toString(), work.toAbsolutePath().toString(), r.seed());
        List<String> results;
        try (JavaSparkContext jsc = new JavaSparkContext(conf);
             VideoProgress progress = new VideoProgress(err, r.output(), work, segments, r.from(), r.last())) {
            results = jsc.parallelize(segments, segments.size()).map(task).collect();
        } catch (Exception e) {   // Spark's SparkException is checked in Java, thrown unchecked from Scala
            if (e instanceof RuntimeException re && !(e.getCause() instanceof SparkException) && !(e instanceof SparkException)) throw re;
            throw new UserException("the Spark job failed (finished segments are kept; run the same command again to resume): " + rootMessage(e), e);
        }
        results.stream().flatMap(String::lines).distinct().forEach(err::println);
        deleteTree(work);
        out.println("wrote frames " + r.from() + ".." + r.last() + " to " + r.output() + " (" + segments.size() + " segments)");
    }

    static Path workRoot(Path output) { return output.resolveSibling(output.getFileName() + ".segments"); }

    static Path segmentDir(Path work, VideoSegments.Segment s) { return work.resolve(String.format("%02d", s.index())); }

    /** One segment, run in an executor: the core's sequential video command, then its kept frames into OUTPUT. */
    record SegmentTask(List<String> videoArgs, String output, String work, long seed) implements Function<VideoSegments.Segment, String> {
        @Override
        public String call(VideoSegments.Segment s) {
            Path out = Path.of(output), dir = segmentDir(Path.of(work), s);
            String what = "segment " + s.index() + " (frames " + s.start() + ".." + s.end() + ", from " + s.burnInStart() + ")";
            if (allFramesIn(out, s.start(), s.end())) return "deepdream: " + what + ": already done";
            // A rerun: this segment's stored frames go into its work folder, where the sequential command skips them and
            // carries the next missing frame from the one before it, as a plain rerun does. With its first frame stored
            // no burn-in is needed (nothing before that frame reaches the later ones).
            boolean[] stored = new boolean[s.frames()];
            try {
                Files.createDirectories(dir);
                for (int n = s.start(); n <= s.end(); n++) {
                    Path have = VideoFiles.frameFile(out, n), link = VideoFiles.frameFile(dir, n);
                    if (!Files.isRegularFile(have)) continue;
                    stored[n - s.start()] = true;
                    Files.deleteIfExists(link);
                    try { Files.createLink(link, have); } catch (IOException | UnsupportedOperationException e) { Files.copy(have, link); }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(what + ": cannot prepare its work folder " + dir, e);
            }
            int first = stored[0] ? s.start() : s.burnInStart();
            List<String> args = new ArrayList<>(List.of("video"));
            args.addAll(videoArgs);
            args.addAll(List.of("-o", dir.toString(), "--from", Integer.toString(first), "--to", Integer.toString(s.end()),
                    "--seed", Long.toString(seed), "--no-frame-bar"));
            boolean verbose = videoArgs.contains("-v") || videoArgs.contains("--verbose");
            StringWriter log = new StringWriter();
            PrintWriter taskErr = verbose ? new PrintWriter(new SegmentLines("segment " + s.index() + ": "), true) : new PrintWriter(log, true);
            picocli.CommandLine cl = Main.newCommandLine();
            cl.setErr(taskErr);
            cl.setOut(verbose ? taskErr : new PrintWriter(Writer.nullWriter()));
            int exit = cl.execute(args.toArray(String[]::new));
            taskErr.flush();
            if (exit != 0) throw new IllegalStateException(what + " failed (exit " + exit + ")" + (verbose ? "; its error is above" : ": " + log.toString().strip()));
            try {
                Files.createDirectories(out);
                for (int n = s.start(); n <= s.end(); n++)
                    if (!stored[n - s.start()]) Files.move(VideoFiles.frameFile(dir, n), VideoFiles.frameFile(out, n), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(what + ": cannot move its frames into " + out, e);
            }
            deleteTree(dir);
            int redone = 0;
            for (boolean b : stored) if (!b) redone++;
            // what the task said besides its per-frame lines (warnings, notes) goes back to the driver, printed once
            String notes = log.toString().lines().filter(l -> !l.isBlank() && !l.matches("frame \\d+.*")).reduce("", (a, b) -> a + b + "\n");
            return notes + "deepdream: " + what + ": dreamed" + (redone < s.frames() ? " " + redone + (redone == 1 ? " missing frame" : " missing frames") : "");
        }
    }

    /** Prints whole lines with a prefix, one line at a time, so parallel segments' --verbose lines do not mix mid-line. */
    private static final class SegmentLines extends Writer {
        private final String prefix;
        private final StringBuilder line = new StringBuilder();

        SegmentLines(String prefix) { this.prefix = prefix; }

        @Override
        public void write(char[] c, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (c[i] == '\n') flushLine();
                else if (c[i] != '\r') line.append(c[i]);
            }
        }

        private void flushLine() {
            synchronized (System.err) { System.err.println(prefix + line); }
            line.setLength(0);
        }

        @Override public void flush() { System.err.flush(); }
        @Override public void close() { if (line.length() > 0) flushLine(); }
    }

    static boolean allFramesIn(Path dir, int start, int end) {
        for (int n = start; n <= end; n++) if (!Files.isRegularFile(VideoFiles.frameFile(dir, n))) return false;
        return true;
    }

    private static void deleteFrames(Path dir, int from, int last) {
        try {
            for (int n = from; n <= last; n++) Files.deleteIfExists(VideoFiles.frameFile(dir, n));
        } catch (IOException e) {
            throw new UserException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UserException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
