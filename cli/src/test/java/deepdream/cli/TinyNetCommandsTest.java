package deepdream.cli;

import deepdream.cli.io.Npy;
import deepdream.cli.io.TestImages;
import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.kernels.Backends;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** layers, classify and probe on the tiny random net: formats, shapes and the gradient itself. */
class TinyNetCommandsTest {
    @TempDir Path dir;
    TinyModelFiles tiny;
    Path image;

    @BeforeEach
    void setUp() throws Exception {
        tiny = new TinyModelFiles(dir);
        image = TestImages.write(dir.resolve("img.png"), TestImages.rgb(17, 15), "png");
    }

    @Test
    void layersListsEveryBlobWithItsShape() {
        Cli.Result r = Cli.run("layers", "--model", tiny.prototxt.toString());
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals(10, lines.length, r.out());   // data conv1 pool1 norm1 b1 b2 cat pool2 fc prob: in-place layers add no name
        assertTrue(lines[0].matches("data\\s+1x3x13x11"), lines[0]);
        assertTrue(r.out().contains("\ncat ") && r.out().matches("(?s).*cat\\s+1x5x3x3.*"), r.out());
        Cli.Result big = Cli.run("layers", "--model", tiny.prototxt.toString(), "--size", "21x25");
        assertTrue(big.out().matches("(?s).*conv1\\s+1x4x13x11.*"), big.out());
        assertTrue(big.out().matches("(?s).*fc\\s+n/a.*"), big.out());   // the classifier only fits the declared size
        assertTrue(big.err().contains("not computable at 21x25: fc, prob"), big.err());
        Cli.Result bad = Cli.run("layers", "--size", "224");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("WIDTHxHEIGHT"), bad.err());
    }

    @Test
    void bundledModelLayersNeedNoWeights() {
        System.setProperty("deepdream.ignoreEnv", "true");
        try {
            Cli.Result r = Cli.run("layers");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().matches("(?s).*\ninception_4c/output\\s+1x512x14x14\n.*"), r.out());
            assertTrue(r.out().matches("(?s).*\npool5/7x7_s1\\s+1x1024x1x1\n.*"), r.out());
            assertTrue(r.out().matches("(?s).*\nprob\\s+1x1000\n?$"), r.out());
        } finally {
            System.clearProperty("deepdream.ignoreEnv");
        }
    }

    @Test
    void classifyPrintsProbabilityAndLabelBestFirst() throws Exception {
        Cli.Result r = Cli.run(tiny.args("classify", image.toString(), "--top", "3"));
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length);
        double prev = 2;
        for (String l : lines) {
            assertTrue(l.matches("[01]\\.\\d{4} n\\d (zero|one|two|three|four)"), l);
            double p = Double.parseDouble(l.split(" ")[0]);
            assertTrue(p <= prev);
            prev = p;
        }
        // Without labels: class indices, and a note on stderr.
        Files.delete(tiny.labels);
        Cli.Result noLabels = Cli.run(tiny.args("classify", image.toString(), "--top", "9"));
        assertEquals(0, noLabels.exit(), noLabels.toString());
        String[] idx = noLabels.out().strip().split("\n");
        assertEquals(5, idx.length);   // only 5 classes
        for (String l : idx) assertTrue(l.matches("[01]\\.\\d{4} [0-4]"), l);
        assertTrue(noLabels.err().contains("class indices"));
    }

    @Test
    void probeWritesActivationAndGradientThatMatchCentralDifferences() throws Exception {
        int[] shape = {1, 3, 13, 11};
        Random rnd = new Random(5);
        float[] x = new float[3 * 13 * 11];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 50);
        Path in = dir.resolve("x.npy"), out = dir.resolve("probe");
        Npy.write(in, shape, x);
        Cli.Result r = Cli.run(tiny.args("probe", "--input", in.toString(), "--layer", "cat", "--out", out.toString()));
        assertEquals(0, r.exit(), r.toString());
        Npy.Array act = Npy.read(out.resolve("activation.npy")), grad = Npy.read(out.resolve("input_grad.npy"));
        assertArrayEquals(new int[] {1, 5, 3, 3}, act.shape());
        assertArrayEquals(shape, grad.shape());
        try (var files = Files.list(out)) { assertEquals(2, files.count(), "only the two .npy files, no temp files"); }

        NetDef def = CaffeImporter.load(tiny.prototxt, tiny.weights);
        assertEquals(objective(def, x), 0.5 * sumSq(act.data()), 1e-9 * objective(def, x));
        // Central differences of 0.5·Σ act² in double precision on random inputs.
        double h = 0.05;
        for (int t = 0; t < 20; t++) {
            int i = rnd.nextInt(x.length);
            float[] plus = x.clone(), minus = x.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double numeric = (objective(def, plus) - objective(def, minus)) / (2 * h);
            double analytic = grad.data()[i];
            assertEquals(numeric, analytic, 1e-2 * Math.max(1, Math.abs(numeric)), "input " + i);
        }
    }

    static double objective(NetDef def, float[] x) {
        try (Backend b = Backends.create("reference"); Net net = Net.build(def, b); Tape tape = Tape.noGrad(b)) {
            Tensor t = b.upload(x, 1, 3, 13, 11);
            double s = 0.5 * sumSq(net.forward(tape, tape.leaf(t, false), "cat").value().toHost());
            t.release();
            return s;
        }
    }

    static double sumSq(float[] a) {
        double s = 0;
        for (float v : a) s += (double) v * v;
        return s;
    }
}
