package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.video.Clips;
import deepdream.cli.video.Ffmpeg;
import deepdream.cli.video.VideoFiles;
import deepdream.engine.image.PlanarImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** 'deepdream video' end to end on the tiny random net (blob "cat"): coherence, resume after kill -9, video files, bad input. */
class VideoCommandTest {
    @TempDir Path dir;
    TinyModelFiles tiny;

    static final int W = 64, H = 48;

    @BeforeEach
    void setUp() throws Exception { tiny = new TinyModelFiles(dir); }

    @AfterEach
    void ffmpegBack() { System.clearProperty(Ffmpeg.PROPERTY); }

    /** The tiny net's options, then rest. */
    List<String> args(String... rest) {
        List<String> a = new ArrayList<>(List.of("video", "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(),
                "--backend", "reference", "--layer", "cat", "--octaves", "2", "--iterations", "4", "--jitter", "4", "--seed", "3"));
        a.addAll(Arrays.asList(rest));
        return a;
    }

    Cli.Result video(String... rest) { return Cli.run(args(rest).toArray(String[]::new)); }

    static double stat(Cli.Result r, String what) {
        Matcher m = Pattern.compile("mean " + what + " ([0-9.]+)").matcher(r.err());
        assertTrue(m.find(), r.toString());
        return Double.parseDouble(m.group(1));
    }

    /** On a panning clip the carried dream flickers much less than independent dreams, at a comparable strength. */
    @Test
    void coherentOutputFlickersLessThanIndependent() throws Exception {
        Path clip = Clips.folder(dir.resolve("clip"), 6, W, H);
        Cli.Result coherent = video(clip.toString(), "-o", dir.resolve("coh").toString(), "--stats", dir.resolve("coh.csv").toString());
        assertEquals(0, coherent.exit(), coherent.toString());
        Cli.Result independent = video(clip.toString(), "-o", dir.resolve("ind").toString(), "--stats", dir.resolve("ind.csv").toString(), "--independent");
        assertEquals(0, independent.exit(), independent.toString());
        double ec = stat(coherent, "flicker \\(warping error\\)"), ei = stat(independent, "flicker \\(warping error\\)");
        double sc = stat(coherent, "dream strength"), si = stat(independent, "dream strength");
        assertTrue(ec < 0.7 * ei, "warping error coherent " + ec + " vs independent " + ei);
        assertTrue(sc > 0.5 * si, "dream strength coherent " + sc + " vs independent " + si);
        assertTrue(coherent.err().contains("frame 2/6 (carried)") && coherent.err().contains("frames/min") && coherent.err().contains("left"), coherent.err());
        Map<String, String> text = ImageWriter.readText(VideoFiles.frameFile(dir.resolve("coh"), 2));
        assertEquals("4", text.get("deepdream.seed"), "frame 2's seed is the run's seed + 1");
        assertTrue(text.get("deepdream.command").startsWith("deepdream video "), text.toString());
        assertEquals(7, Files.readAllLines(dir.resolve("coh.csv")).size(), "a header and one line per frame");
    }

    /** --later-step sets the step of carried frames only: a small one adds less new dream per frame, so it flickers less; resuming with another is refused. */
    @Test
    void laterStepIsTheCarriedFramesStep() throws Exception {
        Path clip = Clips.folder(dir.resolve("clip"), 6, W, H);
        Cli.Result small = video(clip.toString(), "-o", dir.resolve("small").toString(), "--later-step", "0.2", "--stats", dir.resolve("small.csv").toString());
        assertEquals(0, small.exit(), small.toString());
        Cli.Result large = video(clip.toString(), "-o", dir.resolve("large").toString(), "--later-step", "3", "--stats", dir.resolve("large.csv").toString());
        assertEquals(0, large.exit(), large.toString());
        assertArrayEquals(ImageFiles.read(VideoFiles.frameFile(dir.resolve("small"), 1), Long.MAX_VALUE).data(),
                ImageFiles.read(VideoFiles.frameFile(dir.resolve("large"), 1), Long.MAX_VALUE).data(), "frame 1 is dreamed with --step");
        double es = stat(small, "flicker \\(warping error\\)"), el = stat(large, "flicker \\(warping error\\)");
        assertTrue(es < 0.8 * el, "warping error with --later-step 0.2: " + es + ", with 3: " + el);
        Cli.Result other = video(clip.toString(), "-o", dir.resolve("small").toString(), "--later-step", "3");
        assertEquals(1, other.exit(), other.toString());
        assertTrue(other.err().contains("other settings"), other.err());
    }

    /** Column "strength" of a --stats CSV, frames 1..n. */
    static double[] strengths(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
    }

    /** --hold-strength: with a small --blend the carried frames fade; with the hold they stay at 0.9x frame 1's strength; resuming without it is refused. */
    @Test
    void holdStrengthKeepsAFadingBlendAtTheFloor() throws Exception {
        Path clip = Clips.folder(dir.resolve("clip"), 6, W, H);
        Cli.Result faded = video(clip.toString(), "-o", dir.resolve("faded").toString(), "--blend", "0.3", "--stats", dir.resolve("faded.csv").toString());
        assertEquals(0, faded.exit(), faded.toString());
        Cli.Result held = video(clip.toString(), "-o", dir.resolve("held").toString(), "--blend", "0.3", "--hold-strength", "--stats", dir.resolve("held.csv").toString());
        assertEquals(0, held.exit(), held.toString());
        double[] f = strengths(dir.resolve("faded.csv")), h = strengths(dir.resolve("held.csv"));
        assertEquals(f[0], h[0], 0, "frame 1 is the same full dream");
        double floor = 0.9 * h[0];
        assertTrue(f[5] < 0.8 * floor, "without the hold the dream fades: frame 6 " + f[5] + ", floor " + floor);
        for (int n = 1; n < 6; n++)   // rounding to whole levels and clipping to 0..255 move it a little
            assertEquals(floor, h[n], 0.05 * floor, "frame " + (n + 1) + " is held at the floor");
        Cli.Result other = video(clip.toString(), "-o", dir.resolve("held").toString(), "--blend", "0.3");
        assertEquals(1, other.exit(), other.toString());
        assertTrue(other.err().contains("other settings"), other.err());
    }

    static double meanAbsDiff(Path a, Path b) throws Exception {
        float[] x = ImageFiles.read(a, Long.MAX_VALUE).data(), y = ImageFiles.read(b, Long.MAX_VALUE).data();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += Math.abs(x[i] - y[i]);
        return s / x.length;
    }

    /**
     * --anchor: a run started late (--from 3, as a segment starts) comes closer (measured 1.23 against 2.15 levels) to the run from frame 1 with the anchor than
     * without; frame 1 is the same full dream; resuming with another anchor is refused; a negative one is bad input.
     */
    @Test
    void anchorMakesALateStartConverge() throws Exception {
        Path clip = Clips.folder(dir.resolve("clip"), 8, W, H);
        double[] gap = new double[2];
        for (int k = 0; k < 2; k++) {
            String[] carry = k == 0 ? new String[0] : new String[]{"--anchor", "4"};
            Path full = dir.resolve("full" + k), late = dir.resolve("late" + k);
            List<String> a = new ArrayList<>(List.of(clip.toString(), "-o", full.toString()));
            a.addAll(List.of(carry));
            Cli.Result r = video(a.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            a.set(2, late.toString());
            a.addAll(List.of("--from", "3"));
            r = video(a.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            gap[k] = meanAbsDiff(VideoFiles.frameFile(full, 8), VideoFiles.frameFile(late, 8));
        }
        assertArrayEquals(ImageFiles.read(VideoFiles.frameFile(dir.resolve("full0"), 1), Long.MAX_VALUE).data(),
                ImageFiles.read(VideoFiles.frameFile(dir.resolve("full1"), 1), Long.MAX_VALUE).data(), "frame 1 is the full dream either way");
        assertTrue(gap[1] < 0.7 * gap[0], "frame 8 of a run from frame 3 against one from frame 1: with --anchor 4 " + gap[1] + ", without " + gap[0]);
        Cli.Result other = video(clip.toString(), "-o", dir.resolve("full1").toString(), "--anchor", "0.5");
        assertEquals(1, other.exit(), other.toString());
        assertTrue(other.err().contains("other settings"), other.err());
        Cli.Result bad = video(clip.toString(), "-o", dir.resolve("bad").toString(), "--anchor", "-1");
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--anchor must be 0 or more, got -1"), bad.err());
    }

    /** --segments without --blend, --hold-strength or --anchor carries with the measured setting; any of them typed keeps the user's. */
    @Test
    void segmentsCarryDefaultOnlyWhenNoCarryOptionIsGiven() {
        assertEquals(List.of("--blend", "0.9", "--hold-strength", "--anchor", "1"), VideoCommand.SEGMENT_CARRY);
        assertFalse(VideoCommand.givesCarryOptions(List.of("in.avi", "--octaves", "3", "--later-step", "1")));
        for (List<String> given : List.of(List.of("in.avi", "--blend", "1"), List.of("--blend=0.8", "in.avi"), List.of("in.avi", "--hold-strength"),
                List.of("in.avi", "--anchor", "0")))
            assertTrue(VideoCommand.givesCarryOptions(given), given.toString());
    }

    /** A run killed with SIGKILL mid-clip, then the same command again, ends with the frames of an uninterrupted run. */
    @Test
    void killedRunResumesToTheSameFrames() throws Exception {
        Path clip = Clips.folder(dir.resolve("clip"), 10, W, H);
        Path whole = dir.resolve("whole"), resumed = dir.resolve("resumed");
        Cli.Result r = video(clip.toString(), "-o", whole.toString());
        assertEquals(0, r.exit(), r.toString());

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args(clip.toString(), "-o", resumed.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (frames(resumed) < 3 && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(child.isAlive(), "the child must still be dreaming when it is killed: " + Files.readString(dir.resolve("child.log")));
        child.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook, no cleanup
        int before = frames(resumed);
        assertTrue(before >= 3 && before < 10, "killed after " + before + " frames");

        Cli.Result again = video(clip.toString(), "-o", resumed.toString());
        assertEquals(0, again.exit(), again.toString());
        assertFalse(again.err().contains("frame " + (before - 1) + "/10"), "frames already on disk are not dreamed again: " + again.err());
        for (int n = 1; n <= 10; n++)
            assertArrayEquals(ImageFiles.read(VideoFiles.frameFile(whole, n), Long.MAX_VALUE).data(),
                    ImageFiles.read(VideoFiles.frameFile(resumed, n), Long.MAX_VALUE).data(), "frame " + n);
        try (Stream<Path> s = Files.list(resumed)) {
            assertEquals(10, s.count(), "no temp files left");
        }
    }

    static int frames(Path d) throws Exception {
        if (!Files.isDirectory(d)) return 0;
        try (Stream<Path> s = Files.list(d)) {
            return (int) s.filter(p -> p.getFileName().toString().matches("\\d{6}\\.png")).count();
        }
    }

    @Test
    void fromToRestartAndSettingsCheck() throws Exception {
        Path clip = Clips.folder(dir.resolve("clip"), 5, W, H), out = dir.resolve("out");
        Cli.Result r = video(clip.toString(), "-o", out.toString(), "--from", "2", "--to", "3");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("000002.png", "000003.png"), names(out));
        Cli.Result other = video(clip.toString(), "-o", out.toString(), "--blend", "0.5");
        assertEquals(1, other.exit(), other.toString());
        assertTrue(other.err().contains("other settings") && other.err().contains("--restart"), other.err());
        Cli.Result restart = video(clip.toString(), "-o", out.toString(), "--blend", "0.5", "--restart");
        assertEquals(0, restart.exit(), restart.toString());
        assertEquals(5, names(out).size());
    }

    static List<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** mp4 in, mp4 out, through ffmpeg and through JCodec (ffmpeg "absent"): the input's frame count and size. */
    @Test
    void mp4InAndOutWithAndWithoutFfmpeg() throws Exception {
        assumeTrue(Clips.haveFfmpeg() || System.getenv("CI") == null, "");
        if (!Clips.haveFfmpeg()) {
            assertNull(System.getenv("CI"), "CI installs ffmpeg (.ci/run)");
            System.out.println("skipped: ffmpeg is not installed");
            return;
        }
        Path clip = Clips.mp4(Clips.folder(dir.resolve("clip"), 5, W, H), dir.resolve("clip.mp4"));
        Path viaFfmpeg = dir.resolve("ffmpeg.mp4");
        Cli.Result r = video(clip.toString(), "-o", viaFfmpeg.toString());
        assertEquals(0, r.exit(), r.toString());
        assertArrayEquals(new int[] {5, W, H}, Clips.probe(viaFfmpeg));
        assertFalse(Files.exists(dir.resolve("ffmpeg.mp4.frames")), "the frames folder goes once the video is written");

        System.setProperty(Ffmpeg.PROPERTY, "none");
        Path pure = dir.resolve("pure.mp4");
        Cli.Result p = video(clip.toString(), "-o", pure.toString());
        assertEquals(0, p.exit(), p.toString());
        assertTrue(p.err().contains("JCodec"), p.err());
        System.clearProperty(Ffmpeg.PROPERTY);
        assertArrayEquals(new int[] {5, W, H}, Clips.probe(pure));

        System.setProperty(Ffmpeg.PROPERTY, "none");
        Path avi = dir.resolve("clip.avi");
        Files.copy(clip, avi);
        Cli.Result noFfmpeg = video(avi.toString(), "-o", dir.resolve("x.mp4").toString());
        assertEquals(1, noFfmpeg.exit());
        assertTrue(noFfmpeg.err().contains("without ffmpeg") && noFfmpeg.err().contains("Install ffmpeg"), noFfmpeg.err());
        Cli.Result gif = video(clip.toString(), "-o", dir.resolve("x.gif").toString());
        assertEquals(1, gif.exit());
        assertTrue(gif.err().contains("ffmpeg"), gif.err());
    }

    /** Each bad input: exit 1, one message without a stack trace, no output that looks complete. */
    @Test
    void badInputsFailWithOneMessageAndNoOutput() throws Exception {
        Path clip = Clips.folder(dir.resolve("clip"), 3, W, H);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path mixed = Clips.folder(dir.resolve("mixed"), 2, W, H);
        ImageWriter.write(VideoFiles.frameFile(mixed, 3), new PlanarImage(3, H + 2, W), Map.of());
        Path garbage = dir.resolve("broken.mp4");
        Files.write(garbage, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 1, 2, 3, 4, 5, 6, 7, 8, 9});
        Path unknown = dir.resolve("clip.xyz");
        Files.write(unknown, new byte[] {1, 2, 3});
        Path aFile = Files.writeString(dir.resolve("plain.txt"), "x");
        String[][] cases = {
                {empty.toString(), dir.resolve("o1").toString(), "no PNG or JPEG frames"},
                {mixed.toString(), dir.resolve("o2").toString(), "every frame of a clip must have one size"},
                {garbage.toString(), dir.resolve("o3").toString(), "cannot read the video"},
                {unknown.toString(), dir.resolve("o4").toString(), ".xyz"},
                {clip.toString(), dir.resolve("o5.xyz").toString(), "not an output format"},
                {clip.toString(), aFile.resolve("sub").toString(), "cannot write"},
                {dir.resolve("missing").toString(), dir.resolve("o6").toString(), "input not found"},
        };
        for (String[] c : cases) {
            Cli.Result r = video(c[0], "-o", c[1]);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains(c[2]), "expected '" + c[2] + "': " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertTrue(frames(Path.of(c[1])) == 0, "nothing written for " + c[0]);
        }
        System.setProperty(Ffmpeg.PROPERTY, "none");
        Cli.Result pure = video(garbage.toString(), "-o", dir.resolve("o7").toString());
        assertEquals(1, pure.exit(), pure.toString());
        assertTrue(pure.err().contains("cannot read the video") && pure.err().contains("ffmpeg"), pure.err());
    }
}
