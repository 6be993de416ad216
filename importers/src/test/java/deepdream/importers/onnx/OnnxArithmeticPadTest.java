package deepdream.importers.onnx;

import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.importers.onnx.proto.Onnx.AttributeProto;
import deepdream.importers.onnx.proto.Onnx.GraphProto;
import deepdream.importers.onnx.proto.Onnx.NodeProto;
import deepdream.importers.onnx.proto.Onnx.TensorProto;
import deepdream.importers.onnx.proto.Onnx.ValueInfoProto;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static deepdream.importers.onnx.OnnxImporterTest.assertMessage;
import static deepdream.importers.onnx.OnnxImporterTest.floatAttr;
import static deepdream.importers.onnx.OnnxImporterTest.input;
import static deepdream.importers.onnx.OnnxImporterTest.int64s;
import static deepdream.importers.onnx.OnnxImporterTest.ints;
import static deepdream.importers.onnx.OnnxImporterTest.model;
import static deepdream.importers.onnx.OnnxImporterTest.node;
import static deepdream.importers.onnx.OnnxImporterTest.run;
import static deepdream.importers.onnx.OnnxImporterTest.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sigmoid, Add/Sub/Mul/Div with one constant operand (scalar, per-channel, full-sample broadcasts,
 * both operand orders) and Pad (constant, reflect, edge; attributes and inputs) as graphs of one
 * node on a 1×3×5×7 image, against ONNX's definitions computed here on the host.
 */
class OnnxArithmeticPadTest {
    @TempDir Path tmp;
    static final int C = 3, H = 5, W = 7;
    final Random random = new Random(17);
    final float[] x = new float[C * H * W];

    OnnxArithmeticPadTest() {
        // Away from 0, so Div(c, x) stays finite and the comparison meaningful.
        for (int i = 0; i < x.length; i++) x[i] = (0.25f + random.nextFloat() * 3) * (random.nextBoolean() ? 1 : -1);
    }

    interface Element { double at(int c, int h, int w); }

    GraphProto.Builder oneNode(String op, List<String> inputs, AttributeProto... attrs) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(op);
        g.addInput(input("image", 1, C, H, W));
        g.addNode(node(op, "act", inputs, "y", attrs));
        g.addOutput(ValueInfoProto.newBuilder().setName("y"));
        return g;
    }

    Path write(GraphProto.Builder g, int opset) throws Exception {
        Path f = tmp.resolve("m" + random.nextInt(1 << 20) + ".onnx");
        Files.write(f, model(g, opset).toByteArray());
        return f;
    }

    /** Loads g, runs it on x and compares the oh×ow output with want, element by element (exactly: each is one float operation). */
    void assertComputes(GraphProto.Builder g, int opset, Class<?> spec, int oh, int ow, Element want) throws Exception {
        NetDef def = OnnxImporter.read(write(g, opset), OnnxImporter.TORCHVISION);
        assertEquals(spec, def.layers().get(0).spec().getClass());
        float[] got = run(def, x, "y");
        assertEquals(C * oh * ow, got.length);
        for (int c = 0; c < C; c++)
            for (int h = 0; h < oh; h++)
                for (int w = 0; w < ow; w++)
                    assertEquals((float) want.at(c, h, w), got[(c * oh + h) * ow + w], 0f, "channel " + c + " row " + h + " column " + w);
    }

    void assertComputes(GraphProto.Builder g, int opset, Element want) throws Exception {
        assertComputes(g, opset, LayerSpec.ConstantArithmetic.class, H, W, want);
    }

    float x(int c, int h, int w) { return x[(c * H + h) * W + w]; }

    static NodeProto constant(String name, TensorProto t) {
        return NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(name).addAttribute(
                AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t)).build();
    }

    // ---- Sigmoid ----

    @Test
    void sigmoid() throws Exception {
        for (int opset : new int[] {9, 13})
            assertComputes(oneNode("Sigmoid", List.of("image")), opset, LayerSpec.Sigmoid.class, H, W, (c, h, w) -> 1 / (1 + Math.exp(-x(c, h, w))));
    }

    // ---- arithmetic with a constant ----

    static final float[] PER_CHANNEL = {0.485f, -2.5f, 3.25f};

    @Test
    void mulByAPerChannelConstantOfShapeC11() throws Exception {
        GraphProto.Builder g = oneNode("Mul", List.of("image", "k"));
        g.addInitializer(tensor("k", PER_CHANNEL, 3, 1, 1));
        assertComputes(g, 13, (c, h, w) -> x(c, h, w) * PER_CHANNEL[c]);
    }

    @Test
    void subBothOrdersWithAPerChannelConstantOf1C11() throws Exception {
        GraphProto.Builder g = oneNode("Sub", List.of("image", "k"));
        g.addInitializer(tensor("k", PER_CHANNEL, 1, 3, 1, 1));
        assertComputes(g, 13, (c, h, w) -> x(c, h, w) - PER_CHANNEL[c]);
        GraphProto.Builder r = oneNode("Sub", List.of("k", "image"));
        r.addInitializer(tensor("k", PER_CHANNEL, 1, 3, 1, 1));
        assertComputes(r, 13, (c, h, w) -> PER_CHANNEL[c] - x(c, h, w));
    }

    @Test
    void scalarFromAConstantNodeBothOrders() throws Exception {
        for (String op : List.of("Add", "Sub", "Mul", "Div"))
            for (boolean first : new boolean[] {false, true}) {
                GraphProto.Builder g = GraphProto.newBuilder().setName(op);
                g.addInput(input("image", 1, C, H, W));
                g.addNode(constant("k", tensor("k", new float[] {1.75f})));
                g.addNode(node(op, "act", first ? List.of("k", "image") : List.of("image", "k"), "y"));
                g.addOutput(ValueInfoProto.newBuilder().setName("y"));
                assertComputes(g, 13, (c, h, w) -> {
                    float a = first ? 1.75f : x(c, h, w), b = first ? x(c, h, w) : 1.75f;
                    return switch (op) { case "Add" -> a + b; case "Sub" -> a - b; case "Mul" -> a * b; default -> a / b; };
                });
            }
    }

    @Test
    void divByAFullSameShapeConstantAndAddOfOne() throws Exception {
        float[] k = new float[C * H * W];
        for (int i = 0; i < k.length; i++) k[i] = 0.5f + i;
        GraphProto.Builder g = oneNode("Div", List.of("image", "k"));
        g.addInitializer(tensor("k", k, 1, C, H, W));
        assertComputes(g, 13, (c, h, w) -> x(c, h, w) / k[(c * H + h) * W + w]);
        // Without the batch axis, and as an Add (which besides folds MatMul biases).
        GraphProto.Builder a = oneNode("Add", List.of("k", "image"));
        a.addInitializer(tensor("k", k, C, H, W));
        assertComputes(a, 9, (c, h, w) -> k[(c * H + h) * W + w] + x(c, h, w));
    }

    @Test
    void perPositionConstant() throws Exception {
        float[] k = new float[H * W];
        for (int i = 0; i < k.length; i++) k[i] = i - 17;
        GraphProto.Builder g = oneNode("Mul", List.of("k", "image"));
        g.addInitializer(tensor("k", k, H, W));
        assertComputes(g, 13, (c, h, w) -> k[h * W + w] * x(c, h, w));
    }

    /** torchvision's normalization as exported: (x − mean) / std, two nodes. */
    @Test
    void normalizationChain() throws Exception {
        float[] mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
        GraphProto.Builder g = GraphProto.newBuilder().setName("norm");
        g.addInput(input("image", 1, C, H, W));
        g.addInitializer(tensor("mean", mean, 1, 3, 1, 1)).addInitializer(tensor("std", std, 1, 3, 1, 1));
        g.addNode(node("Sub", "sub", List.of("image", "mean"), "centred"));
        g.addNode(node("Div", "div", List.of("centred", "std"), "y"));
        g.addOutput(ValueInfoProto.newBuilder().setName("y"));
        assertComputes(g, 13, (c, h, w) -> (x(c, h, w) - mean[c]) / std[c]);
    }

    @Test
    void twoComputedOperandsAreRefused() throws Exception {
        assertMessage(write(oneNode("Mul", List.of("image", "image")), 13), "node 'act' (op Mul, opset 13)", "two inputs computed by the net",
                "one constant");
    }

    @Test
    void unsupportedBroadcastsAreRefused() throws Exception {
        GraphProto.Builder rows = oneNode("Sub", List.of("image", "k"));
        rows.addInitializer(tensor("k", new float[H], H, 1));   // one value per row: not one of the four patterns
        assertMessage(write(rows, 13), "node 'act' (op Sub, opset 13)", "1×1×5×1", "does not broadcast", "per channel");
        GraphProto.Builder big = oneNode("Div", List.of("image", "k"));
        big.addInitializer(tensor("k", new float[3], 1, 1, 3, 1, 1));
        assertMessage(write(big, 13), "node 'act' (op Div, opset 13)", "more dimensions than its input");
    }

    // ---- Pad ----

    /** ONNX Pad on the image: pads [top, left, bottom, right] of H and W, numpy's modes. */
    Element padded(String mode, int top, int left, float value) {
        return (c, h, w) -> {
            int r = h - top, q = w - left;
            boolean inside = r >= 0 && r < H && q >= 0 && q < W;
            if (inside) return x(c, r, q);
            if (mode.equals("constant")) return value;
            if (mode.equals("edge")) return x(c, Math.max(0, Math.min(H - 1, r)), Math.max(0, Math.min(W - 1, q)));
            r = Math.abs(r); q = Math.abs(q);
            if (r >= H) r = 2 * (H - 1) - r;
            if (q >= W) q = 2 * (W - 1) - q;
            return x(c, r, q);
        };
    }

    @Test
    void padBeforeOpset11TakesAttributes() throws Exception {
        assertComputes(oneNode("Pad", List.of("image"), ints("pads", 0, 0, 1, 2, 0, 0, 3, 0), floatAttr("value", -1.5f)), 9,
                LayerSpec.Pad.class, H + 4, W + 2, padded("constant", 1, 2, -1.5f));
        assertComputes(oneNode("Pad", List.of("image"), ints("pads", 0, 0, 0, 1, 0, 0, 2, 1)), 10,
                LayerSpec.Pad.class, H + 2, W + 2, padded("constant", 0, 1, 0));
    }

    @Test
    void padFromOpset11TakesConstantInputs() throws Exception {
        GraphProto.Builder g = oneNode("Pad", List.of("image", "pads", "value"));
        g.addInitializer(int64s("pads", new long[] {0, 0, 2, 1, 0, 0, 1, 3})).addInitializer(tensor("value", new float[] {2.5f}));
        assertComputes(g, 11, LayerSpec.Pad.class, H + 3, W + 4, padded("constant", 2, 1, 2.5f));
        // constant_value absent: 0.
        GraphProto.Builder zero = oneNode("Pad", List.of("image", "pads"));
        zero.addInitializer(int64s("pads", new long[] {0, 0, 1, 1, 0, 0, 1, 1}));
        assertComputes(zero, 13, LayerSpec.Pad.class, H + 2, W + 2, padded("constant", 1, 1, 0));
    }

    @Test
    void padReflectAndEdge() throws Exception {
        for (String mode : List.of("reflect", "edge")) {
            AttributeProto m = AttributeProto.newBuilder().setName("mode").setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(mode)).build();
            GraphProto.Builder g = oneNode("Pad", List.of("image", "pads"), m);
            g.addInitializer(int64s("pads", new long[] {0, 0, 3, 2, 0, 0, 4, 6}));
            assertComputes(g, 13, LayerSpec.Pad.class, H + 7, W + 8, padded(mode, 3, 2, 0));
            assertComputes(oneNode("Pad", List.of("image"), m, ints("pads", 0, 0, 1, 0, 0, 0, 0, 3)), 9, LayerSpec.Pad.class, H + 1, W + 3, padded(mode, 1, 0, 0));
        }
    }

    @Test
    void padRefusals() throws Exception {
        assertMessage(write(oneNode("Pad", List.of("image"), ints("pads", 0, 1, 1, 1, 0, 0, 1, 1)), 10), "node 'act' (op Pad, opset 10)",
                "pads the batch or channel axis", "only H and W");
        assertMessage(write(oneNode("Pad", List.of("image"), ints("pads", 0, 0, -1, 0, 0, 0, 0, 0)), 10), "node 'act' (op Pad, opset 10)", "negative pads");
        AttributeProto wrap = AttributeProto.newBuilder().setName("mode").setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("wrap")).build();
        assertMessage(write(oneNode("Pad", List.of("image"), wrap, ints("pads", 0, 0, 1, 1, 0, 0, 1, 1)), 10), "mode 'wrap'", "constant, reflect and edge");
        AttributeProto reflect = AttributeProto.newBuilder().setName("mode").setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("reflect")).build();
        assertMessage(write(oneNode("Pad", List.of("image"), reflect, ints("pads", 0, 0, 5, 0, 0, 0, 0, 0)), 10), "node 'act' (op Pad, opset 10)",
                "reflect padding needs each pad below the size");
        assertMessage(write(oneNode("Pad", List.of("image", "image")), 13), "node 'act' (op Pad, opset 13)", "pads", "deepdream needs it constant");
        assertMessage(write(oneNode("Pad", List.of("image"), ints("pads", 1, 1)), 10), "has 2 pads", "8 pads");
    }
}
