package deepdream.cli;

import deepdream.cli.io.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Every bad input: one clear message, exit code 1, no stack trace (unless --verbose), no output left behind. */
class BadInputTest {
    @TempDir Path dir;
    TinyModelFiles tiny;
    Path out, image;

    @BeforeEach
    void setUp() throws Exception {
        tiny = new TinyModelFiles(dir);
        out = dir.resolve("out");
        image = TestImages.write(dir.resolve("ok.png"), TestImages.rgb(11, 13), "png");
    }

    @AfterEach
    void clearProperties() {
        System.clearProperty("deepdream.ignoreEnv");
        System.clearProperty("deepdream.cache");
    }

    /** Runs, checks the failure contract, returns stderr. */
    String fails(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("deepdream: error: "), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose:\n" + r);
        assertTrue(r.out().isEmpty(), r.toString());
        assertFalse(Files.exists(out), "no output may be left behind: " + out);
        return r.err();
    }

    String probe(String... extra) {
        String[] base = tiny.args("probe", "--input", image.toString(), "--layer", "cat", "--out", out.toString());
        String[] all = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return fails(all);
    }

    @Test
    void truncatedCaffemodel() throws Exception {
        byte[] w = Files.readAllBytes(tiny.weights);
        Files.write(tiny.weights, Arrays.copyOf(w, w.length / 2));
        String err = probe();
        assertTrue(err.contains("tiny.caffemodel") && err.contains("not a valid Caffe model"), err);
    }

    @Test
    void randomBytesCaffemodel() throws Exception {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        Files.write(tiny.weights, junk);
        String err = probe();
        assertTrue(err.contains("tiny.caffemodel") && (err.contains("not a valid Caffe model") || err.contains("not a Caffe model")), err);
    }

    @Test
    void verboseShowsTheStackTrace() throws Exception {
        Files.write(tiny.weights, new byte[] {1, 2, 3});
        Cli.Result r = Cli.run(tiny.args("classify", image.toString(), "--verbose"));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("\tat "), r.toString());
    }

    @Test
    void prototxtSyntaxError() throws Exception {
        Files.writeString(tiny.prototxt, "name: \"tiny\"\nlayer {\n  name: \"data\" type: \"Input\" top: \"data\"\n  input_param { shape { dim: 1 dim: 3 dim: 13 dim 11 } }\n}\n");
        String err = probe();
        assertTrue(err.contains("tiny.prototxt") && err.contains("line 4, column"), err);
    }

    @Test
    void unsupportedLayerType() throws Exception {
        Files.writeString(tiny.prototxt, Files.readString(tiny.prototxt) + "\nlayer { name: \"bn\" type: \"BatchNorm\" bottom: \"fc\" top: \"fc\" }\n");
        String err = probe();
        assertTrue(err.contains("'bn'") && err.contains("'BatchNorm'"), err);
    }

    @Test
    void weightsOfAnotherNet() throws Exception {
        Files.writeString(tiny.prototxt, Files.readString(tiny.prototxt).replace("num_output: 5", "num_output: 6"));
        String err = probe();
        assertTrue(err.contains("layer 'fc'") && err.contains("5×20") && err.contains("6×20"), err);
    }

    @Test
    void textFileAsImage() throws Exception {
        Path text = Files.writeString(dir.resolve("photo.jpg"), "this is not a photo\n");
        String err = fails(tiny.args("classify", text.toString()));
        assertTrue(err.contains("photo.jpg") && err.contains("not an image"), err);
        image = text;
        assertTrue(probe().contains("not an image"));
    }

    @Test
    void truncatedJpeg() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.rgb(64, 64), "jpg");
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        String err = fails(tiny.args("classify", cut.toString()));
        assertTrue(err.contains("cut.jpg") && (err.contains("truncated") || err.contains("damaged")), err);
        image = cut;
        probe();
    }

    @Test
    void absurdImageDimensions() throws Exception {
        Path huge = Files.write(dir.resolve("huge.png"), TestImages.pngHeaderOnly(300_000, 300_000));
        String err = fails(tiny.args("classify", huge.toString()));
        assertTrue(err.contains("300000x300000") && err.contains("--max-pixels") && err.contains("100000000"), err);
        image = huge;
        String lower = probe("--max-pixels", "1000");
        assertTrue(lower.contains("limit of 1000 pixels"), lower);
    }

    @Test
    void unknownLayerSuggestsClosestNames() {
        String[] args = tiny.args("probe", "--input", image.toString(), "--layer", "conv11", "--out", out.toString());
        String err = fails(args);
        assertTrue(err.contains("unknown layer 'conv11'") && err.contains("did you mean conv1"), err);
    }

    @Test
    void npyOfTheWrongShape() throws Exception {
        Path npy = dir.resolve("x.npy");
        deepdream.cli.io.Npy.write(npy, new int[] {1, 4, 13, 11}, new float[4 * 13 * 11]);
        image = npy;
        String err = probe();
        assertTrue(err.contains("1x4x13x11") && err.contains("1x3xHxW"), err);
    }

    @Test
    void inputTooSmallForTheNet() throws Exception {
        image = TestImages.write(dir.resolve("tiny.png"), TestImages.rgb(2, 2), "png");
        String err = probe();
        assertTrue(err.contains("cannot run on input 1x3x2x2"), err);
    }

    @Test
    void missingFiles() {
        assertTrue(fails(tiny.args("classify", dir.resolve("nope.jpg").toString())).contains("image not found: " + dir.resolve("nope.jpg")));
        assertTrue(fails("classify", image.toString(), "--weights", dir.resolve("nope.caffemodel").toString(), "--backend", "reference")
                .contains("weights file not found: " + dir.resolve("nope.caffemodel")));
        assertTrue(fails("classify", image.toString(), "--model", dir.resolve("nope.prototxt").toString(), "--weights", tiny.weights.toString())
                .contains("prototxt file not found: " + dir.resolve("nope.prototxt")));
        image = dir.resolve("nope.npy");
        assertTrue(probe().contains("file not found: " + image));
        assertTrue(fails(tiny.args("classify", this.out.getParent().resolve("ok.png").toString(), "--labels", dir.resolve("nope.txt").toString()))
                .contains("label file not found"));
    }

    @Test
    void noWeightsAnywhereSaysHowToGetThem() {
        System.setProperty("deepdream.ignoreEnv", "true");
        System.setProperty("deepdream.cache", dir.resolve("cache").toString());
        String err = fails("classify", image.toString(), "--backend", "reference");
        assertTrue(err.contains("./deepdream models fetch bvlc_googlenet") && err.contains("DEEPDREAM_WEIGHTS") && err.contains("--weights"), err);
    }

    @Test
    void unknownBackend() {
        String err = fails("classify", image.toString(), "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(), "--backend", "quantum");
        assertTrue(err.contains("unknown backend 'quantum'"), err);
    }

    @Test
    void outIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Cli.Result r = Cli.run(tiny.args("probe", "--input", image.toString(), "--layer", "cat", "--out", file.toString()));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("not a directory"), r.toString());
        assertEquals("x", Files.readString(file));
    }
}
