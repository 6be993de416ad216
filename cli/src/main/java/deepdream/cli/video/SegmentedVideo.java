package deepdream.cli.video;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Dreams one clip as several segments in parallel ({@code deepdream video --segments N}). The runner
 * lives in the batch jar (Apache Spark) and is found with {@link java.util.ServiceLoader}, so the core
 * CLI never depends on Spark.
 */
public interface SegmentedVideo {
    /**
     * @param videoArgs the {@code video} command's arguments without -o, --from, --to, --seed, --restart,
     *                  --segments, --burn-in and --master (the runner adds its own per segment)
     * @param output    the frames folder: OUTPUT itself, or OUTPUT.frames when OUTPUT is a video file (the
     *                  video command encodes it once {@link #run} has returned, so every segment is done by then)
     * @param last      the last frame to dream (known before the split)
     */
    record Request(List<String> videoArgs, Path input, Path output, int from, int last, long seed,
                   int segments, int burnIn, String master, boolean restart) {}

    /**
     * Dreams every frame from..last into the folder output and returns only when all are there; throws on failure
     * (a UserException for the user's errors). Prints one progress line for all segments on err.
     */
    void run(Request request, PrintWriter out, PrintWriter err);
}
