package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** models convert: Caffe → ONNX, and dreaming with the ONNX file gives the same pixels as with the caffemodel. */
class ConvertCommandTest {
    @TempDir Path dir;

    @Test
    void tinyNetConvertsAndDreamsTheSame() throws Exception {
        TinyModelFiles tiny = new TinyModelFiles(dir);
        Path onnx = dir.resolve("tiny.onnx");
        Cli.Result r = Cli.run("models", "convert", tiny.weights.toString(), "--prototxt", tiny.prototxt.toString(), "-o", onnx.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        assertTrue(r.out().startsWith(onnx + ": ") && r.out().contains(Files.size(onnx) + " bytes") && r.out().contains("13 nodes"), r.out());
        try (var files = Files.list(dir)) { assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temp file left"); }

        List<String> common = List.of("--size", "40x36", "--seed", "5", "--octaves", "2", "--iterations", "3", "--layer", "cat",
                "--backend", "reference");
        Path fromCaffe = dir.resolve("caffe.png"), fromOnnx = dir.resolve("onnx.png");
        dreamOk(common, "-o", fromCaffe.toString(), "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString());
        dreamOk(common, "-o", fromOnnx.toString(), "--model", onnx.toString());
        assertSamePixels(fromCaffe, fromOnnx);
    }

    @Test
    void badInputsAreOneClearMessage() throws Exception {
        TinyModelFiles tiny = new TinyModelFiles(dir);
        String out = dir.resolve("x.onnx").toString();
        expectError("do not exist", "models", "convert", dir.resolve("missing.caffemodel").toString(), "-o", out);
        expectError("reads Caffe weights (a .caffemodel)", "models", "convert", tiny.prototxt.toString(), "-o", out);
        expectError("must end in .onnx", "models", "convert", tiny.weights.toString(), "--prototxt", tiny.prototxt.toString(), "-o", dir.resolve("x.bin").toString());
        expectError("not the weights file of a known model", "models", "convert", tiny.weights.toString(), "-o", out);
        Path junk = dir.resolve("junk.caffemodel");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5});
        expectError("", "models", "convert", junk.toString(), "--prototxt", tiny.prototxt.toString(), "-o", out);
        assertFalse(Files.exists(Path.of(out)), "nothing written on error");
    }

    /** The real GoogLeNet: the bundled prototxt is found by the weights' name; the converted file dreams the same pixels. */
    @Test
    void realGoogLeNetDreamsTheSamePixels() throws Exception {
        Path weights = RealWeights.weightsOrSkip();
        Path input = weights;
        if (!weights.getFileName().toString().equals("bvlc_googlenet.caffemodel")) {   // the catalog finds the architecture by this name
            input = dir.resolve("bvlc_googlenet.caffemodel");
            Files.createSymbolicLink(input, weights.toAbsolutePath());
        }
        Path onnx = dir.resolve("bvlc_googlenet.onnx");
        Cli.Result r = Cli.run("models", "convert", input.toString(), "-o", onnx.toString());
        assertEquals(0, r.exit(), r.toString());
        System.out.println("models convert: " + r.out().strip());
        assertTrue(r.out().contains(" nodes"), r.out());
        OnnxCheck.check(onnx);

        List<String> common = List.of("--size", "96x96", "--seed", "2", "--octaves", "1", "--iterations", "2", "--layer", "inception_4c/output",
                "--backend", "cpu", "--threads", "2");
        Path fromCaffe = dir.resolve("caffe.png"), fromOnnx = dir.resolve("onnx.png");
        dreamOk(common, "-o", fromCaffe.toString(), "--weights", weights.toString());
        dreamOk(common, "-o", fromOnnx.toString(), "--model", onnx.toString());
        assertSamePixels(fromCaffe, fromOnnx);
    }

    static void dreamOk(List<String> common, String... rest) {
        List<String> args = new ArrayList<>(List.of("dream"));
        args.addAll(common);
        args.addAll(List.of(rest));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
    }

    static void assertSamePixels(Path a, Path b) {
        var x = ImageFiles.read(a, Long.MAX_VALUE);
        var y = ImageFiles.read(b, Long.MAX_VALUE);
        assertEquals(x.width(), y.width());
        assertEquals(x.height(), y.height());
        assertArrayEquals(x.data(), y.data(), "the ONNX file dreams the caffemodel's pixels");
    }

    static void expectError(String message, String... args) {
        Cli.Result r = Cli.run(args);
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains(message), r.toString());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace without --verbose:\n" + r.err());
    }

    /** onnx.checker on the file where /usr/bin/python3 has onnx; in CI its absence fails. */
    static final class OnnxCheck {
        static void check(Path model) throws Exception {
            Path python = Path.of("/usr/bin/python3");
            boolean have = Files.isExecutable(python) && run(python.toString(), "-c", "import onnx").exitValue() == 0;
            if (!have) {
                String why = "/usr/bin/python3 with onnx is needed to check the converted file";
                if (System.getenv("CI") != null) throw new AssertionError(why);
                System.out.println("SKIPPED onnx.checker: " + why);
                return;
            }
            Process p = new ProcessBuilder(python.toString(), "-c",
                    "import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True); print('onnx.checker ok')", model.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), "onnx.checker rejects " + model + ":\n" + out);
        }

        private static Process run(String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            return p;
        }
    }
}
