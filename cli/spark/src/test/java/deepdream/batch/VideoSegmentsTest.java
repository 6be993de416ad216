package deepdream.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code deepdream video --segments}: the split, and segments with burn-in reproducing one sequential run frame for frame. */
@Timeout(240)
class VideoSegmentsTest {
    @TempDir Path dir;

    static {
        BatchMain.quietSparkLogs();
    }

    @Test
    void everyFrameIsInExactlyOneSegmentAndBurnInStartsWFramesEarlyButNeverBeforeFrom() {
        for (int from = 1; from <= 4; from++)
            for (int last = from; last <= from + 40; last++)
                for (int n = 1; n <= 9; n++)
                    for (int w : new int[] {0, 1, 3, 8}) {
                        List<VideoSegments.Segment> s = VideoSegments.split(from, last, n, w);
                        String what = from + ".." + last + " in " + n + " with W " + w + ": " + s;
                        int next = from, min = Integer.MAX_VALUE, max = 0;
                        for (VideoSegments.Segment g : s) {
                            assertEquals(next, g.start(), what);
                            assertTrue(g.end() >= g.start(), what);
                            assertEquals(Math.max(from, g.start() - w), g.burnInStart(), what);
                            min = Math.min(min, g.frames());
                            max = Math.max(max, g.frames());
                            next = g.end() + 1;
                        }
                        assertEquals(last + 1, next, what);
                        assertEquals(Math.min(n, last - from + 1), s.size(), what);
                        assertTrue(max - min <= 1, what);
                    }
    }

    /**
     * With --blend 0 a frame's dream depends on the previous frame only through "was there one": so a
     * burn-in of 1 must give exactly the sequential run's pixels (same per-frame seeds, same settings),
     * and a burn-in of 0 must not (the seam frames are then dreamed as first frames).
     */
    @Test
    void segmentsWithBurnInMatchTheSequentialRunAndWithoutItTheSeamsDiffer() throws Exception {
        Path frames = clip(dir.resolve("clip"), 11);
        List<String> common = BatchFixtures.concat(BatchFixtures.tinyNet(dir), frames.toString(), "--octaves", "1", "--iterations", "2",
                "--later-iterations", "1", "--later-octaves", "1", "--blend", "0", "--seed", "5", "--from", "2", "--to", "11");
        Path seq = dir.resolve("seq"), seg1 = dir.resolve("seg1"), seg0 = dir.resolve("seg0");
        assertEquals(0, video(BatchFixtures.concat(common, "-o", seq.toString())).exit());
        Run withBurnIn = video(BatchFixtures.concat(common, "-o", seg1.toString(), "--segments", "3", "--burn-in", "1", "--master", "local[2]"));
        assertEquals(0, withBurnIn.exit(), withBurnIn.out());
        assertTrue(withBurnIn.out().contains("wrote frames 2..11 to " + seg1 + " (3 segments)"), withBurnIn.out());
        for (int n = 2; n <= 11; n++) assertArrayEquals(BatchFixtures.pixels(frame(seq, n)), BatchFixtures.pixels(frame(seg1, n)), "frame " + n);
        assertFalse(Files.exists(frame(seg1, 1)), "frame 1 is before --from");
        assertFalse(Files.exists(SparkSegmentedVideo.workRoot(seg1)), "the segments' work folders are removed");

        assertEquals(0, video(BatchFixtures.concat(common, "-o", seg0.toString(), "--segments", "3", "--burn-in", "0", "--master", "local[2]")).exit());
        for (int seam : new int[] {6, 9})   // 10 frames from 2 in 3 segments: 2..5, 6..8, 9..11
            assertFalse(Arrays.equals(BatchFixtures.pixels(frame(seq, seam)), BatchFixtures.pixels(frame(seg0, seam))), "seam frame " + seam);
        assertArrayEquals(BatchFixtures.pixels(frame(seq, 7)), BatchFixtures.pixels(frame(seg0, 7)), "frame 7 is carried in both runs");

        Run again = video(BatchFixtures.concat(common, "-o", seg1.toString(), "--segments", "3", "--burn-in", "1", "--master", "local[2]"));
        assertEquals(0, again.exit(), again.out());
        assertEquals(3, again.err().split("already done", -1).length - 1, again.err());
    }

    record Run(int exit, String out, String err) {}

    private static Run video(List<String> args) {
        CommandLine cl = BatchMain.newCommandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("video"));
        all.addAll(args);
        int exit = cl.execute(all.toArray(String[]::new));
        return new Run(exit, out + err.toString(), err.toString());
    }

    private static Path frame(Path dir, int n) { return dir.resolve(String.format("%06d.png", n)); }

    /** A pan over one photo-like image, 2 pixels a frame. */
    private static Path clip(Path dir, int frames) throws Exception {
        Files.createDirectories(dir);
        BufferedImage big = BatchFixtures.photo(40 + 2 * frames, 32, 3);
        for (int n = 1; n <= frames; n++) ImageIO.write(big.getSubimage(2 * n, 0, 40, 32), "png", frame(dir, n).toFile());
        return dir;
    }
}
