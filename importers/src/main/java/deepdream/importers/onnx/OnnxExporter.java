package deepdream.importers.onnx;

import com.google.protobuf.ByteString;
import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.importers.ModelFormatException;
import deepdream.importers.onnx.proto.Onnx.AttributeProto;
import deepdream.importers.onnx.proto.Onnx.GraphProto;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.onnx.proto.Onnx.NodeProto;
import deepdream.importers.onnx.proto.Onnx.OperatorSetIdProto;
import deepdream.importers.onnx.proto.Onnx.TensorProto;
import deepdream.importers.onnx.proto.Onnx.TensorShapeProto;
import deepdream.importers.onnx.proto.Onnx.TypeProto;
import deepdream.importers.onnx.proto.Onnx.ValueInfoProto;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link NetDef} (weights included) as an ONNX model, opset 13, that {@link OnnxImporter} reads
 * back into the identical NetDef. Tensor names are the net's blob names, so {@code --layer} takes
 * the same names for both files; node names are the layer names. A blob Caffe computes in place
 * (conv then ReLU on one name) becomes NAME#1, ..., NAME: its last version keeps the name, as
 * Caffe's name means the value after the ReLU. Preprocessing goes into metadata_props (see
 * {@link OnnxMetadata}).
 */
public final class OnnxExporter {
    private OnnxExporter() {}

    public static final int OPSET = 13;
    /** IR 8: what onnx 1.10–1.14 write for opset 13–18; every ONNX reader of opset 13 takes it. */
    public static final int IR_VERSION = 8;

    private interface NodeWriter { void write(Graph g, LayerDef l, List<String> in, String out); }

    /** The one table: each layer kind and the ONNX node(s) it becomes. */
    private static final Map<Class<? extends LayerSpec>, NodeWriter> TABLE = Map.ofEntries(
            Map.entry(LayerSpec.Convolution.class, OnnxExporter::conv),
            Map.entry(LayerSpec.InnerProduct.class, OnnxExporter::innerProduct),
            Map.entry(LayerSpec.Pooling.class, OnnxExporter::pool),
            Map.entry(LayerSpec.Lrn.class, OnnxExporter::lrn),
            Map.entry(LayerSpec.Concat.class, (g, l, in, out) -> g.node("Concat", l, in, out).addAttribute(integer("axis", 1))),
            Map.entry(LayerSpec.Add.class, (g, l, in, out) -> g.node("Add", l, in, out)),
            Map.entry(LayerSpec.Relu.class, (g, l, in, out) -> g.node("Relu", l, in, out)),
            Map.entry(LayerSpec.LeakyRelu.class, (g, l, in, out) ->
                    g.node("LeakyRelu", l, in, out).addAttribute(floating("alpha", ((LayerSpec.LeakyRelu) l.spec()).alpha()))),
            Map.entry(LayerSpec.Clip.class, OnnxExporter::clip),
            // Inference-mode Dropout (no ratio, no training_mode input) is the identity; the importer reads it back as Dropout.
            Map.entry(LayerSpec.Dropout.class, (g, l, in, out) -> g.node("Dropout", l, in, out)),
            Map.entry(LayerSpec.Softmax.class, (g, l, in, out) -> g.node("Softmax", l, in, out).addAttribute(integer("axis", 1))));

    /** The model; errors (a layer ONNX cannot express the way the engine computes it) name the layer. */
    public static ModelProto export(NetDef def) {
        boolean caffe = caffeStyle(def);
        Map<String, Integer> writes = new HashMap<>();
        for (LayerDef l : def.layers()) writes.merge(l.top(), 1, Integer::sum);
        Map<String, Integer> written = new HashMap<>();
        Map<String, String> current = new HashMap<>();   // blob name -> ONNX tensor of its current version
        String input = writes.containsKey(def.inputBlob()) ? def.inputBlob() + OnnxMetadata.VERSION_MARK + 0 : def.inputBlob();
        current.put(def.inputBlob(), input);
        Graph g = new Graph(input);
        Map<String, int[]> shapes = new HashMap<>();
        shapes.put(input, def.inputShape());
        Set<String> read = new HashSet<>();
        List<String> order = new ArrayList<>();
        for (LayerDef l : def.layers()) {
            NodeWriter w = TABLE.get(l.spec().getClass());
            if (w == null)
                throw new ModelFormatException("layer '" + l.name() + "' (" + l.spec().type() + ") has no ONNX equivalent in deepdream's exporter");
            if (caffe && l.spec() instanceof LayerSpec.Pooling p) checkCaffePool(l, p.geometry());
            List<String> in = new ArrayList<>();
            int[][] inShapes = new int[l.bottoms().size()][];
            for (int i = 0; i < inShapes.length; i++) {
                String t = current.get(l.bottoms().get(i));
                if (t == null) throw new ModelFormatException("layer '" + l.name() + "' reads blob '" + l.bottoms().get(i) + "', which no earlier layer produces");
                in.add(t);
                inShapes[i] = shapes.get(t);
                read.add(t);
            }
            int k = written.merge(l.top(), 1, Integer::sum);
            String out = k == writes.get(l.top()) ? l.top() : l.top() + OnnxMetadata.VERSION_MARK + k;
            g.claim(out, l);
            w.write(g, l, in, out);
            current.put(l.top(), out);
            try {
                shapes.put(out, l.outputShape(inShapes));
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(e.getMessage());
            }
            order.add(out);
        }
        GraphProto.Builder graph = g.graph.setName(def.name()).addInput(valueInfo(input, def.inputShape()));
        // Outputs: what no layer reads (the classifier's prob); ONNX needs at least one.
        for (String t : order) if (!read.contains(t)) graph.addOutput(valueInfo(t, shapes.get(t)));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("deepdream")
                .setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addAllMetadataProps(OnnxMetadata.write(def.preprocessing(), caffe))
                .build();
    }

    /** Writes the model to a temp file beside target, then moves it into place: target is whole or untouched. */
    public static ModelProto write(NetDef def, Path target) throws IOException {
        ModelProto m = export(def);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (OutputStream o = Files.newOutputStream(tmp)) { m.writeTo(o); }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return m;
    }

    // ---- the kinds ----

    private static void conv(Graph g, LayerDef l, List<String> in, String out) {
        ConvSpec c = ((LayerSpec.Convolution) l.spec()).geometry();
        List<String> inputs = new ArrayList<>(in);
        inputs.add(g.initializer(l.name() + "#weight", l.blobs().get(0)));
        if (l.blobs().size() > 1) inputs.add(g.initializer(l.name() + "#bias", l.blobs().get(1)));
        g.node("Conv", l, inputs, out)
                .addAttribute(ints("kernel_shape", c.kernelH(), c.kernelW()))
                .addAttribute(ints("strides", c.strideH(), c.strideW()))
                // ONNX pads: [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right].
                .addAttribute(ints("pads", c.padTop(), c.padLeft(), c.padBottom(), c.padRight()))
                .addAttribute(ints("dilations", c.dilationH(), c.dilationW()))
                .addAttribute(integer("group", c.groups()));
    }

    /** The engine's inner product reads N×C×H×W as N×(C·H·W), row-major, which is what Flatten(axis 1) gives Gemm. */
    private static void innerProduct(Graph g, LayerDef l, List<String> in, String out) {
        String flat = g.tensor(l.name() + "#flatten", l);
        g.graph.addNode(NodeProto.newBuilder().setOpType("Flatten").setName(l.name() + "#flatten").addInput(in.get(0)).addOutput(flat)
                .addAttribute(integer("axis", 1)));
        List<String> inputs = new ArrayList<>(List.of(flat, g.initializer(l.name() + "#weight", l.blobs().get(0))));
        if (l.blobs().size() > 1) inputs.add(g.initializer(l.name() + "#bias", l.blobs().get(1)));
        // The weight is [out][in]: Gemm's B transposed.
        g.node("Gemm", l, inputs, out).addAttribute(integer("transB", 1));
    }

    private static void pool(Graph g, LayerDef l, List<String> in, String out) {
        PoolSpec p = ((LayerSpec.Pooling) l.spec()).geometry();
        boolean max = p.method() == PoolSpec.Method.MAX;
        NodeProto.Builder n = g.node(max ? "MaxPool" : "AveragePool", l, in, out)
                .addAttribute(ints("kernel_shape", p.kernelH(), p.kernelW()))
                .addAttribute(ints("strides", p.strideH(), p.strideW()))
                .addAttribute(ints("pads", p.padTop(), p.padLeft(), p.padBottom(), p.padRight()))
                .addAttribute(integer("ceil_mode", p.rounding() == PoolSpec.Rounding.FLOOR ? 0 : 1));
        if (!max) n.addAttribute(integer("count_include_pad", p.countIncludePad() ? 1 : 0));
    }

    /** Both Caffe and ONNX divide alpha by size: x / (bias + alpha/size · Σx²)^beta; the engine's LrnSpec is that too. */
    private static void lrn(Graph g, LayerDef l, List<String> in, String out) {
        var s = ((LayerSpec.Lrn) l.spec()).params();
        g.node("LRN", l, in, out)
                .addAttribute(integer("size", s.size()))
                .addAttribute(floating("alpha", s.alpha()))
                .addAttribute(floating("beta", s.beta()))
                .addAttribute(floating("bias", s.k()));
    }

    /** Opset 13 Clip: bounds are optional scalar inputs; an infinite bound is left out. */
    private static void clip(Graph g, LayerDef l, List<String> in, String out) {
        LayerSpec.Clip c = (LayerSpec.Clip) l.spec();
        List<String> inputs = new ArrayList<>(in);
        boolean hasMin = c.min() != Float.NEGATIVE_INFINITY, hasMax = c.max() != Float.POSITIVE_INFINITY;
        if (hasMin || hasMax) inputs.add(hasMin ? g.initializer(l.name() + "#min", new int[0], new float[] {c.min()}) : "");
        if (hasMax) inputs.add(g.initializer(l.name() + "#max", new int[0], new float[] {c.max()}));
        g.node("Clip", l, inputs, out);
    }

    // ---- Caffe's semantics ----

    /** In-place layers or Caffe's pooling rules: the file is marked so that the importer restores them. */
    private static boolean caffeStyle(NetDef def) {
        for (LayerDef l : def.layers()) {
            if (l.bottoms().contains(l.top())) return true;
            if (l.spec() instanceof LayerSpec.Pooling p && (p.geometry().rounding() == PoolSpec.Rounding.CAFFE
                    || (p.geometry().method() == PoolSpec.Method.MAX && p.geometry().countIncludePad()))) return true;
        }
        return false;
    }

    /**
     * In a Caffe-style file every pool is read back with Caffe's rules, so each must be one. Caffe's
     * rounding equals ONNX ceil_mode except for an unpadded pool with stride &gt; kernel, where Caffe
     * keeps an empty last window that ONNX drops.
     */
    private static void checkCaffePool(LayerDef l, PoolSpec p) {
        if (p.rounding() == PoolSpec.Rounding.CEIL || !p.countIncludePad())
            throw new ModelFormatException("layer '" + l.name() + "': a pool with ONNX's rules (" + p.rounding() + ", count_include_pad "
                    + p.countIncludePad() + ") in a net with Caffe's (in-place layers or Caffe pooling); deepdream cannot write both into one ONNX file");
        boolean padded = p.padTop() > 0 || p.padLeft() > 0 || p.padBottom() > 0 || p.padRight() > 0;
        if (p.rounding() == PoolSpec.Rounding.CAFFE && !padded && (p.strideH() > p.kernelH() || p.strideW() > p.kernelW()))
            throw new ModelFormatException("layer '" + l.name() + "': Caffe pooling with stride " + p.strideH() + "x" + p.strideW() + " larger than its kernel "
                    + p.kernelH() + "x" + p.kernelW() + " and no padding keeps an empty last window, which ONNX's ceil_mode cannot express");
    }

    // ---- the graph being written ----

    private static final class Graph {
        final GraphProto.Builder graph = GraphProto.newBuilder();
        /** Every ONNX name written so far (tensors and initializers) and the layer that wrote it, for collision messages. */
        final Map<String, String> names = new LinkedHashMap<>();

        Graph(String input) { names.put(input, "the net input"); }

        void claim(String name, LayerDef l) {
            String was = names.putIfAbsent(name, "layer '" + l.name() + "'");
            if (was != null)
                throw new ModelFormatException("layer '" + l.name() + "': ONNX name '" + name + "' is already used by " + was
                        + "; rename the blob or layer in the prototxt");
        }

        String tensor(String name, LayerDef l) {
            claim(name, l);
            return name;
        }

        String initializer(String name, HostBlob b) { return initializer(name, b.shape(), b.data()); }

        /** dims may be empty: a scalar (Clip's bounds), which a HostBlob cannot be. */
        String initializer(String name, int[] dims, float[] data) {
            if (names.putIfAbsent(name, "an initializer") != null)
                throw new ModelFormatException("initializer '" + name + "' collides with a blob of the same name; rename the layer in the prototxt");
            graph.addInitializer(OnnxExporter.tensor(name, dims, data));
            return name;
        }

        NodeProto.Builder node(String op, LayerDef l, List<String> in, String out) {
            return graph.addNodeBuilder().setOpType(op).setName(l.name()).addAllInput(in).addOutput(out);
        }
    }

    /** Little-endian raw_data: the float bits as they are (bit-identical round trip, NaN payloads included). */
    static TensorProto tensor(String name, int[] dims, float[] data) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) buf.putInt(Float.floatToRawIntBits(f));
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (int d : dims) t.addDims(d);
        return t.setRawData(ByteString.copyFrom(buf.array())).build();
    }

    private static ValueInfoProto valueInfo(String name, int[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : shape) s.addDimBuilder().setDimValue(d);
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s)))
                .build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto floating(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static AttributeProto ints(String name, int... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (int x : v) a.addInts(x);
        return a.build();
    }
}
