package deepdream.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deepdream video --segments N -o clip.mp4}: the segments' frames are encoded by the driver once all are
 * done (right frame count and rate), a rerun redoes only missing frames, and the console shows the driver's
 * aggregate progress line, not the tasks' per-frame lines. Needs ffmpeg/ffprobe (CI installs them).
 */
@Timeout(180)
class VideoSegmentsOutputTest {
    @TempDir Path dir;

    static {
        BatchMain.quietSparkLogs();
    }

    @Test
    void segmentsEncodeOneVideoAndARerunRedoesOnlyTheMissingFrame() throws Exception {
        Path clip = clip(dir.resolve("clip"), 8), mp4 = dir.resolve("dream.mp4"), frames = dir.resolve("dream.mp4.frames");
        List<String> args = BatchFixtures.concat(BatchFixtures.tinyNet(dir), clip.toString(), "--octaves", "1", "--iterations", "2",
                "--later-iterations", "1", "--later-octaves", "1", "--blend", "0.5", "--seed", "5", "--fps", "10",
                "--segments", "2", "--burn-in", "1", "--master", "local[2]", "--keep-frames", "-o", mp4.toString());
        Run first = video(args);
        assertEquals(0, first.exit(), first.all());
        assertTrue(Files.isRegularFile(mp4), first.all());
        assertEquals(8, framesIn(mp4), "frames in " + mp4);
        assertEquals(10.0, frameRate(mp4), 1e-9, "frame rate of " + mp4);
        for (int n = 1; n <= 8; n++) assertTrue(Files.isRegularFile(frame(frames, n)), "frame " + n + " kept in " + frames);
        assertFalse(Files.exists(SparkSegmentedVideo.workRoot(frames)), "the segments' work folders are removed");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "no temp files left beside the video");
        }
        assertTrue(first.all().contains("wrote " + mp4 + " (8 frames)"), first.all());
        assertProgress(first, 8);

        // a rerun after losing frame 3: only that frame is dreamed again, the others stay as they were, the video is written again
        Map<Integer, FileTime> before = new HashMap<>();
        for (int n = 1; n <= 8; n++) {
            Files.setLastModifiedTime(frame(frames, n), FileTime.fromMillis(1_000_000_000_000L));
            before.put(n, Files.getLastModifiedTime(frame(frames, n)));
        }
        Files.delete(frame(frames, 3));
        Files.delete(mp4);
        Run again = video(args);
        assertEquals(0, again.exit(), again.all());
        assertTrue(Files.isRegularFile(frame(frames, 3)), "frame 3 is dreamed again");
        for (int n = 1; n <= 8; n++)
            if (n != 3) assertEquals(before.get(n), Files.getLastModifiedTime(frame(frames, n)), "frame " + n + " was rewritten on the rerun");
        assertTrue(again.err().contains("segment 2 (frames 5..8, from 4): already done"), again.err());
        assertTrue(again.err().contains("segment 1 (frames 1..4, from 1): dreamed 1 missing frame"), again.err());
        assertTrue(again.err().contains("video: 8/8 frames"), again.err());
        assertEquals(8, framesIn(mp4), "frames in " + mp4 + " after the rerun");
    }

    @Test
    void segmentsIntoAFolderPrintOneAggregateProgressLine() throws Exception {
        Path clip = clip(dir.resolve("clip"), 9), out = dir.resolve("frames");
        Run r = video(BatchFixtures.concat(BatchFixtures.tinyNet(dir), clip.toString(), "--octaves", "1", "--iterations", "2",
                "--later-iterations", "1", "--later-octaves", "1", "--seed", "5", "--segments", "3", "--burn-in", "2", "--master", "local[3]",
                "-o", out.toString()));
        assertEquals(0, r.exit(), r.all());
        for (int n = 1; n <= 9; n++) assertTrue(Files.isRegularFile(frame(out, n)), "frame " + n);
        try (Stream<Path> s = Files.list(out)) { assertEquals(9, s.count(), "only the 9 kept frames in " + out); }
        assertProgress(r, 9);
    }

    /** The driver's aggregate line is there, ends at total/total, never goes backwards; no task printed its per-frame lines. */
    private static void assertProgress(Run r, int total) {
        List<String> lines = r.all().lines().filter(l -> l.startsWith("video: ")).toList();
        assertFalse(lines.isEmpty(), "no progress line in:\n" + r.all());
        assertTrue(lines.get(lines.size() - 1).startsWith("video: " + total + "/" + total + " frames, "), lines.toString());
        int last = -1;
        for (String l : lines) {
            assertTrue(l.matches("video: \\d+/" + total + " frames, \\d+\\.\\d frames/min(, about .+ left)?"), l);
            int done = Integer.parseInt(l.substring(7, l.indexOf('/')));
            assertTrue(done >= last, "progress went backwards: " + lines);
            last = done;
        }
        assertFalse(r.all().lines().anyMatch(l -> l.matches(".*frame \\d+/\\d+ \\(.*")), "a task's per-frame line reached the console:\n" + r.all());
    }

    /** stdout+stderr of the command, and System.err (where Spark tasks in this JVM would print). */
    record Run(int exit, String out, String err, String system) {
        String all() { return out + err + system; }
    }

    private static Run video(List<String> args) {
        List<String> all = new ArrayList<>(List.of("video"));
        all.addAll(args);
        PrintStream saved = System.err;
        ByteArrayOutputStream system = new ByteArrayOutputStream();
        // before the CommandLine: picocli's default handler resets its err to the System.err it saw when it was made
        System.setErr(new PrintStream(system, true, StandardCharsets.UTF_8));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit;
        try {
            CommandLine cl = BatchMain.newCommandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            exit = cl.execute(all.toArray(String[]::new));
        } finally {
            System.setErr(saved);
        }
        return new Run(exit, out.toString(), err.toString(), system.toString(StandardCharsets.UTF_8));
    }

    /** Decoded frames, counted by ffprobe. */
    private static int framesIn(Path video) throws Exception {
        return Integer.parseInt(ffprobe(video, "nb_read_frames", "-count_frames"));
    }

    private static double frameRate(Path video) throws Exception {
        String[] r = ffprobe(video, "r_frame_rate").split("/");
        return Double.parseDouble(r[0]) / (r.length > 1 ? Double.parseDouble(r[1]) : 1);
    }

    private static String ffprobe(Path video, String entry, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", "v:0"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-show_entries", "stream=" + entry, "-of", "default=nw=1:nk=1", video.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
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
