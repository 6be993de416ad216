package deepdream.importers.onnx;

import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.importers.ModelFormatException;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.onnx.proto.Onnx.AttributeProto;
import deepdream.importers.onnx.proto.Onnx.GraphProto;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.onnx.proto.Onnx.NodeProto;
import deepdream.importers.onnx.proto.Onnx.TensorProto;
import deepdream.importers.onnx.proto.Onnx.TensorShapeProto;
import deepdream.importers.onnx.proto.Onnx.TypeProto;
import deepdream.importers.onnx.proto.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static deepdream.importers.onnx.OnnxImporterTest.assertMessage;
import static deepdream.importers.onnx.OnnxImporterTest.concat;
import static deepdream.importers.onnx.OnnxImporterTest.entry;
import static deepdream.importers.onnx.OnnxImporterTest.floatAttr;
import static deepdream.importers.onnx.OnnxImporterTest.input;
import static deepdream.importers.onnx.OnnxImporterTest.int64s;
import static deepdream.importers.onnx.OnnxImporterTest.intAttr;
import static deepdream.importers.onnx.OnnxImporterTest.ints;
import static deepdream.importers.onnx.OnnxImporterTest.model;
import static deepdream.importers.onnx.OnnxImporterTest.node;
import static deepdream.importers.onnx.OnnxImporterTest.run;
import static deepdream.importers.onnx.OnnxImporterTest.tensor;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15: one small graph (or call) per PIT mutant that survived the importers' suite on
 * 2026-12-03 (see DEVELOPERS.md, "Mutation testing and fuzzing"): the boundaries of the ONNX
 * mapping, its messages, the tensor and external-data checks, the opset range and the exporter's
 * Caffe-style rules. Each test names the mutated line it guards.
 */
class OnnxMutantsTest {
    @TempDir Path tmp;
    final Random random = new Random(15);

    Path write(GraphProto.Builder g, int opset) throws Exception {
        Path f = tmp.resolve("m" + random.nextInt(1 << 20) + ".onnx");
        Files.write(f, model(g, opset).toByteArray());
        return f;
    }

    NetDef read(GraphProto.Builder g, int opset) throws Exception { return OnnxImporter.read(write(g, opset), OnnxImporter.TORCHVISION); }

    float[] rand(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    static GraphProto.Builder graph(ValueInfoProto in, NodeProto... nodes) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(in);
        for (NodeProto n : nodes) g.addNode(n);
        g.addOutput(ValueInfoProto.newBuilder().setName(nodes[nodes.length - 1].getOutput(0)));
        return g;
    }

    static NodeProto constant(String name, TensorProto t) {
        return NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(name)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t)).build();
    }

    static ValueInfoProto symbolic(String name, String param, int at, int... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++)
            s.addDim(i == at ? TensorShapeProto.Dimension.newBuilder().setDimParam(param) : TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    ModelFormatException refused(GraphProto.Builder g, int opset) throws Exception {
        Path f = write(g, opset);
        return assertThrows(ModelFormatException.class, () -> OnnxImporter.read(f, OnnxImporter.TORCHVISION));
    }

    // ---- OnnxGraph ----

    /** batchNorm:223 (spatial is read before opset 9 only) and :233 (a convolution without bias gets a zero bias). */
    @Test
    void batchNormFoldsIntoABiaslessConvAndReadsSpatialOnlyBeforeOpset9() throws Exception {
        float[] w = rand(4), gamma = {1.5f, 0.5f}, beta = rand(2), mean = rand(2), var = {0.5f, 2f};
        GraphProto.Builder g = graph(input("image", 1, 2, 3, 3),
                node("Conv", "conv", List.of("image", "w"), "c"),
                node("BatchNormalization", "bn", List.of("c", "gamma", "beta", "mean", "var"), "y", intAttr("spatial", 0)));
        g.addInitializer(tensor("w", w, 2, 2, 1, 1)).addInitializer(tensor("gamma", gamma, 2)).addInitializer(tensor("beta", beta, 2))
                .addInitializer(tensor("mean", mean, 2)).addInitializer(tensor("var", var, 2));
        NetDef def = read(g, 9);   // opset 9 dropped 'spatial': it is ignored
        assertEquals(1, def.layers().size());
        float[] x = rand(18), got = run(def, x, "y");
        for (int o = 0; o < 2; o++)
            for (int p = 0; p < 9; p++) {
                double conv = w[o * 2] * x[p] + w[o * 2 + 1] * x[9 + p];
                assertEquals((conv - mean[o]) / Math.sqrt(var[o] + 1e-5) * gamma[o] + beta[o], got[o * 9 + p], 1e-5, "channel " + o + " pixel " + p);
            }
        assertTrue(refused(g, 8).getMessage().contains("has spatial=0"));
    }

    /** blob:593 and constInput:600: a node with too few inputs names the missing one. */
    @Test
    void aMissingInputIsNamed() throws Exception {
        assertMessage(write(graph(input("image", 1, 1, 2, 2), node("Relu", "r", List.of(), "y")), 13), "node 'r' (op Relu, opset 13) needs input 0");
        assertMessage(write(graph(input("image", 1, 1, 2, 2), node("Conv", "c", List.of("image"), "y")), 13), "node 'c' (op Conv, opset 13) has no weight (input 1)");
    }

    /** channelGather:493: index C is outside 0..C-1. */
    @Test
    void aChannelGatherIndexEqualToTheChannelCountIsRefused() throws Exception {
        GraphProto.Builder g = graph(input("image", 1, 3, 2, 2), constant("idx", int64s("", new long[] {3, 0})),
                node("Gather", "pick", List.of("image", "idx"), "y", intAttr("axis", 1)));
        assertMessage(write(g, 13), "node 'pick'", "index 3 is outside 0..2");
    }

    /** clip:542: min == max is a valid (constant) clip. */
    @Test
    void aClipWithMinEqualToMaxLoads() throws Exception {
        NetDef def = read(graph(input("image", 1, 1, 2, 2), node("Clip", "c", List.of("image"), "y", floatAttr("min", 0.5f), floatAttr("max", 0.5f))), 10);
        assertEquals(new LayerSpec.Clip(0.5f, 0.5f), def.layers().get(0).spec());
    }

    /** gather:466 (the folded values are the gathered ones) and :469 (index == length is outside). */
    @Test
    void aFoldedGatherOfTheShapeGivesThatDimension() throws Exception {
        GraphProto.Builder g = graph(input("image", 1, 3, 4, 5), node("Shape", "shape", List.of("image"), "s"),
                constant("idx", int64s("", new long[] {2})), node("Gather", "g", List.of("s", "idx"), "h"),
                node("Mul", "mul", List.of("image", "h"), "y"));
        float[] x = rand(60), got = run(read(g, 13), x, "y");
        for (int i = 0; i < 60; i++) assertEquals(4 * x[i], got[i], 0f, "element " + i);   // x * H

        GraphProto.Builder bad = graph(input("image", 1, 3, 4, 5), node("Shape", "shape", List.of("image"), "s"),
                constant("idx", int64s("", new long[] {4})), node("Gather", "g", List.of("s", "idx"), "y"));
        assertMessage(write(bad, 13), "node 'g'", "index 4 is outside 0..3");
    }

    /** gemm:388: the bias C is scaled by beta (and B by alpha). */
    @Test
    void gemmScalesTheBiasByBeta() throws Exception {
        float[] b = rand(6), c = rand(3);
        GraphProto.Builder g = graph(input("image", 1, 2, 1, 1), node("Flatten", "flat", List.of("image"), "f"),
                node("Gemm", "gemm", List.of("f", "B", "C"), "y", floatAttr("alpha", 0.5f), floatAttr("beta", 2f)));
        g.addInitializer(tensor("B", b, 2, 3)).addInitializer(tensor("C", c, 3));
        float[] x = rand(2), got = run(read(g, 13), x, "y");
        for (int o = 0; o < 3; o++) assertEquals(0.5 * (x[0] * b[o] + x[1] * b[3 + o]) + 2 * c[o], got[o], 1e-5, "output " + o);
    }

    /** input:161 (sizes 1..65536), :162 (only the batch may be symbolic), :164 (the message names the symbol). */
    @Test
    void inputSizesAtTheLimitsAndSymbolicDimensions() throws Exception {
        assertArrayEquals(new int[] {1, 1, 1, 65536}, read(graph(input("image", 1, 1, 1, 65536), node("Relu", "r", List.of("image"), "y")), 13).inputShape());
        assertMessage(write(graph(input("image", 1, 1, 0, 4), node("Relu", "r", List.of("image"), "y")), 13),
                "graph input 'image' has no fixed size in dimension 2 (0)");
        assertArrayEquals(new int[] {1, 3, 4, 5}, read(graph(symbolic("image", "batch", 0, 0, 3, 4, 5), node("Relu", "r", List.of("image"), "y")), 13).inputShape());
        assertMessage(write(graph(symbolic("image", "height", 2, 1, 3, 0, 5), node("Relu", "r", List.of("image"), "y")), 13),
                "has no fixed size in dimension 2 (height)");
    }

    /** ints:670: ±2^20 are still read (here refused later, as unsqueeze axes, with that message). */
    @Test
    void intAttributesOfPlusMinus2To20AreRead() throws Exception {
        for (long axis : new long[] {1 << 20, -(1 << 20)}) {
            GraphProto.Builder g = graph(input("image", 1, 1, 2, 2), node("Relu", "r", List.of("image"), "r"),
                    constant("c", int64s("", new long[] {2})), node("Unsqueeze", "u", List.of("c"), "y", ints("axes", axis)));
            assertMessage(write(g, 11), "node 'u'", "axis " + axis + " is invalid for rank 2");
        }
    }

    /** lrn:420: size 1 is a valid LRN. */
    @Test
    void anLrnOfSize1Loads() throws Exception {
        NetDef def = read(graph(input("image", 1, 2, 2, 2), node("LRN", "n", List.of("image"), "y", intAttr("size", 1))), 13);
        assertEquals(new LayerSpec.Lrn(new LrnSpec(1, 1e-4f, 0.75f, 1f)), def.layers().get(0).spec());
    }

    /** reshape:365/367: -1 first ([-1, C·H·W]) is inferred; allowzero with -1 is refused cleanly, not by a division by zero. */
    @Test
    void reshapeInfersALeadingMinusOneAndRefusesAZeroWithAllowzero() throws Exception {
        GraphProto.Builder g = graph(input("image", 1, 3, 4, 5), constant("t", int64s("", new long[] {-1, 60})),
                node("Reshape", "flat", List.of("image", "t"), "f"), node("Softmax", "sm", List.of("f"), "y", intAttr("axis", 1)));
        assertEquals(List.of("y"), read(g, 13).layers().stream().map(LayerDef::top).toList());

        GraphProto.Builder zero = graph(input("image", 1, 3, 4, 5), constant("t", int64s("", new long[] {0, -1})),
                node("Reshape", "flat", List.of("image", "t"), "f", intAttr("allowzero", 1)), node("Softmax", "sm", List.of("f"), "y", intAttr("axis", 1)));
        assertMessage(write(zero, 14), "node 'flat' (op Reshape, opset 14)");
    }

    /** softmax:426/427/429: the default axis by opset, negative and 0 axes, and which shapes are "over channels". */
    @Test
    void softmaxAxesByOpset() throws Exception {
        // opset 13: default axis -1 (refused on N×C×H×W), axis 1 over channels on any 4-D blob
        assertMessage(write(graph(input("image", 1, 3, 4, 5), node("Softmax", "sm", List.of("image"), "y")), 13), "got axis 3 of 1×3×4×5");
        assertEquals(LayerSpec.Softmax.class, read(graph(input("image", 1, 3, 4, 5), node("Softmax", "sm", List.of("image"), "y", intAttr("axis", 1))), 13)
                .layers().get(0).spec().getClass());
        assertMessage(write(graph(input("image", 1, 3, 4, 5), node("Softmax", "sm", List.of("image"), "y", intAttr("axis", 0))), 13), "got axis 0 of");
        // axis -1 of a 2-D (flattened) blob is axis 1
        assertEquals(1, read(graph(input("image", 1, 3, 4, 5), node("Flatten", "flat", List.of("image"), "f"),
                node("Softmax", "sm", List.of("f"), "y", intAttr("axis", -1))), 13).layers().size());
        // before 13: axis 1 flattens the rest, so only N×C×1×1 (or 2-D) is over channels
        assertMessage(write(graph(input("image", 1, 3, 4, 5), node("Softmax", "sm", List.of("image"), "y", intAttr("axis", 1))), 12), "got axis 1 of 1×3×4×5");
        assertEquals(1, read(graph(input("image", 1, 3, 1, 1), node("Softmax", "sm", List.of("image"), "y")), 12).layers().size());
        assertEquals(1, read(graph(input("image", 1, 3, 4, 5), node("Flatten", "flat", List.of("image"), "f"), node("Softmax", "sm", List.of("f"), "y")), 12)
                .layers().size());
    }

    /** supported:110: the unknown-op message lists the ops. */
    @Test
    void theUnknownOpMessageListsTheSupportedOps() throws Exception {
        assertMessage(write(graph(input("image", 1, 1, 2, 2), node("Elu", "e", List.of("image"), "y")), 13),
                "supported ops: Add, AveragePool, BatchNormalization, Clip, Concat, Constant, Conv, Div");
    }

    /** unsqueeze:510 (no axes input at 13: "has no axes"), :528 (axis == rank is outside), :532 (the result's dims). */
    @Test
    void unsqueezeOfConstants() throws Exception {
        ModelFormatException e = refused(graph(input("image", 1, 1, 2, 2), node("Relu", "r", List.of("image"), "r"),
                constant("c", int64s("", new long[] {2})), node("Unsqueeze", "u", List.of("c"), "y")), 13);
        assertTrue(e.getMessage().endsWith("node 'u' (op Unsqueeze, opset 13) has no axes"), e.getMessage());

        assertMessage(write(graph(input("image", 1, 1, 2, 2), node("Relu", "r", List.of("image"), "r"),
                constant("c", int64s("", new long[] {2}).toBuilder().clearDims().build()), constant("axes", int64s("", new long[] {1})),
                node("Unsqueeze", "u", List.of("c", "axes"), "y")), 13), "node 'u'", "axis 1 is invalid for rank 1");

        // [3] → [3, 1, 1]: a per-channel constant
        GraphProto.Builder g = graph(input("image", 1, 3, 2, 2), constant("k", int64s("", new long[] {2, 3, 4})),
                constant("axes", int64s("", new long[] {1, 2})), node("Unsqueeze", "u", List.of("k", "axes"), "k3"),
                node("Mul", "mul", List.of("image", "k3"), "y"));
        float[] x = rand(12), got = run(read(g, 13), x, "y");
        for (int c = 0; c < 3; c++) for (int i = 0; i < 4; i++) assertEquals((c + 2) * x[c * 4 + i], got[c * 4 + i], 0f, "channel " + c);
    }

    /** where:677: an unnamed node is named by its output, or '?' without one. */
    @Test
    void unnamedNodesAreNamedByTheirOutput() throws Exception {
        GraphProto.Builder noOutput = graph(input("image", 1, 1, 2, 2), node("Relu", "r", List.of("image"), "y"));
        noOutput.addNode(NodeProto.newBuilder().setOpType("Relu").addInput("y"));
        assertMessage(write(noOutput, 13), "node '?' (op Relu, opset 13) has no output");
        GraphProto.Builder unnamed = graph(input("image", 1, 1, 2, 2), NodeProto.newBuilder().setOpType("Elu").addInput("image").addOutput("y").build());
        assertMessage(write(unnamed, 13), "node 'y' (op Elu, opset 13)");
    }

    // ---- OnnxFiles, OnnxImporter.opset, OnnxMetadata ----

    /** dims:62-64: 0 and 2^28 are valid dimensions, 2^28 values the most; more is refused. */
    @Test
    void tensorDimsAtTheLimits() {
        assertArrayEquals(new int[] {0}, OnnxFiles.dims(TensorProto.newBuilder().setName("t").addDims(0).build(), "w"));
        assertArrayEquals(new int[] {1 << 28}, OnnxFiles.dims(TensorProto.newBuilder().setName("t").addDims(1 << 28).build(), "w"));
        var e = assertThrows(ModelFormatException.class, () -> OnnxFiles.dims(TensorProto.newBuilder().setName("t").addDims(1 << 15).addDims(1 << 15).build(), "w"));
        assertEquals("w: tensor 't' declares more than 2^28 values", e.getMessage());
    }

    /** external:146/147/151: offset 0 is valid, an explicit length 0 is not, a short file is named. */
    @Test
    void externalDataOffsetLengthAndShortFiles() throws Exception {
        OnnxImporterTest tiny = new OnnxImporterTest();
        tiny.tmp = tmp;
        GraphProto.Builder g = tiny.tinyGraph();
        NetDef inline = OnnxImporter.read(write(g, 13), OnnxImporter.TORCHVISION);
        TensorProto w = g.getInitializer(0);
        byte[] data = w.getRawData().toByteArray();
        Files.write(tmp.resolve("weights.bin"), data);
        TensorProto.Builder ext = w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry("location", "weights.bin"));
        g.setInitializer(0, ext.clone().addExternalData(entry("offset", "0")));
        assertArrayEquals(inline.layers().get(0).blobs().get(0).data(), OnnxImporter.read(write(g, 13), OnnxImporter.TORCHVISION).layers().get(0).blobs().get(0).data());
        g.setInitializer(0, ext.clone().addExternalData(entry("length", "0")));
        assertMessage(write(g, 13), "tensor 'w' external data has offset 0, length 0; its shape needs " + data.length + " bytes");
        g.setInitializer(0, ext.clone().addExternalData(entry("offset", "8")));
        assertMessage(write(g, 13), "has " + data.length + " bytes; tensor 'w' needs bytes 8.." + (8 + data.length));
    }

    /** readModel:45: bytes after an end-group tag are not silently ignored. */
    @Test
    void aStrayEndGroupTagIsCorruption() throws Exception {
        OnnxImporterTest tiny = new OnnxImporterTest();
        Path f = tmp.resolve("stray.onnx");
        Files.write(f, concat(model(tiny.tinyGraph(), 13).toByteArray(), new byte[] {0x0C, 1, 2, 3}));
        assertMessage(f, "is not a valid ONNX model");
    }

    /** OnnxImporter.opset:91/92: opsets 7 and 17 load; opset 0 is "uses opset 0". */
    @Test
    void opsetsAtTheLimits() throws Exception {
        for (int opset : new int[] {7, 17}) assertEquals(1, read(graph(input("image", 1, 1, 2, 2), node("Relu", "r", List.of("image"), "y")), opset).layers().size());
        assertMessage(write(graph(input("image", 1, 1, 2, 2), node("Relu", "r", List.of("image"), "y")), 0), "uses opset 0; deepdream reads opsets 7–17");
    }

    /** OnnxMetadata.caffeBlob:78/79: only NAME#digits (NAME non-empty) loses its mark. */
    @Test
    void caffeBlobStripsOnlyAVersionMark() {
        assertEquals("conv1", OnnxMetadata.caffeBlob("conv1#12"));
        assertEquals("#1", OnnxMetadata.caffeBlob("#1"));
        assertEquals("a#", OnnxMetadata.caffeBlob("a#"));
        assertEquals("a#x", OnnxMetadata.caffeBlob("a#x"));
        assertEquals("a#1x", OnnxMetadata.caffeBlob("a#1x"));
    }

    // ---- OnnxExporter ----

    static NetDef net(List<LayerDef> layers) { return new NetDef("n", "data", new int[] {1, 3, 4, 4}, layers, CaffeImporter.imagenetMeanBgr()); }

    static HostBlob blob(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return new HostBlob(shape, new float[n]);
    }

    /** caffeStyle:206: a FLOOR max pool counting padding is Caffe's (the file is marked). */
    @Test
    void aMaxPoolCountingPaddingMarksTheFileCaffeStyle() {
        ModelProto m = OnnxExporter.export(net(List.of(new LayerDef("mp",
                new LayerSpec.Pooling(new PoolSpec(PoolSpec.Method.MAX, 2, 2, 2, 2, 0, 0, 0, 0, PoolSpec.Rounding.FLOOR, true)), List.of("data"), "mp"))));
        assertTrue(OnnxMetadata.caffe(OnnxMetadata.of(m)));
        ModelProto onnx = OnnxExporter.export(net(List.of(new LayerDef("mp",
                new LayerSpec.Pooling(new PoolSpec(PoolSpec.Method.MAX, 2, 2, 2, 2, 0, 0, 0, 0, PoolSpec.Rounding.FLOOR, false)), List.of("data"), "mp"))));
        assertFalse(OnnxMetadata.caffe(OnnxMetadata.of(onnx)));
    }

    /** checkCaffePool:221: an unpadded Caffe pool with stride == kernel is expressible. */
    @Test
    void aCaffePoolWithStrideEqualToKernelExports() {
        ModelProto m = OnnxExporter.export(net(List.of(new LayerDef("mp", new LayerSpec.Pooling(PoolSpec.max(2, 2, 0)), List.of("data"), "mp"))));
        assertEquals("MaxPool", m.getGraph().getNode(0).getOpType());
    }

    /** export:100 and Graph.tensor:243: a layer's output or the Flatten before a Gemm may not reuse a name. */
    @Test
    void nameCollisionsWithInitializersAndFlattensAreRefused() {
        var conv = new LayerDef("c", new LayerSpec.Convolution(ConvSpec.square(1, 1, 0)), List.of("data"), "c", List.of(blob(2, 3, 1, 1)));
        var e = assertThrows(ModelFormatException.class, () -> OnnxExporter.export(net(List.of(conv,
                new LayerDef("r", new LayerSpec.Relu(), List.of("c"), "c#weight")))));
        assertTrue(e.getMessage().contains("ONNX name 'c#weight' is already used by an initializer"), e.getMessage());
        var f = assertThrows(ModelFormatException.class, () -> OnnxExporter.export(net(List.of(
                new LayerDef("r", new LayerSpec.Relu(), List.of("data"), "fc#flatten"),
                new LayerDef("fc", new LayerSpec.InnerProduct(), List.of("fc#flatten"), "fc", List.of(blob(2, 48)))))));
        assertTrue(f.getMessage().contains("ONNX name 'fc#flatten' is already used by layer 'r'"), f.getMessage());
    }

    /** write:138: returns the model it wrote. */
    @Test
    void writeReturnsTheModelItWrote() throws Exception {
        NetDef def = net(List.of(new LayerDef("r", new LayerSpec.Relu(), List.of("data"), "r")));
        Path f = tmp.resolve("r.onnx");
        ModelProto m = OnnxExporter.write(def, f);
        assertEquals(ModelProto.parseFrom(Files.readAllBytes(f)), m);
    }

    /** OnnxFiles:33, the size limit: a sparse file one byte over it (no disk used) is refused with the message, not read. */
    @Test
    void aFileOverTheSizeLimitIsRefusedBeforeReading(@TempDir Path dir) throws Exception {
        Path huge = dir.resolve("huge.onnx");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(OnnxFiles.MAX_MODEL_BYTES + 1);
        }
        ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class, () -> OnnxFiles.readModel(huge));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("larger than 2 GiB"), e.getMessage());
    }

    /** build:131: an op of the standard domain named explicitly ("ai.onnx") is read; the same op type in another domain is refused. */
    @Test
    void onlyTheStandardDomainsOpsAreRead() throws Exception {
        NodeProto explicit = node("Relu", "r", List.of("image"), "y").toBuilder().setDomain("ai.onnx").build();
        assertEquals(1, read(graph(input("image", 1, 1, 2, 2), explicit), 13).layers().size());
        NodeProto custom = node("Relu", "r", List.of("image"), "y").toBuilder().setDomain("com.example").build();
        assertMessage(write(graph(input("image", 1, 1, 2, 2), custom), 13), "node 'r'", "is an op deepdream does not support (domain 'com.example')");
    }

    /** unsqueeze:527: a negative axis counts from the end of the result's rank ([3] at axes [-1, -2] is [3, 1, 1]). */
    @Test
    void unsqueezeWithNegativeAxes() throws Exception {
        GraphProto.Builder g = graph(input("image", 1, 3, 2, 2), constant("k", int64s("", new long[] {2, 3, 4})),
                constant("axes", int64s("", new long[] {-1, -2})), node("Unsqueeze", "u", List.of("k", "axes"), "k3"),
                node("Mul", "mul", List.of("image", "k3"), "y"));
        float[] x = rand(12), got = run(read(g, 13), x, "y");
        for (int c = 0; c < 3; c++) for (int i = 0; i < 4; i++) assertEquals((c + 2) * x[c * 4 + i], got[c * 4 + i], 0f, "channel " + c);
    }
}
