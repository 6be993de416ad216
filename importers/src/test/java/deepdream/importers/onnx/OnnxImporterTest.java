package deepdream.importers.onnx;

import com.google.protobuf.ByteString;
import deepdream.engine.Backend;
import deepdream.engine.autograd.Tape;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.importers.ModelFormatException;
import deepdream.importers.ModelImporters;
import deepdream.importers.onnx.proto.Onnx.AttributeProto;
import deepdream.importers.onnx.proto.Onnx.GraphProto;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.onnx.proto.Onnx.NodeProto;
import deepdream.importers.onnx.proto.Onnx.OperatorSetIdProto;
import deepdream.importers.onnx.proto.Onnx.StringStringEntryProto;
import deepdream.importers.onnx.proto.Onnx.TensorProto;
import deepdream.importers.onnx.proto.Onnx.TensorShapeProto;
import deepdream.importers.onnx.proto.Onnx.TypeProto;
import deepdream.importers.onnx.proto.Onnx.ValueInfoProto;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small ONNX graphs written here: the load paths (initializers, Constant nodes, external data, the
 * Shape/Gather/Unsqueeze/Concat chain feeding Reshape, BatchNormalization folded into its conv,
 * the preprocessing fold) and one clear message for each kind of bad file.
 */
class OnnxImporterTest {
    @TempDir Path tmp;
    final Random random = new Random(7);

    // ---- a tiny net: conv(3->4, 3x3, pad 1) -> BN -> relu -> maxpool 2 -> shape chain -> reshape -> gemm(->5) -> softmax ----

    GraphProto.Builder tinyGraph() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
        g.addInput(input("image", 1, 3, 6, 6));
        g.addInitializer(tensor("w", rand(4 * 3 * 9), 4, 3, 3, 3));
        g.addInitializer(tensor("b", rand(4), 4));
        g.addInitializer(tensor("gamma", positive(4), 4));
        g.addInitializer(tensor("beta", rand(4), 4));
        g.addInitializer(tensor("mean", rand(4), 4));
        g.addInitializer(tensor("var", positive(4), 4));
        g.addInitializer(tensor("fc", rand(5 * 36), 5, 36));
        g.addInitializer(tensor("fcb", rand(5), 5));
        g.addNode(node("Conv", "conv", List.of("image", "w", "b"), "c", ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3)));
        g.addNode(node("BatchNormalization", "bn", List.of("c", "gamma", "beta", "mean", "var"), "bnout", floatAttr("epsilon", 1e-3f)));
        g.addNode(node("Relu", "relu", List.of("bnout"), "r"));
        g.addNode(node("MaxPool", "pool", List.of("r"), "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        // What exporters emit for x.view(x.size(0), -1): Shape -> Gather(0) -> Unsqueeze -> Concat with [-1].
        g.addNode(node("Shape", "shape", List.of("p"), "s"));
        g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("zero").addOutput("zero")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(int64s("", new long[] {0}).toBuilder().clearDims())));
        g.addNode(node("Gather", "gather", List.of("s", "zero"), "n"));
        g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("axes").addOutput("axes")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(int64s("", new long[] {0}))));
        g.addNode(node("Unsqueeze", "unsq", List.of("n", "axes"), "n1"));
        g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("minus1").addOutput("minus1")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(int64s("", new long[] {-1}))));
        g.addNode(node("Concat", "cat", List.of("n1", "minus1"), "target", intAttr("axis", 0)));
        g.addNode(node("Reshape", "flat", List.of("p", "target"), "f"));
        g.addNode(node("Gemm", "gemm", List.of("f", "fc", "fcb"), "logits", intAttr("transB", 1)));
        g.addNode(node("Softmax", "prob", List.of("logits"), "prob", intAttr("axis", 1)));
        g.addOutput(ValueInfoProto.newBuilder().setName("prob"));
        return g;
    }

    Path write(GraphProto.Builder g, int opset) throws Exception {
        Path f = tmp.resolve("m" + random.nextInt(1 << 20) + ".onnx");
        Files.write(f, model(g, opset).toByteArray());
        return f;
    }

    static ModelProto model(GraphProto.Builder g, int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    @Test
    void loadsTheTinyNetWithFoldsAndItComputesWhatTheGraphSays() throws Exception {
        GraphProto.Builder g = tinyGraph();
        NetDef def = OnnxImporter.read(write(g, 13), OnnxImporter.TORCHVISION);
        assertEquals(List.of("bnout", "r", "p", "logits", "prob"), def.layers().stream().map(l -> l.top()).toList(),
                "BN folded into the conv (its top is BN's output), the shape chain and Reshape folded away");
        assertInstanceOf(LayerSpec.Convolution.class, def.layers().get(0).spec());
        assertArrayEquals(new int[] {1, 3, 6, 6}, def.inputShape());
        // The folded net against the graph computed here on the host in double.
        float[] x = rand(3 * 36);
        float[] got = run(def, x, "logits");
        double[] want = hostLogits(g.build(), x);
        for (int i = 0; i < 5; i++) assertEquals(want[i], got[i], 1e-4, "logit " + i);
    }

    /** torchvision's transform_input: x[:, c] (a scalar index drops the axis), Unsqueeze back, and a list of channels. */
    GraphProto.Builder channelGatherGraph(long axis) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("gather");
        g.addInput(input("image", 1, 3, 4, 5));
        g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("two").addOutput("two")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(int64s("", new long[] {2}).toBuilder().clearDims())));
        g.addNode(node("Gather", "pick", List.of("image", "two"), "g", intAttr("axis", axis)));
        g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("axes").addOutput("axes")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(int64s("", new long[] {1}))));
        g.addNode(node("Unsqueeze", "unsq", List.of("g", "axes"), "u"));
        g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("list").addOutput("list")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(int64s("", new long[] {-1, 0}))));
        g.addNode(node("Gather", "pick2", List.of("image", "list"), "g2", intAttr("axis", 1)));
        g.addNode(node("Concat", "cat", List.of("u", "g2"), "cat", intAttr("axis", 1)));
        g.addOutput(ValueInfoProto.newBuilder().setName("cat"));
        return g;
    }

    @Test
    void aChannelGatherOfTheImageIsThoseChannelsExactly() throws Exception {
        NetDef def = OnnxImporter.read(write(channelGatherGraph(1), 13), OnnxImporter.TORCHVISION);
        float[] x = rand(3 * 20);
        float[] got = run(def, x, "cat");
        assertEquals(3 * 20, got.length);
        int[] channels = {2, 2, 0};   // x[:, 2], then the list [-1, 0]
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < 20; i++) assertEquals(x[channels[k] * 20 + i], got[k * 20 + i], 0, "output channel " + k + " element " + i);
    }

    @Test
    void aGatherOfABlobAlongAnotherAxisIsRefused() throws Exception {
        assertMessage(write(channelGatherGraph(2), 13), "node 'pick' (op Gather, opset 13)", "along axis 1 of an N×C×H×W blob", "got axis 2");
    }

    @Test
    void thePreprocessingFoldGivesTheSameActivationsFromCaffeStylePixels() throws Exception {
        Path f = write(tinyGraph(), 13);
        NetDef raw = OnnxImporter.read(f, OnnxImporter.TORCHVISION), folded = new OnnxImporter().load(f, null);
        assertTrue(folded.preprocessing().isCaffeStyle());
        float[] mean = OnnxImporter.TORCHVISION.mean(), std = OnnxImporter.TORCHVISION.std(), meanBgr = folded.meanBgr();
        float[] rgbPixels = new float[3 * 36], normalised = new float[3 * 36], caffe = new float[3 * 36];
        for (int i = 0; i < rgbPixels.length; i++) rgbPixels[i] = random.nextInt(256);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 36; i++) {
                float p = rgbPixels[c * 36 + i];
                normalised[c * 36 + i] = (p / 255f - mean[c]) / std[c];
                caffe[(2 - c) * 36 + i] = p - meanBgr[2 - c];
            }
        float[] a = run(raw, normalised, "r"), b = run(folded, caffe, "r");
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4 * (1 + Math.abs(a[i])), "activation " + i);
    }

    @Test
    void readsExternalData() throws Exception {
        GraphProto.Builder g = tinyGraph();
        NetDef inline = OnnxImporter.read(write(g, 13), OnnxImporter.TORCHVISION);
        TensorProto w = g.getInitializer(0);
        Files.write(tmp.resolve("weights.bin"), concat(new byte[16], w.getRawData().toByteArray()));
        g.setInitializer(0, w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "weights.bin")).addExternalData(entry("offset", "16")));
        Path f = write(g, 13);
        assertArrayEquals(inline.layers().get(0).blobs().get(0).data(), OnnxImporter.read(f, OnnxImporter.TORCHVISION).layers().get(0).blobs().get(0).data());
        Files.delete(tmp.resolve("weights.bin"));
        assertMessage(f, "'w' is stored in", "weights.bin", "does not exist");
    }

    @Test
    void theCliFindsOnnxByItsName() {
        assertEquals("onnx", ModelImporters.forFile(Path.of("x/resnet50.onnx")).format());
        assertEquals("caffe", ModelImporters.forFile(Path.of("x/deploy.prototxt")).format());
    }

    // ---- bad files: one clear message each ----

    @Test
    void truncatedFile() throws Exception {
        Path f = write(tinyGraph(), 13);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        assertMessage(f, "is not a valid ONNX model (truncated or corrupt");
    }

    @Test
    void unknownOpNamesNodeOpAndOpset() throws Exception {
        GraphProto.Builder g = tinyGraph();
        g.setNode(2, g.getNode(2).toBuilder().setOpType("Elu"));
        assertMessage(write(g, 12), "node 'relu' (op Elu, opset 12)", "does not support", "supported ops: ");
    }

    @Test
    void danglingInput() throws Exception {
        GraphProto.Builder g = tinyGraph();
        g.setNode(2, g.getNode(2).toBuilder().setInput(0, "nowhere"));
        assertMessage(write(g, 13), "node 'relu' (op Relu, opset 13) reads 'nowhere'", "dangling");
    }

    @Test
    void shapeMismatch() throws Exception {
        GraphProto.Builder g = tinyGraph();
        g.setInitializer(6, tensor("fc", rand(5 * 35), 5, 35));
        assertMessage(write(g, 13), "node 'gemm' (op Gemm, opset 13)", "expects 35 inputs per sample, got 36");
    }

    @Test
    void wrongOpset() throws Exception {
        assertMessage(write(tinyGraph(), 6), "uses opset 6; deepdream reads opsets 7–17");
        assertMessage(write(tinyGraph(), 18), "uses opset 18");
    }

    @Test
    void weightDataOfTheWrongSize() throws Exception {
        GraphProto.Builder g = tinyGraph();
        g.setInitializer(1, g.getInitializer(1).toBuilder().setRawData(ByteString.copyFrom(new byte[12])));
        assertMessage(write(g, 13), "tensor 'b'", "needs 16 bytes of data, has 12");
    }

    static void assertMessage(Path f, String... parts) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxImporter.read(f, OnnxImporter.TORCHVISION));
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
    }

    // ---- the host computation of the tiny graph, straight from its tensors (double) ----

    static double[] hostLogits(GraphProto g, float[] x) {
        double[] w = vals(g, "w"), b = vals(g, "b"), gamma = vals(g, "gamma"), beta = vals(g, "beta"), mean = vals(g, "mean"), var = vals(g, "var");
        double[] fc = vals(g, "fc"), fcb = vals(g, "fcb");
        double[] pooled = new double[4 * 9];
        for (int o = 0; o < 4; o++) {
            double[] r = new double[36];
            for (int y = 0; y < 6; y++)
                for (int xx = 0; xx < 6; xx++) {
                    double s = b[o];
                    for (int c = 0; c < 3; c++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y + ky - 1, ix = xx + kx - 1;
                                if (iy >= 0 && iy < 6 && ix >= 0 && ix < 6) s += w[((o * 3 + c) * 3 + ky) * 3 + kx] * x[(c * 6 + iy) * 6 + ix];
                            }
                    s = (s - mean[o]) / Math.sqrt(var[o] + 1e-3) * gamma[o] + beta[o];
                    r[y * 6 + xx] = Math.max(0, s);
                }
            for (int py = 0; py < 3; py++)
                for (int px = 0; px < 3; px++)
                    pooled[o * 9 + py * 3 + px] = Math.max(Math.max(r[py * 12 + px * 2], r[py * 12 + px * 2 + 1]),
                            Math.max(r[py * 12 + 6 + px * 2], r[py * 12 + 6 + px * 2 + 1]));
        }
        double[] out = new double[5];
        for (int o = 0; o < 5; o++) {
            out[o] = fcb[o];
            for (int i = 0; i < 36; i++) out[o] += fc[o * 36 + i] * pooled[i];
        }
        return out;
    }

    static double[] vals(GraphProto g, String name) {
        for (TensorProto t : g.getInitializerList()) if (t.getName().equals(name)) return OnnxFiles.values(t, Path.of("."), "test");
        throw new AssertionError(name);
    }

    static float[] run(NetDef def, float[] x, String blob) {
        Backend backend = new ReferenceBackend();
        try (Net net = Net.build(def, backend); Tape tape = Tape.noGrad(backend)) {
            return backend.download(net.forward(tape, tape.leaf(backend.upload(x, def.inputShape()), false), blob).value());
        }
    }

    // ---- proto helpers ----

    static ValueInfoProto input(String name, int... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : dims) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    static TensorProto tensor(String name, float[] v, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array()));
        for (int d : dims) t.addDims(d);
        return t.build();
    }

    static TensorProto int64s(String name, long[] v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(v.length);
        for (long x : v) t.addInt64Data(x);
        return t.build();
    }

    static NodeProto node(String op, String name, List<String> in, String out, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out).addAllAttribute(List.of(attrs)).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) a.addInts(x);
        return a.build();
    }

    static AttributeProto intAttr(String name, long v) { return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build(); }

    static AttributeProto floatAttr(String name, float v) { return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build(); }

    static StringStringEntryProto entry(String k, String v) { return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build(); }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    float[] rand(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian() * 0.5f;
        return v;
    }

    float[] positive(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.5f + random.nextFloat();
        return v;
    }
}
