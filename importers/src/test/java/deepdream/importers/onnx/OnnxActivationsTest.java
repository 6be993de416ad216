package deepdream.importers.onnx;

import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.importers.onnx.proto.Onnx.AttributeProto;
import deepdream.importers.onnx.proto.Onnx.GraphProto;
import deepdream.importers.onnx.proto.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static deepdream.importers.onnx.OnnxImporterTest.assertMessage;
import static deepdream.importers.onnx.OnnxImporterTest.floatAttr;
import static deepdream.importers.onnx.OnnxImporterTest.input;
import static deepdream.importers.onnx.OnnxImporterTest.model;
import static deepdream.importers.onnx.OnnxImporterTest.node;
import static deepdream.importers.onnx.OnnxImporterTest.run;
import static deepdream.importers.onnx.OnnxImporterTest.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** LeakyRelu and Clip graphs of one node (odd sizes; the importer reads N=1, N>1 is the kernels' tests) against ONNX's definitions computed here on the host. */
class OnnxActivationsTest {
    @TempDir Path tmp;
    static final int[] SHAPE = {1, 3, 5, 7};
    final Random random = new Random(11);

    /** image -> op -> y, with the given initializers (scalars) for the op's extra inputs. */
    GraphProto.Builder oneNode(String op, List<String> inputs, AttributeProto... attrs) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(op);
        g.addInput(input("image", SHAPE));
        g.addNode(node(op, "act", inputs, "y", attrs));
        g.addOutput(ValueInfoProto.newBuilder().setName("y"));
        return g;
    }

    /** Loads g at opset, runs it on inputs in [-8, 8] (both ReLU6 bounds bite) and compares with want, element by element. */
    void assertComputes(GraphProto.Builder g, int opset, Class<?> spec, DoubleUnaryOperator want) throws Exception {
        Path f = tmp.resolve("m" + random.nextInt(1 << 20) + ".onnx");
        Files.write(f, model(g, opset).toByteArray());
        NetDef def = OnnxImporter.read(f, OnnxImporter.TORCHVISION);
        assertEquals(spec, def.layers().get(0).spec().getClass());
        float[] x = new float[3 * 5 * 7];
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat() * 16 - 8;
        float[] got = run(def, x, "y");
        for (int i = 0; i < x.length; i++) assertEquals((float) want.applyAsDouble(x[i]), got[i], 0f, "element " + i + " (x = " + x[i] + ")");
    }

    Path write(GraphProto.Builder g, int opset) throws Exception {
        Path f = tmp.resolve("m" + random.nextInt(1 << 20) + ".onnx");
        Files.write(f, model(g, opset).toByteArray());
        return f;
    }

    @Test
    void leakyReluDefaultAlphaIsOneHundredth() throws Exception {
        assertComputes(oneNode("LeakyRelu", List.of("image")), 13, LayerSpec.LeakyRelu.class, x -> x > 0 ? x : 0.01f * (float) x);
    }

    @Test
    void leakyReluWithAlpha() throws Exception {
        assertComputes(oneNode("LeakyRelu", List.of("image"), floatAttr("alpha", 0.2f)), 9, LayerSpec.LeakyRelu.class, x -> x > 0 ? x : 0.2f * (float) x);
    }

    @Test
    void clipBeforeOpset11TakesAttributes() throws Exception {
        assertComputes(oneNode("Clip", List.of("image"), floatAttr("min", 0), floatAttr("max", 6)), 10, LayerSpec.Clip.class, x -> Math.min(Math.max(x, 0), 6));
        assertComputes(oneNode("Clip", List.of("image"), floatAttr("max", 6)), 9, LayerSpec.Clip.class, x -> Math.min(x, 6));
    }

    @Test
    void clipFromOpset11TakesConstantInputs() throws Exception {
        GraphProto.Builder relu6 = oneNode("Clip", List.of("image", "lo", "hi"));
        relu6.addInitializer(tensor("lo", new float[] {0})).addInitializer(tensor("hi", new float[] {6}));
        assertComputes(relu6, 11, LayerSpec.Clip.class, x -> Math.min(Math.max(x, 0), 6));
        // An empty name is an absent optional input: only the max bound.
        GraphProto.Builder maxOnly = oneNode("Clip", List.of("image", "", "hi"));
        maxOnly.addInitializer(tensor("hi", new float[] {2.5f}));
        assertComputes(maxOnly, 13, LayerSpec.Clip.class, x -> Math.min(x, 2.5));
        // No bounds at all: -inf and +inf, the identity.
        assertComputes(oneNode("Clip", List.of("image")), 13, LayerSpec.Clip.class, x -> x);
    }

    @Test
    void clipBoundComputedByTheNetIsRefused() throws Exception {
        assertMessage(write(oneNode("Clip", List.of("image", "image")), 13), "node 'act' (op Clip, opset 13)", "min", "deepdream needs it constant");
    }

    @Test
    void clipMinAboveMaxIsRefused() throws Exception {
        assertMessage(write(oneNode("Clip", List.of("image"), floatAttr("min", 3), floatAttr("max", 1)), 10), "node 'act' (op Clip, opset 10)", "min 3.0 > max 1.0");
    }

    @Test
    void clipWithAVectorBoundIsRefused() throws Exception {
        GraphProto.Builder g = oneNode("Clip", List.of("image", "lo"));
        g.addInitializer(tensor("lo", new float[] {0, 1}, 2));
        assertMessage(write(g, 13), "node 'act' (op Clip, opset 13)", "min must be a scalar, got 2 values");
    }
}
