package deepdream.importers.onnx;

import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.engine.model.Preprocessing;
import deepdream.importers.ModelFormatException;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.caffe.RealWeights;
import deepdream.importers.caffe.TinyNets;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.onnx.proto.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Caffe NetDef → ONNX file → {@link OnnxImporter} gives the identical NetDef (layer by layer, weights
 * bit for bit), and the file is valid ONNX by onnx.checker where /usr/bin/python3 has onnx.
 */
class OnnxExporterTest {
    @TempDir Path dir;

    static final Path ROOT = RealWeights.repoRoot();

    @Test
    void oneConvRoundTrips() throws Exception {
        NetDef caffe = CaffeImporter.load(ROOT.resolve("test-data/one-conv.prototxt"), ROOT.resolve("test-data/one-conv.caffemodel"));
        NetDef back = roundTrip(caffe, "one-conv.onnx");
        assertSameNet(caffe, back);
    }

    /** TinyNets: conv + in-place ReLU, ceil-overhang max pool, LRN, grouped conv, concat, ave pool, in-place dropout, IP, softmax. */
    @Test
    void tinyCaffeNetRoundTrips() throws Exception {
        NetDef caffe = CaffeImporter.load(TinyNets.deployText(), TinyNets.snapshotV2(TinyNets.randomWeights(42)).toByteArray());
        NetDef back = roundTrip(caffe, "tiny.onnx");
        assertSameNet(caffe, back);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("tiny.onnx")));
        assertEquals(OnnxExporter.OPSET, m.getOpsetImport(0).getVersion());
        // The in-place conv1 → relu1: the conv writes conv1#1, the ReLU the name itself.
        NodeProto conv1 = node(m, "conv1"), relu1 = node(m, "relu1");
        assertEquals("conv1#1", conv1.getOutput(0));
        assertEquals(List.of("conv1#1"), relu1.getInputList());
        assertEquals("conv1", relu1.getOutput(0));
        checkWithOnnx(dir.resolve("tiny.onnx"));
    }

    /** Every layer kind and the geometry Caffe files never have: asymmetric pads, dilation, FLOOR pools, Add, LeakyRelu, Clip. */
    @Test
    void everyKindRoundTrips() throws Exception {
        NetDef net = everyKind();
        NetDef back = roundTrip(net, "every.onnx");
        assertSameNet(net, back);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("every.onnx")));
        List<String> ops = m.getGraph().getNodeList().stream().map(NodeProto::getOpType).distinct().sorted().toList();
        assertEquals(List.of("Add", "AveragePool", "Clip", "Concat", "Conv", "Dropout", "Flatten", "Gemm", "LRN", "LeakyRelu", "MaxPool", "Relu", "Softmax"), ops);
        checkWithOnnx(dir.resolve("every.onnx"));
    }

    /** A net without Caffe's rules (as the ONNX importer makes them: CEIL pools not counting padding) stays that way. */
    @Test
    void onnxStylePoolsRoundTrip() throws Exception {
        Random r = new Random(3);
        List<LayerDef> layers = List.of(
                new LayerDef("c", new LayerSpec.Convolution(ConvSpec.square(3, 1, 1)), List.of("x"), "c", List.of(blob(r, 4, 2, 3, 3))),
                new LayerDef("mp", new LayerSpec.Pooling(new PoolSpec(PoolSpec.Method.MAX, 3, 3, 2, 2, 1, 1, 1, 1, PoolSpec.Rounding.CEIL, false)), List.of("c"), "mp"),
                new LayerDef("ap", new LayerSpec.Pooling(new PoolSpec(PoolSpec.Method.AVE, 2, 2, 2, 2, 1, 0, 0, 1, PoolSpec.Rounding.CEIL, false)), List.of("mp"), "ap"));
        NetDef net = new NetDef("onnx-style", "x", new int[] {1, 2, 9, 8}, layers, OnnxImporter.TORCHVISION);
        Path f = dir.resolve("onnx-style.onnx");
        OnnxExporter.write(net, f);
        // read, not load: load would fold the RGB mean/std into the first convolution
        NetDef back = OnnxImporter.read(f, Preprocessing.caffe(new float[] {1, 2, 3}, 5, 5));
        assertSameNet(net, back);
        assertFalse(OnnxMetadata.caffe(OnnxMetadata.of(ModelProto.parseFrom(Files.readAllBytes(f)))), "no Caffe mark");
        checkWithOnnx(f);
    }

    @Test
    void aPoolOnnxCannotExpressIsAClearError() {
        List<LayerDef> layers = List.of(new LayerDef("sparse_pool", new LayerSpec.Pooling(PoolSpec.max(2, 3, 0)), List.of("data"), "p"));
        NetDef net = new NetDef("n", "data", new int[] {1, 1, 8, 8}, layers, CaffeImporter.imagenetMeanBgr());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxExporter.export(net));
        assertTrue(e.getMessage().contains("layer 'sparse_pool'") && e.getMessage().contains("ceil_mode cannot express"), e.getMessage());
    }

    /** The real GoogLeNet: identical NetDef, and the checker passes (full_check: with shape inference). */
    @Test
    void realGoogLeNetRoundTrips() throws Exception {
        NetDef caffe = CaffeImporter.loadDefault(RealWeights.weightsOrSkip());
        NetDef back = roundTrip(caffe, "bvlc_googlenet.onnx");
        assertSameNet(caffe, back);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("bvlc_googlenet.onnx")));
        assertTrue(m.getGraph().getNodeList().stream().anyMatch(n -> n.getOutput(0).equals("inception_4c/output")));
        assertEquals("prob", m.getGraph().getOutput(0).getName());
        checkWithOnnx(dir.resolve("bvlc_googlenet.onnx"));
    }

    // ---- helpers ----

    NetDef roundTrip(NetDef net, String file) throws Exception {
        Path f = dir.resolve(file);
        OnnxExporter.write(net, f);
        try (var files = Files.list(dir)) { assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left"); }
        return new OnnxImporter().load(f, null);
    }

    static NodeProto node(ModelProto m, String name) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    static void assertSameNet(NetDef want, NetDef got) {
        assertEquals(want.name(), got.name());
        assertEquals(want.preprocessing(), got.preprocessing(), "preprocessing");
        assertSameLayers(want, got);
    }

    static void assertSameLayers(NetDef want, NetDef got) {
        assertEquals(want.inputBlob(), got.inputBlob());
        assertArrayEquals(want.inputShape(), got.inputShape());
        assertEquals(want.layers().size(), got.layers().size(), "layer count");
        for (int i = 0; i < want.layers().size(); i++) {
            LayerDef a = want.layers().get(i), b = got.layers().get(i);
            String at = "layer " + i + " '" + a.name() + "'";
            assertEquals(a.name(), b.name(), at);
            assertEquals(a.spec(), b.spec(), at);
            assertEquals(a.bottoms(), b.bottoms(), at);
            assertEquals(a.top(), b.top(), at);
            assertEquals(a.blobs().size(), b.blobs().size(), at + " constants");
            for (int k = 0; k < a.blobs().size(); k++) {
                assertArrayEquals(a.blobs().get(k).shape(), b.blobs().get(k).shape(), at + " blob " + k + " shape");
                float[] x = a.blobs().get(k).data(), y = b.blobs().get(k).data();
                assertEquals(x.length, y.length);
                for (int j = 0; j < x.length; j++)
                    if (Float.floatToRawIntBits(x[j]) != Float.floatToRawIntBits(y[j])) fail(at + " blob " + k + " value " + j + ": " + x[j] + " became " + y[j]);
            }
        }
    }

    static NetDef everyKind() {
        Random r = new Random(11);
        List<LayerDef> l = new ArrayList<>();
        // Asymmetric pads (top 1, left 0, bottom 2, right 1) and dilation 2: a wrong pads order changes the output size.
        l.add(new LayerDef("conv_a", new LayerSpec.Convolution(new ConvSpec(3, 3, 1, 2, 1, 0, 2, 1, 2, 1, 1)), List.of("data"), "conv_a",
                List.of(blob(r, 6, 3, 3, 3), blob(r, 6))));
        l.add(new LayerDef("relu_a", new LayerSpec.Relu(), List.of("conv_a"), "conv_a"));
        l.add(new LayerDef("conv_g", new LayerSpec.Convolution(new ConvSpec(1, 3, 1, 1, 0, 1, 0, 1, 1, 1, 3)), List.of("conv_a"), "conv_g",
                List.of(blob(r, 6, 2, 1, 3))));   // grouped, no bias
        l.add(new LayerDef("leaky", new LayerSpec.LeakyRelu(0.125f), List.of("conv_g"), "leaky"));
        l.add(new LayerDef("sum", new LayerSpec.Add(), List.of("conv_a", "leaky"), "sum"));
        l.add(new LayerDef("clip6", new LayerSpec.Clip(0f, 6f), List.of("sum"), "sum"));
        l.add(new LayerDef("clip_hi", new LayerSpec.Clip(Float.NEGATIVE_INFINITY, 5f), List.of("sum"), "clip_hi"));
        l.add(new LayerDef("norm", new LayerSpec.Lrn(new LrnSpec(5, 1e-4f, 0.75f, 2f)), List.of("sum"), "norm"));
        l.add(new LayerDef("cat", new LayerSpec.Concat(), List.of("norm", "clip_hi"), "cat"));
        l.add(new LayerDef("pool_max", new LayerSpec.Pooling(PoolSpec.max(3, 2, 1)), List.of("cat"), "pool_max"));
        l.add(new LayerDef("pool_floor", new LayerSpec.Pooling(new PoolSpec(PoolSpec.Method.AVE, 3, 2, 1, 2, 2, 1, 0, 0, PoolSpec.Rounding.FLOOR, true)),
                List.of("pool_max"), "pool_floor"));
        l.add(new LayerDef("drop", new LayerSpec.Dropout(), List.of("pool_floor"), "pool_floor"));
        int[] s = new NetDefShapes(l).shapeOf("pool_floor", new int[] {1, 3, 15, 14});
        int flat = s[1] * s[2] * s[3];
        l.add(new LayerDef("fc1", new LayerSpec.InnerProduct(), List.of("pool_floor"), "fc1", List.of(blob(r, 7, flat), blob(r, 7))));
        l.add(new LayerDef("fc2", new LayerSpec.InnerProduct(), List.of("fc1"), "fc2", List.of(blob(r, 4, 7))));   // 2-D input, no bias
        l.add(new LayerDef("prob", new LayerSpec.Softmax(), List.of("fc2"), "prob"));
        return new NetDef("every-kind", "data", new int[] {1, 3, 15, 14}, l, CaffeImporter.imagenetMeanBgr());
    }

    /** Blob shapes by running the layers' own shape inference. */
    record NetDefShapes(List<LayerDef> layers) {
        int[] shapeOf(String blob, int[] input) {
            java.util.Map<String, int[]> s = new java.util.HashMap<>();
            s.put("data", input);
            for (LayerDef l : layers) s.put(l.top(), l.outputShape(l.bottoms().stream().map(s::get).toArray(int[][]::new)));
            return s.get(blob);
        }
    }

    static HostBlob blob(Random r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return new HostBlob(shape, v);
    }

    static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * onnx.checker.check_model(full_check=True) on the file. Skipped (this check only) without
     * python3 and onnx, except in CI, where their absence fails.
     */
    static void checkWithOnnx(Path model) throws Exception {
        if (!onnxAvailable()) {
            String why = "/usr/bin/python3 with the onnx package is needed to check the exported file (apt-get install python3-onnx)";
            if (System.getenv("CI") != null) throw new AssertionError(why);
            System.out.println("SKIPPED onnx.checker: " + why);
            return;
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c",
                "import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True); print('onnx.checker ok', onnx.__version__)", model.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "onnx.checker timed out");
        assertEquals(0, p.exitValue(), "onnx.checker rejects " + model + ":\n" + out);
    }

    static boolean onnxAvailable() throws Exception {
        if (!Files.isExecutable(PYTHON)) return false;
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import onnx").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    }
}
