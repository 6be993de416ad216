package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.io.Npy;
import deepdream.cli.io.TestImages;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.CaffeImporter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** 'deepdream dream' end to end on the tiny random net (blob "cat"): files, seeds, the step rule, metadata, errors. */
class DreamCommandTest {
    @TempDir Path dir;
    TinyModelFiles tiny;
    Path photo;

    @BeforeEach
    void setUp() throws Exception {
        tiny = new TinyModelFiles(dir);
        BufferedImage img = TestImages.rgb(61, 47);
        Random r = new Random(1);
        for (int y = 0; y < 47; y++)
            for (int x = 0; x < 61; x++) if (r.nextInt(9) == 0) img.setRGB(x, y, r.nextInt(1 << 24));   // some texture
        photo = TestImages.write(dir.resolve("photo.png"), img, "png");
    }

    /** dream on the tiny net with the cpu backend (multi-threaded: determinism must hold there too); rest overrides the defaults. */
    Cli.Result dream(String... rest) {
        List<String> given = Arrays.asList(rest);
        List<String> args = new java.util.ArrayList<>(List.of("dream", "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(),
                "--backend", "cpu", "--threads", "2"));
        String[][] defaults = {{"--layer", "cat"}, {"--octaves", "2"}, {"--iterations", "3"}, {"--jitter", "4"}};
        for (String[] d : defaults) if (!given.contains(d[0])) args.addAll(List.of(d));
        args.addAll(given);
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void sameCommandGivesIdenticalFilesAndAnotherSeedAnotherDream() throws Exception {
        Path a = dir.resolve("a.png"), c = dir.resolve("c.png");
        assertEquals(0, dream(photo.toString(), "-o", a.toString(), "--seed", "7").exit());
        byte[] first = Files.readAllBytes(a);
        assertEquals(0, dream(photo.toString(), "-o", a.toString(), "--seed", "7").exit());
        assertArrayEquals(first, Files.readAllBytes(a), "same command, same bytes");
        Cli.Result other = dream(photo.toString(), "-o", c.toString(), "--seed", "8");
        assertEquals(0, other.exit(), other.toString());
        assertFalse(Arrays.equals(pixels(a), pixels(c)), "another seed, another dream");
        assertTrue(other.out().contains("wrote " + c + " (61x47)"), other.out());
    }

    /**
     * --octaves 1 --iterations 1 --jitter 0 is the step rule applied once: x + 1.5/mean|g|·g, clipped
     * to [−mean, 255 − mean], with g from 'probe' (an independent path to the same gradient).
     */
    @Test
    void oneStepWithoutJitterIsTheStepRule() throws Exception {
        Path out = dir.resolve("one.png");
        Cli.Result r = dream(photo.toString(), "-o", out.toString(), "--octaves", "1", "--iterations", "1", "--jitter", "0", "--seed", "1");
        assertEquals(0, r.exit(), r.toString());

        NetDef def = CaffeImporter.load(tiny.prototxt, tiny.weights);
        PlanarImage x = Preprocess.toNet(ImageFiles.read(photo, Long.MAX_VALUE), def.meanBgr());
        BackendOptions ref = new BackendOptions();
        ref.backend = "reference";
        float[] g = ProbeCommand.probe(def, new Npy.Array(x.nchw(), x.data()), "cat", ref).inputGrad();
        double meanAbs = 0;
        for (float v : g) meanAbs += Math.abs(v);
        meanAbs /= g.length;
        int plane = x.height() * x.width();
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            float m = def.meanBgr()[i / plane];
            d[i] = (float) Math.min(255 - m, Math.max(-m, d[i] + 1.5 / meanAbs * g[i]));
        }
        PlanarImage expected = Preprocess.fromNet(x, def.meanBgr());
        PlanarImage actual = ImageFiles.read(out, Long.MAX_VALUE);
        PlanarImage before = ImageFiles.read(photo, Long.MAX_VALUE);
        double worst = 0, moved = 0;
        for (int i = 0; i < actual.data().length; i++) {
            worst = Math.max(worst, Math.abs(actual.data()[i] - expected.data()[i]));
            moved += Math.abs(actual.data()[i] - before.data()[i]);
        }
        assertTrue(worst <= 1, "largest difference from the step rule: " + worst + " gray levels");
        assertTrue(moved / actual.data().length > 0.5, "the step changed the image: mean |change| " + moved / actual.data().length);
    }

    @Test
    void pngRecordsEveryParameterAndTheSeed() throws Exception {
        Path out = dir.resolve("meta.png");
        Cli.Result r = dream(photo.toString(), "-o", out.toString(), "--step", "2.5", "--layer", "cat:0.5", "--layer", "b1");
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("seed (\\d+) \\(pass --seed \\d+ to repeat").matcher(r.err());
        assertTrue(m.find(), "a drawn seed is printed: " + r.err());
        Map<String, String> text = ImageWriter.readText(out);
        assertEquals(m.group(1), text.get("deepdream.seed"));
        assertEquals("cat:0.5 b1:1", text.get("deepdream.layers"));
        assertEquals("3", text.get("deepdream.iterations"));
        assertEquals("2", text.get("deepdream.octaves"));
        assertEquals("1.4", text.get("deepdream.octave-scale"));
        assertEquals("2.5", text.get("deepdream.step"));
        assertEquals("4", text.get("deepdream.jitter"));
        assertEquals("cpu", text.get("deepdream.backend"));
        assertEquals("L2", text.get("deepdream.objective"));
        String command = text.get("deepdream.command");
        assertTrue(command.startsWith("deepdream dream " + photo + " -o " + out) && command.contains("--layer cat:0.5 --layer b1 ")
                && command.contains("--seed " + m.group(1)), command);

        // The recorded command repeats the dream byte for byte.
        Path again = dir.resolve("again.png");
        List<String> args = new java.util.ArrayList<>(Arrays.asList(command.replace(out.toString(), again.toString()).split(" ")));
        args.remove(0);   // "deepdream"
        args.addAll(List.of("--weights", tiny.weights.toString(), "--threads", "2"));
        Cli.Result rerun = Cli.run(args.toArray(String[]::new));
        assertEquals(0, rerun.exit(), rerun.toString());
        assertArrayEquals(pixels(out), pixels(again));
    }

    static int[] pixels(Path png) throws Exception {
        BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void withoutInputDreamsOnGeneratedClouds() {
        Path out = dir.resolve("clouds.png");
        Cli.Result r = dream("-o", out.toString(), "--size", "64x48", "--seed", "3");
        assertEquals(0, r.exit(), r.toString());
        PlanarImage img = ImageFiles.read(out, Long.MAX_VALUE);
        assertEquals(64, img.width());
        assertEquals(48, img.height());
        assertEquals("generated clouds 64x48", ImageWriter.readText(out).get("deepdream.input"));
    }

    @Test
    void zoomFramesAreNumbered() throws Exception {
        Path out = dir.resolve("zoom.png");
        Cli.Result r = dream(photo.toString(), "-o", out.toString(), "--frames", "3", "--zoom", "1.1", "--seed", "2", "--iterations", "1");
        assertEquals(0, r.exit(), r.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("zoom-0001.png", "zoom-0002.png", "zoom-0003.png"),
                    files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("zoom")).sorted().toList());
        }
        assertFalse(Arrays.equals(pixels(dir.resolve("zoom-0001.png")), pixels(dir.resolve("zoom-0002.png"))));
        assertEquals("2/3 zoom 1.1", ImageWriter.readText(dir.resolve("zoom-0002.png")).get("deepdream.frame"));
    }

    @Test
    void jpegOutputAndMaxSize() {
        Path out = dir.resolve("small.jpg");
        Cli.Result r = dream(photo.toString(), "-o", out.toString(), "--max-size", "30", "--seed", "1", "--octaves", "1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("resized the input from 61x47 to 30x23 (--max-size 30)"), r.err());
        PlanarImage img = ImageFiles.read(out, Long.MAX_VALUE);
        assertEquals(30, img.width());
        assertEquals(23, img.height());
    }

    @Test
    void guideAndChannelObjectivesChangeTheDreamAndAreRecorded() throws Exception {
        Path plain = dir.resolve("plain.png"), guided = dir.resolve("guided.png"), channel = dir.resolve("channel.png");
        Path guide = TestImages.write(dir.resolve("guide.png"), TestImages.rgb(40, 30), "png");
        assertEquals(0, dream(photo.toString(), "-o", plain.toString(), "--seed", "4").exit());
        Cli.Result g = dream(photo.toString(), "-o", guided.toString(), "--seed", "4", "--guide", guide.toString());
        assertEquals(0, g.exit(), g.toString());
        Cli.Result c = dream(photo.toString(), "-o", channel.toString(), "--seed", "4", "--channel", "2");
        assertEquals(0, c.exit(), c.toString());
        assertEquals("guide " + guide, ImageWriter.readText(guided).get("deepdream.objective"));
        assertEquals("channel 2", ImageWriter.readText(channel).get("deepdream.objective"));
        assertFalse(Arrays.equals(pixels(plain), pixels(guided)), "the guide steers the dream");
        assertFalse(Arrays.equals(pixels(plain), pixels(channel)), "one channel is another objective");
    }

    @Test
    void tiledDreamSaysSoAndWorks() {
        Path out = dir.resolve("tiled.png");
        Cli.Result r = dream(photo.toString(), "-o", out.toString(), "--tile", "32", "--tile-margin", "32", "--seed", "1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("computing the gradient in 32x32 tiles with 32-pixel margins"), r.err());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void badInputsFailWithOneMessageAndNoOutput() {
        record Case(String expected, String[] args) {}
        Path out = dir.resolve("never.png");
        List<Case> cases = List.of(
                new Case("name the output .png or .jpg", new String[] {photo.toString(), "-o", dir.resolve("x.bmp").toString()}),
                new Case("unknown layer 'catt'; did you mean cat", new String[] {photo.toString(), "-o", out.toString(), "--layer", "catt"}),
                new Case("the weight after ':' must be a number", new String[] {photo.toString(), "-o", out.toString(), "--layer", "cat:heavy"}),
                new Case("too small for 9 octaves", new String[] {photo.toString(), "-o", out.toString(), "--octaves", "9", "--force"}),
                new Case("iterations must be at least 1", new String[] {photo.toString(), "-o", out.toString(), "--iterations", "0"}),
                new Case("channel 99 is out of range", new String[] {photo.toString(), "-o", out.toString(), "--channel", "99"}),
                new Case("image not found", new String[] {dir.resolve("missing.jpg").toString(), "-o", out.toString()}),
                new Case("--size 64: expected WIDTHxHEIGHT", new String[] {"-o", out.toString(), "--size", "64"}));
        for (Case c : cases) {
            Cli.Result r = dream(c.args());
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().toLowerCase().contains(c.expected().toLowerCase()), c.expected() + " in: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertFalse(Files.exists(out) || Files.exists(dir.resolve("x.bmp")), "no output for " + c.expected());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The photo decodes while the weights load (on two threads): with both bad, the photo's error is the one reported, as before. */
    @Test
    void aBadPhotoIsReportedBeforeBadWeights() {
        Path out = dir.resolve("never.png");
        Cli.Result both = Cli.run("dream", "--model", tiny.prototxt.toString(), "--weights", dir.resolve("missing.caffemodel").toString(),
                "--backend", "cpu", dir.resolve("missing.jpg").toString(), "-o", out.toString());
        assertEquals(1, both.exit(), both.toString());
        assertTrue(both.err().toLowerCase().contains("image not found"), both.err());
        assertFalse(both.err().contains("missing.caffemodel"), both.err());
        Cli.Result weights = Cli.run("dream", "--model", tiny.prototxt.toString(), "--weights", dir.resolve("missing.caffemodel").toString(),
                "--backend", "cpu", photo.toString(), "-o", out.toString());
        assertEquals(1, weights.exit(), weights.toString());
        assertTrue(weights.err().contains("missing.caffemodel"), weights.err());
        assertFalse(weights.err().contains("\tat "), "no stack trace: " + weights.err());
        assertFalse(Files.exists(out));
    }
}
