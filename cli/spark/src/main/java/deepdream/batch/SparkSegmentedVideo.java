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
 * A segment whose frames are all in OUTPUT is not dreamed again.
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
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            results = jsc.parallelize(segments, segments.size()).map(task).collect();
        } catch (Exception e) {   // Spark's SparkException is checked in Java, thrown unchecked from Scala
            if (e instanceof RuntimeException re && !(e.getCause() instanceof SparkException) && !(e instanceof SparkException)) throw re;
            throw new UserException("the Spark job failed (finished segments are kept; run the same command again to resume): " + rootMessage(e), e);
        }
        results.forEach(err::println);
        deleteTree(work);
        out.println("wrote frames " + r.from() + ".." + r.last() + " to " + r.output() + " (" + segments.size() + " segments)");
    }

    static Path workRoot(Path output) { return output.resolveSibling(output.getFileName() + ".segments"); }

    /** One segment, run in an executor: the core's sequential video command, then its kept frames into OUTPUT. */
    record SegmentTask(List<String> videoArgs, String output, String work, long seed) implements Function<VideoSegments.Segment, String> {
        @Override
        public String call(VideoSegments.Segment s) {
            Path out = Path.of(output), dir = Path.of(work).resolve(String.format("%02d", s.index()));
            String what = "segment " + s.index() + " (frames " + s.start() + ".." + s.end() + ", from " + s.burnInStart() + ")";
            if (allFramesIn(out, s.start(), s.end())) return "deepdream: " + what + ": already done";
            List<String> args = new ArrayList<>(List.of("video"));
            args.addAll(videoArgs);
            args.addAll(List.of("-o", dir.toString(), "--from", Integer.toString(s.burnInStart()), "--to", Integer.toString(s.end()),
                    "--seed", Long.toString(seed)));
            int exit = Main.newCommandLine().execute(args.toArray(String[]::new));
            if (exit != 0) throw new IllegalStateException(what + " failed (exit " + exit + "; its error is above)");
            try {
                Files.createDirectories(out);
                for (int n = s.start(); n <= s.end(); n++)
                    Files.move(VideoFiles.frameFile(dir, n), VideoFiles.frameFile(out, n), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(what + ": cannot move its frames into " + out, e);
            }
            deleteTree(dir);
            return "deepdream: " + what + ": dreamed";
        }
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
