package deepdream.importers.onnx;

import deepdream.engine.Arithmetic;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PadSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.importers.ModelFormatException;
import deepdream.importers.onnx.proto.Onnx.AttributeProto;
import deepdream.importers.onnx.proto.Onnx.GraphProto;
import deepdream.importers.onnx.proto.Onnx.NodeProto;
import deepdream.importers.onnx.proto.Onnx.TensorProto;
import deepdream.importers.onnx.proto.Onnx.TensorShapeProto;
import deepdream.importers.onnx.proto.Onnx.ValueInfoProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns an ONNX graph into LayerDefs, node by node in the graph's (topological) order. Every tensor
 * name is either a constant (initializers, Constant nodes, and what is folded from them: the
 * Shape/Gather/Unsqueeze/Concat chains exported nets compute Reshape targets with) or a blob of the
 * net with its shape at the declared input size. Layers' tops are the ONNX tensor names, so
 * {@code --layer} takes them. BatchNormalization is folded into the convolution before it.
 */
final class OnnxGraph {
    // From 7: the ops in the table read the same in opsets 7 and 8 (Gemm and Add broadcast from 7 on,
    // Dropout lost is_test in 7), apart from BatchNormalization's 'spatial', checked where it is read.
    static final int MIN_OPSET = 7, MAX_OPSET = 17;

    /** A tensor: known at import ({@link Const}) or computed by the net ({@link Blob}). */
    private sealed interface Value {}

    /** A constant, row-major; doubles hold float weights and int64 shapes exactly. */
    private record Const(int[] dims, double[] v) implements Value {
        HostBlob blob() {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
            return new HostBlob(dims.clone(), f);
        }
    }

    /** A blob of the net; shape is the ONNX shape (after Flatten, 2-D while the net's blob stays N×C×H×W). */
    private record Blob(String netBlob, int[] shape) implements Value {}

    private interface Mapper { void map(NodeProto n); }

    /** The one table of ONNX ops deepdream reads (opsets 7–17). */
    private final Map<String, Mapper> ops = Map.ofEntries(
            Map.entry("Conv", this::conv),
            Map.entry("Relu", n -> unary(n, new LayerSpec.Relu())),
            Map.entry("LeakyRelu", n -> unary(n, new LayerSpec.LeakyRelu((float) floating("alpha", 0.01)))),
            Map.entry("Clip", this::clip),
            Map.entry("Sigmoid", n -> unary(n, new LayerSpec.Sigmoid())),
            Map.entry("Sub", n -> arithmetic(n, Arithmetic.SUB)),
            Map.entry("Mul", n -> arithmetic(n, Arithmetic.MUL)),
            Map.entry("Div", n -> arithmetic(n, Arithmetic.DIV)),
            Map.entry("Pad", this::pad),
            Map.entry("MaxPool", n -> pool(n, PoolSpec.Method.MAX)),
            Map.entry("AveragePool", n -> pool(n, PoolSpec.Method.AVE)),
            Map.entry("GlobalAveragePool", this::globalAveragePool),
            Map.entry("BatchNormalization", this::batchNorm),
            Map.entry("Add", this::add),
            Map.entry("Concat", this::concat),
            Map.entry("Flatten", this::flatten),
            Map.entry("Reshape", this::reshape),
            Map.entry("Gemm", this::gemm),
            Map.entry("MatMul", this::matMul),
            Map.entry("LRN", this::lrn),
            Map.entry("Dropout", n -> unary(n, new LayerSpec.Dropout())),
            Map.entry("Identity", this::identity),
            Map.entry("Softmax", this::softmax),
            Map.entry("Constant", this::constant),
            Map.entry("Shape", this::shape),
            Map.entry("Gather", this::gather),
            Map.entry("Unsqueeze", this::unsqueeze));

    private final String source;
    private final Path modelDir;
    private final int opset;
    /** A file converted from Caffe (see {@link OnnxMetadata#CAFFE}): pools read back with Caffe's rules. */
    private final boolean caffe;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Integer> uses = new HashMap<>();
    /** The layer that produced each blob, for folding BatchNormalization and a MatMul's bias into it. */
    private final Map<String, Integer> producer = new HashMap<>();
    private final List<LayerDef> layers = new ArrayList<>();
    private String inputBlob;
    private int[] inputShape;
    private NodeProto node;   // the node being mapped, for messages

    OnnxGraph(String source, Path modelDir, int opset) { this(source, modelDir, opset, false); }

    OnnxGraph(String source, Path modelDir, int opset, boolean caffe) {
        this.source = source;
        this.modelDir = modelDir;
        this.opset = opset;
        this.caffe = caffe;
    }

    static String supported() { return String.join(", ", new TreeSet<>(new OnnxGraph("", Path.of("."), MIN_OPSET).ops.keySet())); }

    List<LayerDef> layers() { return layers; }
    String inputBlob() { return inputBlob; }
    int[] inputShape() { return inputShape.clone(); }

    void build(GraphProto g) {
        for (TensorProto t : g.getInitializerList())
            values.put(t.getName(), new Const(OnnxFiles.dims(t, source), OnnxFiles.values(t, modelDir, source + ", initializer")));
        List<ValueInfoProto> images = new ArrayList<>();
        for (ValueInfoProto in : g.getInputList()) if (!values.containsKey(in.getName())) images.add(in);
        if (images.size() != 1)
            throw new ModelFormatException(source + " has " + images.size() + " graph inputs that are not initializers "
                    + images.stream().map(ValueInfoProto::getName).toList() + "; deepdream runs nets with one image input");
        input(images.get(0));
        for (NodeProto n : g.getNodeList()) for (String s : n.getInputList()) uses.merge(s, 1, Integer::sum);
        for (ValueInfoProto out : g.getOutputList()) uses.merge(out.getName(), 1, Integer::sum);
        for (NodeProto n : g.getNodeList()) {
            node = n;
            if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) throw error("has no output");
            Mapper m = ops.get(n.getOpType());
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) m = null;
            if (m == null)
                throw new ModelFormatException(source + ": " + where() + " is an op deepdream does not support (domain '" + n.getDomain()
                        + "'); supported ops: " + supported());
            for (String s : n.getInputList())
                if (!s.isEmpty() && !values.containsKey(s))
                    throw new ModelFormatException(source + ": " + where() + " reads '" + s
                            + "', which no earlier node, initializer or graph input produces (dangling input; is the file complete?)");
            try {
                m.map(n);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            } catch (IndexOutOfBoundsException e) {
                // The mappers read the inputs an op requires by position; a node with fewer is malformed.
                throw error("has " + n.getInputCount() + " inputs, fewer than a " + n.getOpType() + " node needs");
            }
        }
        for (ValueInfoProto out : g.getOutputList())
            if (!values.containsKey(out.getName()))
                throw new ModelFormatException(source + ": graph output '" + out.getName() + "' is produced by no node");
    }

    private void input(ValueInfoProto in) {
        TensorShapeProto s = in.getType().getTensorType().getShape();
        if (s.getDimCount() != 4)
            throw new ModelFormatException(source + ": graph input '" + in.getName() + "' has " + s.getDimCount()
                    + " dimensions; deepdream needs an image input N×C×H×W");
        int[] shape = new int[4];
        for (int i = 0; i < 4; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            if (d.hasDimValue() && d.getDimValue() > 0 && d.getDimValue() <= 1 << 16) shape[i] = (int) d.getDimValue();
            else if (i == 0) shape[i] = 1;   // a symbolic batch size: deepdream runs one image
            else throw new ModelFormatException(source + ": graph input '" + in.getName() + "' has no fixed size in dimension " + i
                        + " (" + (d.hasDimParam() ? d.getDimParam() : d.getDimValue()) + "); export the model with a fixed input size");
        }
        shape[0] = 1;
        inputBlob = in.getName();
        inputShape = shape;
        values.put(inputBlob, new Blob(inputBlob, shape));
    }

    // ---- the ops ----

    private void conv(NodeProto n) {
        Blob x = blob(0);
        Const w = constInput(1, "weight");
        if (w.dims.length != 4) throw error("only 2-D convolutions are supported; weight has shape " + Arrays.toString(w.dims));
        int[] k = pair("kernel_shape", new int[] {w.dims[2], w.dims[3]});
        int[] s = pair("strides", new int[] {1, 1});
        int[] d = pair("dilations", new int[] {1, 1});
        int[] p = pads(n, k, s, d, x.shape);
        ConvSpec spec = new ConvSpec(k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1], (int) integer("group", 1));
        List<HostBlob> consts = new ArrayList<>(List.of(w.blob()));
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) consts.add(constInput(2, "bias").blob());
        emit(new LayerSpec.Convolution(spec), List.of(x.netBlob), consts);
    }

    private void pool(NodeProto n, PoolSpec.Method method) {
        Blob x = blob(0);
        int[] k = pair("kernel_shape", null);
        if (k == null) throw error("needs a 2-D kernel_shape");
        int[] s = pair("strides", new int[] {1, 1});
        int[] d = pair("dilations", new int[] {1, 1});
        if (d[0] != 1 || d[1] != 1) throw error("dilated pooling is not supported");
        int[] p = pads(n, k, s, d, x.shape);
        boolean ceil = integer("ceil_mode", 0) != 0;
        boolean countPad = integer("count_include_pad", 0) != 0;
        PoolSpec.Rounding up = PoolSpec.Rounding.CEIL;
        if (caffe) {   // the exporter wrote only pools where Caffe's rounding and ceil_mode agree
            up = PoolSpec.Rounding.CAFFE;
            if (method == PoolSpec.Method.MAX) countPad = true;   // Caffe's flag; a max pool's values do not depend on it
        }
        emit(new LayerSpec.Pooling(new PoolSpec(method, k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3],
                ceil ? up : PoolSpec.Rounding.FLOOR, countPad)), List.of(x.netBlob), List.of());
    }

    /**
     * The whole H×W window at the declared input size. At another size the net stops before it
     * (a fully convolutional part is all that runs there), which the importer does not yet support past it.
     */
    private void globalAveragePool(NodeProto n) {
        Blob x = blob(0);
        if (x.shape.length != 4) throw error("input must be N×C×H×W, got " + Shapes.toString(x.shape));
        emit(new LayerSpec.Pooling(new PoolSpec(PoolSpec.Method.AVE, x.shape[2], x.shape[3], 1, 1, 0, 0, 0, 0, PoolSpec.Rounding.FLOOR, false)),
                List.of(x.netBlob), List.of());
    }

    /** Folded into the convolution that produced its input (exported nets always have one there). */
    private void batchNorm(NodeProto n) {
        Blob x = blob(0);
        double[] gamma = constInput(1, "scale").v, beta = constInput(2, "bias").v, mean = constInput(3, "mean").v, var = constInput(4, "var").v;
        double eps = floating("epsilon", 1e-5);
        if (opset < 9 && integer("spatial", 1) != 1) throw error("has spatial=0 (statistics per pixel), which deepdream does not read");
        Integer at = producer.get(x.netBlob);
        LayerDef conv = at == null ? null : layers.get(at);
        if (conv == null || !(conv.spec() instanceof LayerSpec.Convolution) || uses.getOrDefault(n.getInput(0), 0) != 1)
            throw error("is supported only right after a convolution whose output nothing else reads (it is folded into it)");
        HostBlob w = conv.blobs().get(0);
        int out = w.shape()[0], per = w.data().length / out;
        if (gamma.length != out || beta.length != out || mean.length != out || var.length != out)
            throw error("has " + gamma.length + " channels; the convolution before it has " + out);
        float[] nw = new float[w.data().length], nb = new float[out];
        float[] b = conv.blobs().size() > 1 ? conv.blobs().get(1).data() : new float[out];
        for (int o = 0; o < out; o++) {
            double f = gamma[o] / Math.sqrt(var[o] + eps);
            for (int i = 0; i < per; i++) nw[o * per + i] = (float) (w.data()[o * per + i] * f);
            nb[o] = (float) ((b[o] - mean[o]) * f + beta[o]);
        }
        replace(at, new LayerDef(conv.name(), conv.spec(), conv.bottoms(), conv.top(),
                List.of(new HostBlob(w.shape(), nw), new HostBlob(new int[] {out}, nb))), n.getOutput(0));
    }

    private void add(NodeProto n) {
        Value a = values.get(n.getInput(0)), b = values.get(n.getInput(1));
        if (a instanceof Blob x && b instanceof Blob y) {
            emit(new LayerSpec.Add(), List.of(x.netBlob, y.netBlob), List.of());
            return;
        }
        if (!(a instanceof Blob) && !(b instanceof Blob)) throw error("adds two constants; folding them is not supported");
        // A MatMul's bias: blob + constant of the inner product's output size.
        Blob x = (Blob) (a instanceof Blob ? a : b);
        Const c = (Const) (a instanceof Blob ? b : a);
        Integer at = producer.get(x.netBlob);
        LayerDef ip = at == null ? null : layers.get(at);
        if (ip != null && ip.spec() instanceof LayerSpec.InnerProduct && ip.blobs().size() == 1 && c.v.length == ip.blobs().get(0).shape()[0]
                && uses.getOrDefault(n.getInput(a instanceof Blob ? 0 : 1), 0) == 1) {
            replace(at, new LayerDef(ip.name(), ip.spec(), ip.bottoms(), ip.top(), List.of(ip.blobs().get(0), new HostBlob(new int[] {c.v.length}, c.blob().data()))),
                    n.getOutput(0));
            return;
        }
        arithmetic(n, Arithmetic.ADD);
    }

    /**
     * Add/Sub/Mul/Div of a blob and one constant (either order), the constant broadcast as numpy does
     * (right-aligned): a scalar, per channel ([C,1,1] or [1,C,1,1]), per position or a full sample.
     */
    private void arithmetic(NodeProto n, Arithmetic op) {
        if (n.getInputCount() != 2) throw error("has " + n.getInputCount() + " inputs; " + n.getOpType() + " takes 2");
        Value a = values.get(n.getInput(0)), b = values.get(n.getInput(1));
        if (a instanceof Blob && b instanceof Blob)
            throw error("has two inputs computed by the net ('" + n.getInput(0) + "', '" + n.getInput(1) + "'); deepdream supports "
                    + n.getOpType() + " of a blob and one constant (an initializer or Constant node) only");
        if (!(a instanceof Blob) && !(b instanceof Blob)) throw error("has two constant operands; folding constants is not supported");
        boolean constantFirst = !(a instanceof Blob);
        Blob x = (Blob) (constantFirst ? b : a);
        Const c = (Const) (constantFirst ? a : b);
        if (!Arrays.equals(x.shape, ((Blob) values.get(x.netBlob)).shape))
            throw error("reads a flattened view " + Shapes.toString(x.shape) + " of a blob; " + n.getOpType() + " with a constant needs the blob as the net has it");
        int rank = x.shape.length;
        if (c.dims.length > rank)
            throw error("has a constant of shape " + Arrays.toString(c.dims) + ", more dimensions than its input " + Shapes.toString(x.shape));
        int[] dims = new int[rank];
        Arrays.fill(dims, 1);
        System.arraycopy(c.dims, 0, dims, rank - c.dims.length, c.dims.length);
        float[] v = new float[c.v.length];   // not c.blob(): a scalar has rank 0, which HostBlob refuses
        for (int i = 0; i < v.length; i++) v[i] = (float) c.v[i];
        emit(new LayerSpec.ConstantArithmetic(op, constantFirst), List.of(x.netBlob), List.of(new HostBlob(dims, v)));
    }

    /**
     * Pad of H and W: pads an attribute before opset 11, a constant input (with an optional scalar
     * constant_value input) from 11 on; modes constant, reflect and edge.
     */
    private void pad(NodeProto n) {
        Blob x = blob(0);
        int[] p;
        float value = 0;
        if (opset < 11) {
            p = ints("pads", null);
            value = (float) floating("value", 0);
        } else {
            p = Arrays.stream(constInput(1, "pads").v).mapToInt(v -> (int) v).toArray();
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                Const v = constInput(2, "constant_value");
                if (v.v.length != 1) throw error("'s constant_value must be a scalar, got " + v.v.length + " values");
                value = (float) v.v[0];
            }
        }
        if (p == null) throw error("has no pads");
        if (x.shape.length != 4 || p.length != 8)
            throw error("has " + p.length + " pads for input " + Shapes.toString(x.shape) + "; deepdream pads N×C×H×W inputs (8 pads)");
        if (p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0)
            throw error("pads the batch or channel axis (pads " + Arrays.toString(p) + "); only H and W (pads[2], pads[3], pads[6], pads[7]) may be non-zero");
        for (int v : p) if (v < 0) throw error("has negative pads " + Arrays.toString(p) + " (cropping); deepdream supports pads >= 0 only");
        String mode = string("mode", "constant");
        PadSpec.Mode m = switch (mode) {
            case "constant" -> PadSpec.Mode.CONSTANT;
            case "reflect" -> PadSpec.Mode.REFLECT;
            case "edge" -> PadSpec.Mode.EDGE;
            default -> throw error("has mode '" + mode + "'; deepdream supports constant, reflect and edge");
        };
        unary(n, new LayerSpec.Pad(new PadSpec(m, p[2], p[3], p[6], p[7], value)));
    }

    private void concat(NodeProto n) {
        long axis = integer("axis", Long.MIN_VALUE);
        if (allConst(n)) {
            List<Double> v = new ArrayList<>();
            for (String s : n.getInputList()) {
                Const c = (Const) values.get(s);
                if (c.dims.length != 1) throw error("folds only 1-D constants");
                for (double d : c.v) v.add(d);
            }
            put(n.getOutput(0), new Const(new int[] {v.size()}, v.stream().mapToDouble(Double::doubleValue).toArray()));
            return;
        }
        List<String> in = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            Blob b = blob(i);
            if (b.shape.length != 4 || (axis != 1 && axis != -3)) throw error("concatenates only N×C×H×W blobs along channels (axis 1), got axis " + axis);
            in.add(b.netBlob);
        }
        emit(new LayerSpec.Concat(), in, List.of());
    }

    private void flatten(NodeProto n) {
        Blob x = blob(0);
        long axis = integer("axis", 1);
        if (axis != 1) throw error("flattens only from axis 1, got " + axis);
        alias(n.getOutput(0), x, new int[] {x.shape[0], Shapes.size(x.shape) / x.shape[0]});
    }

    /** Only to N×(rest): what exported classifiers do before their first fully connected layer. */
    private void reshape(NodeProto n) {
        Blob x = blob(0);
        Const target = constInput(1, "shape");
        int total = Shapes.size(x.shape);
        long[] t = new long[target.v.length];
        long known = 1;
        int infer = -1;
        for (int i = 0; i < t.length; i++) {
            t[i] = (long) target.v[i];
            if (t[i] == 0 && integer("allowzero", 0) == 0) t[i] = i < x.shape.length ? x.shape[i] : 0;
            if (t[i] == -1) infer = i; else known *= t[i];
        }
        if (infer >= 0 && known > 0) t[infer] = total / known;
        int[] shape = Arrays.stream(t).mapToInt(v -> (int) v).toArray();
        if (Shapes.size(shape) != total)
            throw error("cannot reshape " + Shapes.toString(x.shape) + " to " + Arrays.toString(t));
        if (shape.length != 2 || shape[0] != x.shape[0])
            throw error("reshapes " + Shapes.toString(x.shape) + " to " + Shapes.toString(shape) + "; only flattening to N×(C·H·W) is supported");
        alias(n.getOutput(0), x, shape);
    }

    private void gemm(NodeProto n) {
        Blob x = blob(0);
        if (integer("transA", 0) != 0) throw error("transA=1 is not supported");
        Const b = constInput(1, "B");
        if (b.dims.length != 2) throw error("B must be 2-D, got " + Arrays.toString(b.dims));
        double alpha = floating("alpha", 1), beta = floating("beta", 1);
        HostBlob w = weight(b, integer("transB", 0) != 0, alpha);
        List<HostBlob> consts = new ArrayList<>(List.of(w));
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            Const c = constInput(2, "C");
            if (c.v.length != w.shape()[0]) throw error("bias C has " + c.v.length + " values for " + w.shape()[0] + " outputs (broadcasting C is not supported)");
            float[] bias = new float[c.v.length];
            for (int i = 0; i < bias.length; i++) bias[i] = (float) (c.v[i] * beta);
            consts.add(new HostBlob(new int[] {bias.length}, bias));
        }
        if (x.shape.length != 2) throw error("input must be 2-D, got " + Shapes.toString(x.shape));
        emit(new LayerSpec.InnerProduct(), List.of(x.netBlob), consts);
    }

    private void matMul(NodeProto n) {
        Blob x = blob(0);
        Const b = constInput(1, "B");
        if (x.shape.length != 2 || b.dims.length != 2) throw error("multiplies only a 2-D blob by a 2-D constant");
        emit(new LayerSpec.InnerProduct(), List.of(x.netBlob), List.of(weight(b, false, 1)));
    }

    /** The engine's inner-product weight [out][in] from ONNX's B ([in][out], or [out][in] when transposed), times alpha. */
    private static HostBlob weight(Const b, boolean transposed, double alpha) {
        int rows = b.dims[0], cols = b.dims[1];
        int out = transposed ? rows : cols, in = transposed ? cols : rows;
        float[] w = new float[out * in];
        for (int o = 0; o < out; o++)
            for (int i = 0; i < in; i++) w[o * in + i] = (float) (alpha * (transposed ? b.v[o * cols + i] : b.v[i * cols + o]));
        return new HostBlob(new int[] {out, in}, w);
    }

    /** A copy; exporters also put them on constants (VGG's shared biases). */
    private void identity(NodeProto n) {
        if (values.get(n.getInput(0)) instanceof Const c) put(n.getOutput(0), c);
        else unary(n, new LayerSpec.Dropout());
    }

    private void lrn(NodeProto n) {
        long size = integer("size", -1);
        if (size < 1) throw error("needs a positive size attribute");
        unary(n, new LayerSpec.Lrn(new LrnSpec((int) size, (float) floating("alpha", 1e-4), (float) floating("beta", 0.75), (float) floating("bias", 1))));
    }

    private void softmax(NodeProto n) {
        Blob x = blob(0);
        long axis = integer("axis", opset >= 13 ? -1 : 1);
        if (axis < 0) axis += x.shape.length;
        // Before opset 13 softmax flattens from axis: over channels only when nothing follows them.
        boolean overChannels = axis == 1 && (opset >= 13 || x.shape.length == 2 || (x.shape[2] == 1 && x.shape[3] == 1));
        if (!overChannels) throw error("only softmax over channels (axis 1) is supported, got axis " + axis + " of " + Shapes.toString(x.shape));
        unary(n, new LayerSpec.Softmax());
    }

    // ---- constant folding ----

    private void constant(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            Const c = switch (a.getName()) {
                case "value" -> new Const(OnnxFiles.dims(a.getT(), source), OnnxFiles.values(a.getT(), modelDir, source + ", " + where()));
                case "value_float" -> new Const(new int[0], new double[] {a.getF()});
                case "value_int" -> new Const(new int[0], new double[] {a.getI()});
                case "value_floats" -> new Const(new int[] {a.getFloatsCount()}, a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
                case "value_ints" -> new Const(new int[] {a.getIntsCount()}, a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
                default -> throw error("has a value of kind '" + a.getName() + "', which deepdream does not read");
            };
            put(n.getOutput(0), c);
            return;
        }
        throw error("has no value");
    }

    private void shape(NodeProto n) {
        int[] s = values.get(n.getInput(0)) instanceof Blob b ? b.shape : ((Const) values.get(n.getInput(0))).dims;
        put(n.getOutput(0), new Const(new int[] {s.length}, Arrays.stream(s).asDoubleStream().toArray()));
    }

    private void gather(NodeProto n) {
        if (values.get(n.getInput(0)) instanceof Blob) {
            channelGather(n);
            return;
        }
        if (!allConst(n)) throw error("gathers from a blob; only constant folding (of shapes) is supported");
        Const data = (Const) values.get(n.getInput(0)), idx = (Const) values.get(n.getInput(1));
        if (integer("axis", 0) != 0 || data.dims.length != 1) throw error("folds only 1-D constants along axis 0");
        double[] out = new double[idx.v.length];
        for (int i = 0; i < out.length; i++) {
            int j = (int) idx.v[i];
            if (j < 0) j += data.v.length;
            if (j < 0 || j >= data.v.length) throw error("index " + (long) idx.v[i] + " is outside 0.." + (data.v.length - 1));
            out[i] = data.v[j];
        }
        put(n.getOutput(0), new Const(idx.dims.clone(), out));
    }

    /**
     * Gather along the channel axis of a blob with constant indices (torchvision's transform_input
     * picks x[:, c] this way): a 1×1 convolution with one-hot weights, exact (x·1 plus zeros) in value
     * and gradient on every backend. A scalar index drops the axis, as ONNX does: the result is a 3-D
     * view of the one-channel blob, which Unsqueeze at axis 1 gives back.
     */
    private void channelGather(NodeProto n) {
        Blob x = blob(0);
        Const idx = constInput(1, "indices");
        long axis = integer("axis", 0);
        if (x.shape.length != 4 || (axis != 1 && axis != -3) || idx.dims.length > 1)
            throw error("gathers from a blob; deepdream supports only constant indices (a scalar or a list) along axis 1 of an N×C×H×W blob, got axis "
                    + axis + " of " + Shapes.toString(x.shape) + " with indices of shape " + Arrays.toString(idx.dims));
        int c = x.shape[1], k = idx.v.length;
        float[] w = new float[k * c];
        for (int i = 0; i < k; i++) {
            int j = (int) idx.v[i];
            if (j < 0) j += c;
            if (j < 0 || j >= c) throw error("index " + (long) idx.v[i] + " is outside 0.." + (c - 1));
            w[i * c + j] = 1;
        }
        LayerSpec oneHot = new LayerSpec.Convolution(new ConvSpec(1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1));
        List<HostBlob> weights = List.of(new HostBlob(new int[] {k, c, 1, 1}, w));
        if (idx.dims.length == 1) {
            emit(oneHot, List.of(x.netBlob), weights);
            return;
        }
        // The net's blob (4-D, one channel) gets its own name; the ONNX tensor is its 3-D view.
        String top = node.getOutput(0) + "#channel";
        emit(top, oneHot, List.of(x.netBlob), weights);
        alias(node.getOutput(0), (Blob) values.get(top), new int[] {x.shape[0], x.shape[2], x.shape[3]});
    }

    private void unsqueeze(NodeProto n) {
        Value in = values.get(n.getInput(0));
        int[] axes = opset >= 13 ? (n.getInputCount() > 1 ? Arrays.stream(constInput(1, "axes").v).mapToInt(v -> (int) v).toArray() : null)
                : ints("axes", null);
        if (axes == null) throw error("has no axes");
        if (in instanceof Blob b) {
            // Only undoing a view's dropped axis (a channel Gather's scalar index): the result is the net's blob itself.
            int[] net = ((Blob) values.get(b.netBlob)).shape;
            if (axes.length == 1 && b.shape.length == 3 && (axes[0] == 1 || axes[0] == -3) && net.length == 4 && net[1] == 1) {
                alias(n.getOutput(0), b, net);
                return;
            }
            throw error("unsqueezes a blob of shape " + Shapes.toString(b.shape) + " at axes " + Arrays.toString(axes)
                    + "; deepdream supports only restoring the channel axis a scalar Gather along axis 1 dropped");
        }
        Const c = (Const) in;
        int rank = c.dims.length + axes.length;
        boolean[] added = new boolean[rank];
        for (int a : axes) {
            int i = a < 0 ? a + rank : a;
            if (i < 0 || i >= rank || added[i]) throw error("axis " + a + " is invalid for rank " + rank);
            added[i] = true;
        }
        int[] dims = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) dims[i] = added[i] ? 1 : c.dims[j++];
        put(n.getOutput(0), new Const(dims, c.v));
    }

    // ---- helpers ----

    /** Clip: bounds are attributes before opset 11, optional constant inputs (empty name = absent) from 11 on. */
    private void clip(NodeProto n) {
        float min = opset >= 11 ? clipBound(n, 1, "min", Float.NEGATIVE_INFINITY) : (float) floating("min", Float.NEGATIVE_INFINITY);
        float max = opset >= 11 ? clipBound(n, 2, "max", Float.POSITIVE_INFINITY) : (float) floating("max", Float.POSITIVE_INFINITY);
        if (!(min <= max)) throw error("has min " + min + " > max " + max);
        unary(n, new LayerSpec.Clip(min, max));
    }

    private float clipBound(NodeProto n, int input, String what, float dflt) {
        if (input >= n.getInputCount() || n.getInput(input).isEmpty()) return dflt;
        Const c = constInput(input, what);
        if (c.v.length != 1) throw error("'s " + what + " must be a scalar, got " + c.v.length + " values");
        return (float) c.v[0];
    }

    private void unary(NodeProto n, LayerSpec spec) { emit(spec, List.of(blob(0).netBlob), List.of()); }

    /** A layer writing the node's first output (the node's other outputs, e.g. Dropout's mask, are not used by inference). */
    private void emit(LayerSpec spec, List<String> bottoms, List<HostBlob> consts) { emit(node.getOutput(0), spec, bottoms, consts); }

    private void emit(String top, LayerSpec spec, List<String> bottoms, List<HostBlob> consts) {
        if (values.containsKey(top)) throw error("writes '" + top + "', which is already defined (ONNX graphs are single-assignment)");
        LayerDef l = new LayerDef(node.getName().isEmpty() ? top : node.getName(), spec, bottoms, top, consts);
        int[] shape = l.outputShape(netShapes(bottoms));
        producer.put(top, layers.size());
        layers.add(l);
        values.put(top, new Blob(top, shape));
    }

    /** The net's (physical) shapes of these blobs: a Flatten alias reads its 4-D source. */
    private int[][] netShapes(List<String> netBlobs) {
        int[][] s = new int[netBlobs.size()][];
        for (int i = 0; i < s.length; i++) s[i] = ((Blob) values.get(netBlobs.get(i))).shape;
        return s;
    }

    /** Replaces layer {@code at} by a layer writing {@code top} (a fold), keeping everything else. */
    private void replace(int at, LayerDef folded, String top) {
        LayerDef l = new LayerDef(folded.name(), folded.spec(), folded.bottoms(), top, folded.blobs());
        values.remove(folded.top());
        producer.remove(folded.top());
        layers.set(at, l);
        int[] shape = l.outputShape(netShapes(l.bottoms()));
        producer.put(top, at);
        values.put(top, new Blob(top, shape));
    }

    private void alias(String name, Blob x, int[] shape) { put(name, new Blob(x.netBlob, shape)); }

    private void put(String name, Value v) {
        if (values.containsKey(name)) throw error("writes '" + name + "', which is already defined (ONNX graphs are single-assignment)");
        values.put(name, v);
    }

    private Blob blob(int input) {
        if (input >= node.getInputCount()) throw error("needs input " + input);
        Value v = values.get(node.getInput(input));
        if (!(v instanceof Blob b)) throw error("input " + input + " ('" + node.getInput(input) + "') is a constant; deepdream needs it computed from the image");
        return b;
    }

    private Const constInput(int input, String what) {
        if (input >= node.getInputCount() || node.getInput(input).isEmpty()) throw error("has no " + what + " (input " + input + ")");
        Value v = values.get(node.getInput(input));
        if (!(v instanceof Const c)) throw error("'s " + what + " ('" + node.getInput(input) + "') is computed by the net; deepdream needs it constant (an initializer)");
        return c;
    }

    private boolean allConst(NodeProto n) {
        for (String s : n.getInputList()) if (!(values.get(s) instanceof Const)) return false;
        return true;
    }

    /** pads as [top, left, bottom, right] from ONNX's [top, left, bottom, right] or auto_pad. */
    private int[] pads(NodeProto n, int[] k, int[] s, int[] d, int[] x) {
        String auto = string("auto_pad", "NOTSET");
        if (k.length != 2) throw error("only 2-D kernels are supported, got kernel_shape " + Arrays.toString(k));
        switch (auto) {
            case "NOTSET" -> {
                int[] p = ints("pads", new int[4]);
                if (p.length != 4) throw error("has " + p.length + " pads; a 2-D op needs 4");
                return p;
            }
            case "VALID" -> { return new int[4]; }
            case "SAME_UPPER", "SAME_LOWER" -> {
                int[] p = new int[4];
                for (int i = 0; i < 2; i++) {
                    int in = x[2 + i], out = (in + s[i] - 1) / s[i];
                    int total = Math.max(0, (out - 1) * s[i] + d[i] * (k[i] - 1) + 1 - in);
                    int small = total / 2, big = total - small;
                    p[i] = auto.equals("SAME_UPPER") ? small : big;
                    p[i + 2] = auto.equals("SAME_UPPER") ? big : small;
                }
                return p;
            }
            default -> throw error("has auto_pad '" + auto + "'");
        }
    }

    private AttributeProto attribute(String name) {
        for (AttributeProto a : node.getAttributeList()) if (a.getName().equals(name)) return a;
        return null;
    }

    private long integer(String name, long dflt) {
        AttributeProto a = attribute(name);
        return a == null ? dflt : a.getI();
    }

    private double floating(String name, double dflt) {
        AttributeProto a = attribute(name);
        return a == null ? dflt : a.getF();
    }

    private String string(String name, String dflt) {
        AttributeProto a = attribute(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** A 2-D op's attribute: exactly two values (height, width). */
    private int[] pair(String name, int[] dflt) {
        int[] v = ints(name, dflt);
        if (v != null && v.length != 2) throw error("has " + v.length + " " + name + " values; a 2-D op needs 2");
        return v;
    }

    private int[] ints(String name, int[] dflt) {
        AttributeProto a = attribute(name);
        if (a == null) return dflt;
        int[] v = new int[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            long x = a.getInts(i);
            if (x < -(1 << 20) || x > 1 << 20) throw error("attribute " + name + " has value " + x);
            v[i] = (int) x;
        }
        return v;
    }

    private String where() {
        return "node '" + (node.getName().isEmpty() ? node.getOutputCount() > 0 ? node.getOutput(0) : "?" : node.getName())
                + "' (op " + node.getOpType() + ", opset " + opset + ")";
    }

    private ModelFormatException error(String what) {
        return new ModelFormatException(source + ": " + where() + " " + what);
    }
}
