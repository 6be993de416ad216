package deepdream.importers.caffe;

import deepdream.importers.ModelFormatException;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.importers.caffe.proto.Caffe.BlobProto;
import deepdream.importers.caffe.proto.Caffe.BlobShape;
import deepdream.importers.caffe.proto.Caffe.ConvolutionParameter;
import deepdream.importers.caffe.proto.Caffe.InnerProductParameter;
import deepdream.importers.caffe.proto.Caffe.LRNParameter;
import deepdream.importers.caffe.proto.Caffe.NetParameter;
import deepdream.importers.caffe.proto.Caffe.NetStateRule;
import deepdream.importers.caffe.proto.Caffe.Phase;
import deepdream.importers.caffe.proto.Caffe.PoolingParameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Caffe layers into LayerDefs one by one, tracking every blob's shape at the declared input
 * size (asking each layer's {@link LayerSpec} for it: one shape inference): the expected weight
 * shapes depend on it (a convolution's input channels, an inner product's C·H·W), and checking
 * them here gives errors that name the layer and both shapes.
 */
final class NetBuilder {
    static final List<String> SUPPORTED = List.of("Input", "Convolution", "ReLU", "Pooling", "LRN", "Concat",
            "InnerProduct", "Dropout", "Softmax");
    /** Layers that feed or score training; a deploy net has none of them, a train_val prototxt does. */
    private static final Set<String> DATA_TYPES = Set.of("Data", "ImageData", "HDF5Data", "MemoryData", "WindowData", "DummyData");
    private static final Set<String> TRAINING_ONLY = Set.of("Accuracy", "Silence", "HDF5Output");

    /** Weights per layer beyond which a prototxt is taken as corrupt (VGG's largest layer has 103 M). */
    static final int MAX_WEIGHTS = 1 << 28;

    private final String archSource;
    private final Map<String, List<BlobProto>> weights;   // null: architecture only (zero weights)
    private final String weightsSource;
    private final List<LayerDef> layers = new ArrayList<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    private String inputBlob;
    private int[] inputShape;

    NetBuilder(String archSource, Map<String, List<BlobProto>> weights, String weightsSource) {
        this.archSource = archSource;
        this.weights = weights;
        this.weightsSource = weightsSource;
    }

    List<LayerDef> layers() { return layers; }
    String inputBlob() { return inputBlob; }
    int[] inputShape() { return inputShape == null ? null : inputShape.clone(); }

    /** Legacy net input: `input: "data"` with `input_dim` ×4 or `input_shape { dim: ... }`. */
    void legacyInput(NetParameter net) {
        if (net.getInputCount() == 0) return;
        if (net.getInputCount() > 1)
            throw new ModelFormatException(archSource + " declares " + net.getInputCount() + " inputs " + net.getInputList()
                    + "; deepdream runs nets with one image input");
        long[] dims;
        if (net.getInputShapeCount() > 0) dims = net.getInputShape(0).getDimList().stream().mapToLong(Long::longValue).toArray();
        else if (net.getInputDimCount() == 4) dims = net.getInputDimList().stream().mapToLong(Integer::longValue).toArray();
        else throw new ModelFormatException(archSource + ": input '" + net.getInput(0) + "' needs 4 input_dim values or an input_shape, found "
                    + net.getInputDimCount() + " input_dim values");
        setInput("input '" + net.getInput(0) + "'", net.getInput(0), dims);
    }

    void add(CaffeLayer l) {
        if (!inTestPhase(l)) return;
        String type = l.type();
        if (type.equals("Input")) {
            if (l.tops().size() != 1 || l.params().getInputParam().getShapeCount() < 1)
                throw error(l, "an Input layer needs one top and one input_param { shape { dim: ... } }");
            BlobShape s = l.params().getInputParam().getShape(0);
            setInput("layer '" + l.name() + "'", l.tops().get(0), s.getDimList().stream().mapToLong(Long::longValue).toArray());
            return;
        }
        if (DATA_TYPES.contains(type)) { dataInput(l); return; }
        if (TRAINING_ONLY.contains(type) || type.endsWith("Loss")) return;
        if (!SUPPORTED.contains(type))
            throw error(l, "type '" + (type.isEmpty() ? "(none)" : type) + "' is not supported by deepdream (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        if (l.tops().size() != 1) throw error(l, l.tops().size() + " tops; deepdream supports layers with exactly one");
        if (l.bottoms().isEmpty()) throw error(l, "no bottom blob");
        int[][] in = new int[l.bottoms().size()][];
        for (int i = 0; i < in.length; i++) {
            in[i] = shapes.get(l.bottoms().get(i));
            if (in[i] == null) throw error(l, "reads blob '" + l.bottoms().get(i) + "', which no earlier layer produces");
        }
        LayerDef def;
        int[] out;
        try {
            def = layer(l, in);
            out = def.spec().outputShape(def.constantShapes(), in);   // the op's own shape inference
        } catch (IllegalArgumentException e) {   // geometry and shape errors from the specs
            throw error(l, e.getMessage() + (inputShape == null ? "" : " (at the declared input " + Shapes.toString(inputShape) + ")"));
        }
        layers.add(def);
        shapes.put(l.tops().get(0), out);
    }

    /** The Caffe layer as a LayerDef: its spec from the layer's parameters, its weights checked against the shapes it reads. */
    private LayerDef layer(CaffeLayer l, int[][] in) {
        String top = l.tops().get(0);
        LayerSpec spec = spec(l);
        if (spec.inputs() > 0 && in.length != spec.inputs())
            throw error(l, in.length + " bottoms; a " + l.type() + " layer takes " + spec.inputs());
        List<HostBlob> blobs = List.of();
        if (spec instanceof LayerSpec.Convolution c) {
            ConvolutionParameter p = l.params().getConvolutionParam();
            int[] x = in[0];
            if (x.length != 4) throw error(l, "convolution input must be N×C×H×W, got " + Shapes.toString(x));
            int g = c.geometry().groups(), m = p.getNumOutput();
            if (x[1] % g != 0 || m % g != 0)
                throw error(l, "group " + g + " does not divide input channels " + x[1] + " and num_output " + m);
            blobs = weights(l, new int[] {m, x[1] / g, c.geometry().kernelH(), c.geometry().kernelW()}, p.getBiasTerm() ? new int[] {m} : null);
        } else if (spec instanceof LayerSpec.InnerProduct) {
            InnerProductParameter p = l.params().getInnerProductParam();
            int[] x = in[0];
            blobs = weights(l, new int[] {p.getNumOutput(), Shapes.size(x) / x[0]}, p.getBiasTerm() ? new int[] {p.getNumOutput()} : null);
        }
        return new LayerDef(l.name(), spec, l.bottoms(), top, blobs);
    }

    /** The spec of a supported Caffe layer type, from its parameters. */
    private LayerSpec spec(CaffeLayer l) {
        return switch (l.type()) {
            case "Convolution" -> {
                ConvolutionParameter p = l.params().getConvolutionParam();
                if (p.getNumOutput() < 1) throw error(l, "convolution_param.num_output must be set");
                yield new LayerSpec.Convolution(convSpec(l, p));
            }
            case "InnerProduct" -> {
                InnerProductParameter p = l.params().getInnerProductParam();
                if (p.getTranspose()) throw error(l, "inner_product_param.transpose is not supported");
                if (p.getAxis() != 1) throw error(l, "inner_product_param.axis " + p.getAxis() + " is not supported (only 1)");
                if (p.getNumOutput() < 1) throw error(l, "inner_product_param.num_output must be set");
                yield new LayerSpec.InnerProduct();
            }
            case "Pooling" -> new LayerSpec.Pooling(poolSpec(l, l.params().getPoolingParam()));
            case "LRN" -> {
                LRNParameter p = l.params().getLrnParam();
                if (p.getNormRegion() != LRNParameter.NormRegion.ACROSS_CHANNELS)
                    throw error(l, "LRN norm_region WITHIN_CHANNEL is not supported (only ACROSS_CHANNELS)");
                yield new LayerSpec.Lrn(new LrnSpec(p.getLocalSize(), p.getAlpha(), p.getBeta(), p.getK()));
            }
            case "Concat" -> {
                var p = l.params().getConcatParam();
                int axis = p.hasAxis() ? p.getAxis() : (int) p.getConcatDim();
                if (axis != 1) throw error(l, "concat along axis " + axis + " is not supported (only channels, axis 1)");
                yield new LayerSpec.Concat();
            }
            case "ReLU" -> {
                if (l.params().getReluParam().getNegativeSlope() != 0f)
                    throw error(l, "leaky ReLU (negative_slope " + l.params().getReluParam().getNegativeSlope() + ") is not supported");
                yield new LayerSpec.Relu();
            }
            case "Softmax" -> {
                if (l.params().getSoftmaxParam().getAxis() != 1)
                    throw error(l, "softmax over axis " + l.params().getSoftmaxParam().getAxis() + " is not supported (only 1)");
                yield new LayerSpec.Softmax();
            }
            case "Dropout" -> new LayerSpec.Dropout();   // the identity at test time
            default -> throw new IllegalStateException("SUPPORTED lists " + l.type() + " without a case");
        };
    }

    /** A train_val net's data layer: its first top is the image, sized by the crop (3 channels, batch 1). */
    private void dataInput(CaffeLayer l) {
        var p = l.params();
        int crop = p.getTransformParam().getCropSize();
        if (crop == 0) crop = p.getDataParam().getCropSize();
        if (crop == 0) crop = p.getImageDataParam().getCropSize();
        if (crop == 0 || l.tops().isEmpty())
            throw error(l, "a " + l.type() + " layer without crop_size; use a deploy prototxt (with an Input layer) instead");
        setInput("layer '" + l.name() + "'", l.tops().get(0), new long[] {1, 3, crop, crop});
    }

    private void setInput(String where, String blob, long[] dims) {
        if (inputBlob != null)
            throw new ModelFormatException(archSource + ": " + where + " declares a second net input '" + blob + "' (the first is '"
                    + inputBlob + "'); deepdream runs nets with one image input");
        if (dims.length != 4 || Arrays.stream(dims).anyMatch(d -> d < 1 || d > Integer.MAX_VALUE))
            throw new ModelFormatException(archSource + ": " + where + " has input shape " + Arrays.toString(dims) + "; expected 4 positive dims N, C, H, W");
        // One image at a time: deploy files often declare a batch of 10 for oversampling.
        inputShape = new int[] {1, (int) dims[1], (int) dims[2], (int) dims[3]};
        inputBlob = blob;
        shapes.put(blob, inputShape);
    }

    private ConvSpec convSpec(CaffeLayer l, ConvolutionParameter p) {
        if (p.getAxis() != 1) throw error(l, "convolution_param.axis " + p.getAxis() + " is not supported (only 1)");
        int kh = p.hasKernelH() ? p.getKernelH() : pick(l, "kernel_size", p.getKernelSizeList(), 0, -1);
        int kw = p.hasKernelW() ? p.getKernelW() : pick(l, "kernel_size", p.getKernelSizeList(), 1, -1);
        int sh = p.hasStrideH() ? p.getStrideH() : pick(l, "stride", p.getStrideList(), 0, 1);
        int sw = p.hasStrideW() ? p.getStrideW() : pick(l, "stride", p.getStrideList(), 1, 1);
        int ph = p.hasPadH() ? p.getPadH() : pick(l, "pad", p.getPadList(), 0, 0);
        int pw = p.hasPadW() ? p.getPadW() : pick(l, "pad", p.getPadList(), 1, 0);
        int dh = pick(l, "dilation", p.getDilationList(), 0, 1), dw = pick(l, "dilation", p.getDilationList(), 1, 1);
        if (p.getGroup() < 1) throw error(l, "convolution_param.group must be at least 1, got " + p.getGroup());
        return new ConvSpec(kh, kw, sh, sw, ph, pw, ph, pw, dh, dw, p.getGroup());
    }

    /** Caffe's repeated spatial fields: one value for both axes, or two (h, w). */
    private int pick(CaffeLayer l, String field, List<Integer> values, int axis, int dflt) {
        if (values.isEmpty()) {
            if (dflt < 0) throw error(l, "convolution_param." + field + " (or " + field + "_h/_w) must be set");
            return dflt;
        }
        if (values.size() > 2) throw error(l, "convolution_param." + field + " has " + values.size() + " values; only 2-D convolution is supported");
        return values.get(values.size() == 1 ? 0 : axis);
    }

    private PoolSpec poolSpec(CaffeLayer l, PoolingParameter p) {
        if (p.getGlobalPooling()) throw error(l, "global_pooling is not supported; give kernel_size instead");
        PoolSpec.Method method = switch (p.getPool()) {
            case MAX -> PoolSpec.Method.MAX;
            case AVE -> PoolSpec.Method.AVE;
            default -> throw error(l, "pooling method " + p.getPool() + " is not supported (only MAX and AVE)");
        };
        if (!p.hasKernelSize() && !(p.hasKernelH() && p.hasKernelW()))
            throw error(l, "pooling_param.kernel_size (or kernel_h and kernel_w) must be set");
        int kh = p.hasKernelH() ? p.getKernelH() : p.getKernelSize(), kw = p.hasKernelW() ? p.getKernelW() : p.getKernelSize();
        int sh = p.hasStrideH() ? p.getStrideH() : p.getStride(), sw = p.hasStrideW() ? p.getStrideW() : p.getStride();
        int ph = p.hasPadH() ? p.getPadH() : p.getPad(), pw = p.hasPadW() ? p.getPadW() : p.getPad();
        PoolSpec.Rounding rounding = p.getRoundMode() == PoolingParameter.RoundMode.FLOOR ? PoolSpec.Rounding.FLOOR : PoolSpec.Rounding.CAFFE;
        return new PoolSpec(method, kh, kw, sh, sw, ph, pw, ph, pw, rounding, true);
    }

    /** The layer's blobs from the caffemodel, checked against the shapes the architecture needs. */
    private List<HostBlob> weights(CaffeLayer l, int[] weightShape, int[] biasShape) {
        int needed = biasShape == null ? 1 : 2;
        if ((long) Shapes.size(weightShape) > MAX_WEIGHTS)
            throw error(l, "needs " + Shapes.size(weightShape) + " weights (" + Shapes.toString(weightShape) + "), more than deepdream loads per layer ("
                    + MAX_WEIGHTS + "); check num_output and the input size");
        if (weights == null) {   // architecture only
            List<HostBlob> zero = new ArrayList<>();
            zero.add(new HostBlob(weightShape, new float[Shapes.size(weightShape)]));
            if (biasShape != null) zero.add(new HostBlob(biasShape, new float[Shapes.size(biasShape)]));
            return zero;
        }
        List<BlobProto> found = weights.get(l.name());
        String want = Shapes.toString(weightShape) + (biasShape == null ? "" : " and bias " + Shapes.toString(biasShape));
        if (found == null)
            throw new ModelFormatException("layer '" + l.name() + "' of " + archSource + " needs weights " + want + ", but "
                    + weightsSource + " has no layer of that name: the weights file does not belong to this prototxt");
        if (found.size() < needed)
            throw new ModelFormatException("layer '" + l.name() + "' needs " + needed + " blobs (weights " + want + "), but "
                    + weightsSource + " has " + found.size() + " (" + describe(found) + ")");
        List<HostBlob> out = new ArrayList<>();
        out.add(blob(l, found.get(0), weightShape, "weights", found));
        if (biasShape != null) out.add(blob(l, found.get(1), biasShape, "bias", found));
        return out;
    }

    private HostBlob blob(CaffeLayer l, BlobProto b, int[] expected, String what, List<BlobProto> all) {
        long[] dims = CaffeImporter.dims(b);
        if (!Arrays.equals(stripLeadingOnes(dims), stripLeadingOnes(Arrays.stream(expected).asLongStream().toArray())))
            throw new ModelFormatException("layer '" + l.name() + "': " + what + " blob in " + weightsSource + " has shape "
                    + dimsToString(dims) + ", but " + archSource + " needs " + Shapes.toString(expected)
                    + " (the weights file does not match the prototxt)");
        int n = Shapes.size(expected);
        // Allocate only for values the file really holds: a declared shape is no promise of data.
        if (b.getDataCount() != n && b.getDoubleDataCount() != n)
            throw new ModelFormatException("layer '" + l.name() + "': " + what + " blob in " + weightsSource + " has shape "
                    + dimsToString(dims) + " (" + n + " values) but holds " + Math.max(b.getDataCount(), b.getDoubleDataCount())
                    + " values: the file is corrupt");
        float[] data = new float[n];
        if (b.getDataCount() == n) {
            for (int i = 0; i < n; i++) data[i] = b.getData(i);
        } else if (b.getDoubleDataCount() == n) {
            for (int i = 0; i < n; i++) data[i] = (float) b.getDoubleData(i);
        } else {
            throw new ModelFormatException("layer '" + l.name() + "': " + what + " blob in " + weightsSource + " has shape "
                    + dimsToString(dims) + " (" + n + " values) but holds " + Math.max(b.getDataCount(), b.getDoubleDataCount())
                    + " values: the file is corrupt");
        }
        return new HostBlob(expected, data);
    }

    private static long[] stripLeadingOnes(long[] d) {
        int i = 0;
        while (i < d.length - 1 && d[i] == 1) i++;
        return Arrays.copyOfRange(d, i, d.length);
    }

    private static String describe(List<BlobProto> blobs) {
        List<String> s = new ArrayList<>();
        for (BlobProto b : blobs) s.add(dimsToString(CaffeImporter.dims(b)));
        return String.join(", ", s);
    }

    static String dimsToString(long[] d) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length; i++) sb.append(i == 0 ? "" : "×").append(d[i]);
        return d.length == 0 ? "(scalar)" : sb.toString();
    }

    /** Deploy nets run in the TEST phase: layers included only in TRAIN (or excluded from TEST) are left out. */
    private static boolean inTestPhase(CaffeLayer l) {
        if (!l.include().isEmpty() && l.include().stream().noneMatch(NetBuilder::matchesTest)) return false;
        return l.exclude().stream().noneMatch(NetBuilder::matchesTest);
    }

    /** As Caffe's StateMeetsRule for state {phase: TEST, level: 0, no stages}. */
    private static boolean matchesTest(NetStateRule r) {
        if (r.hasPhase() && r.getPhase() != Phase.TEST) return false;
        if (r.hasMinLevel() && 0 < r.getMinLevel()) return false;
        if (r.hasMaxLevel() && 0 > r.getMaxLevel()) return false;
        return r.getStageCount() == 0;
    }

    private ModelFormatException error(CaffeLayer l, String what) {
        return new ModelFormatException("layer '" + l.name() + "' in " + archSource + ": " + what);
    }
}
