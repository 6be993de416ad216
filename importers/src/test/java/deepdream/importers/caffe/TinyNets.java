package deepdream.importers.caffe;

import com.google.protobuf.TextFormat;
import deepdream.importers.caffe.proto.Caffe.BlobProto;
import deepdream.importers.caffe.proto.Caffe.BlobShape;
import deepdream.importers.caffe.proto.Caffe.ConvolutionParameter;
import deepdream.importers.caffe.proto.Caffe.InnerProductParameter;
import deepdream.importers.caffe.proto.Caffe.InputParameter;
import deepdream.importers.caffe.proto.Caffe.LRNParameter;
import deepdream.importers.caffe.proto.Caffe.LayerParameter;
import deepdream.importers.caffe.proto.Caffe.NetParameter;
import deepdream.importers.caffe.proto.Caffe.NetStateRule;
import deepdream.importers.caffe.proto.Caffe.Phase;
import deepdream.importers.caffe.proto.Caffe.PoolingParameter;
import deepdream.importers.caffe.proto.Caffe.V1LayerParameter;
import deepdream.importers.caffe.proto.Caffe.V1LayerParameter.LayerType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny GoogLeNet-like net (conv + in-place ReLU, pooling with ceil overhang, LRN, a two-branch
 * "inception" concat, inner product, softmax) with random weights, written with the generated
 * protobuf classes in both encodings — as 2014 V1 snapshots and later V2 files are.
 */
public final class TinyNets {
    private TinyNets() {}

    /** Layer name → [weight dims, bias dims] (canonical shapes) of the weighted layers. */
    public static final Map<String, int[][]> WEIGHTED = new LinkedHashMap<>();
    static {
        WEIGHTED.put("conv1", new int[][] {{4, 3, 3, 3}, {4}});
        WEIGHTED.put("b1", new int[][] {{3, 4, 1, 1}, {3}});
        WEIGHTED.put("b2", new int[][] {{2, 2, 3, 3}, {2}});   // group 2: 4 input channels, 2 per group
        WEIGHTED.put("fc", new int[][] {{5, 5 * 2 * 2}, {5}});   // cat 5×3×3 → ave pool k2 s1 → 5×2×2
    }
    public static final int[] INPUT = {1, 3, 13, 11};   // pool1 overhangs in width (ceil mode)

    /** The deploy architecture (V2 `layer` messages, an Input layer). */
    public static NetParameter deploy() {
        NetParameter.Builder n = NetParameter.newBuilder().setName("tiny");
        n.addLayer(LayerParameter.newBuilder().setName("data").setType("Input").addTop("data")
                .setInputParam(InputParameter.newBuilder().addShape(shape(INPUT))));
        n.addLayer(conv("conv1", "data", 4, 3, 2, 1, 1));
        n.addLayer(simple("relu1", "ReLU", "conv1", "conv1"));
        n.addLayer(LayerParameter.newBuilder().setName("pool1").setType("Pooling").addBottom("conv1").addTop("pool1")
                .setPoolingParam(PoolingParameter.newBuilder().setPool(PoolingParameter.PoolMethod.MAX).setKernelSize(3).setStride(2)));
        n.addLayer(LayerParameter.newBuilder().setName("norm1").setType("LRN").addBottom("pool1").addTop("norm1")
                .setLrnParam(LRNParameter.newBuilder().setLocalSize(3).setAlpha(0.01f).setBeta(0.75f)));
        n.addLayer(conv("b1", "norm1", 3, 1, 1, 0, 1));
        n.addLayer(simple("relu_b1", "ReLU", "b1", "b1"));
        n.addLayer(conv("b2", "norm1", 2, 3, 1, 1, 2));
        n.addLayer(LayerParameter.newBuilder().setName("cat").setType("Concat").addBottom("b1").addBottom("b2").addTop("cat"));
        n.addLayer(LayerParameter.newBuilder().setName("pool2").setType("Pooling").addBottom("cat").addTop("pool2")
                .setPoolingParam(PoolingParameter.newBuilder().setPool(PoolingParameter.PoolMethod.AVE).setKernelSize(2).setStride(1)));
        n.addLayer(simple("drop", "Dropout", "pool2", "pool2"));
        n.addLayer(LayerParameter.newBuilder().setName("fc").setType("InnerProduct").addBottom("pool2").addTop("fc")
                .setInnerProductParam(InnerProductParameter.newBuilder().setNumOutput(5)));
        n.addLayer(simple("prob", "Softmax", "fc", "prob"));
        return n.build();
    }

    public static String deployText() { return TextFormat.printer().printToString(deploy()); }

    /** Random weights for every weighted layer, plus an auxiliary head the deploy net lacks. */
    public static Map<String, float[][]> randomWeights(long seed) {
        Random r = new Random(seed);
        Map<String, float[][]> w = new LinkedHashMap<>();
        for (var e : WEIGHTED.entrySet()) w.put(e.getKey(), new float[][] {random(r, e.getValue()[0]), random(r, e.getValue()[1])});
        w.put("loss1/fc", new float[][] {random(r, new int[] {7, 13}), random(r, new int[] {7})});
        return w;
    }

    /** A V2 snapshot: `layer` with string types and BlobShape dims, with training-only layers. */
    public static NetParameter snapshotV2(Map<String, float[][]> w) {
        NetParameter.Builder n = NetParameter.newBuilder().setName("tiny");
        n.addLayer(LayerParameter.newBuilder().setName("data").setType("Data").addTop("data").addTop("label")
                .addInclude(NetStateRule.newBuilder().setPhase(Phase.TRAIN)));
        for (LayerParameter l : deploy().getLayerList()) {
            if (l.getType().equals("Input")) continue;
            LayerParameter.Builder b = l.toBuilder();
            float[][] blobs = w.get(l.getName());
            if (blobs != null) {
                int[][] dims = WEIGHTED.get(l.getName());
                for (int i = 0; i < 2; i++) b.addBlobs(BlobProto.newBuilder().setShape(shape(dims[i])).addAllData(boxed(blobs[i])));
            }
            n.addLayer(b);
        }
        n.addLayer(LayerParameter.newBuilder().setName("loss1/fc").setType("InnerProduct").addBottom("norm1").addTop("loss1/fc")
                .addBlobs(BlobProto.newBuilder().setShape(shape(new int[] {7, 13})).addAllData(boxed(w.get("loss1/fc")[0])))
                .addBlobs(BlobProto.newBuilder().setShape(shape(new int[] {7})).addAllData(boxed(w.get("loss1/fc")[1]))));
        n.addLayer(LayerParameter.newBuilder().setName("loss").setType("SoftmaxWithLoss").addBottom("fc").addBottom("label").addTop("loss"));
        n.addLayer(LayerParameter.newBuilder().setName("acc").setType("Accuracy").addBottom("fc").addBottom("label").addTop("acc"));
        return n.build();
    }

    /** The same weights as a 2014 V1 snapshot: `layers`, enum types, legacy right-aligned 4-D dims. */
    public static NetParameter snapshotV1(Map<String, float[][]> w) {
        NetParameter.Builder n = NetParameter.newBuilder().setName("tiny");
        n.addLayers(V1LayerParameter.newBuilder().setName("data").setType(LayerType.DATA).addTop("data").addTop("label"));
        for (LayerParameter l : deploy().getLayerList()) {
            if (l.getType().equals("Input")) continue;
            V1LayerParameter.Builder b = V1LayerParameter.newBuilder().setName(l.getName()).setType(v1Type(l.getType()))
                    .addAllBottom(l.getBottomList()).addAllTop(l.getTopList());
            float[][] blobs = w.get(l.getName());
            if (blobs != null) {
                int[][] dims = WEIGHTED.get(l.getName());
                for (int i = 0; i < 2; i++) b.addBlobs(legacy(dims[i], blobs[i]));
            }
            n.addLayers(b);
        }
        n.addLayers(V1LayerParameter.newBuilder().setName("loss1/fc").setType(LayerType.INNER_PRODUCT).addBottom("norm1").addTop("loss1/fc")
                .addBlobs(legacy(new int[] {7, 13}, w.get("loss1/fc")[0])).addBlobs(legacy(new int[] {7}, w.get("loss1/fc")[1])));
        n.addLayers(V1LayerParameter.newBuilder().setName("loss").setType(LayerType.SOFTMAX_LOSS).addBottom("fc").addBottom("label").addTop("loss"));
        return n.build();
    }

    static LayerType v1Type(String t) {
        return switch (t) {
            case "Convolution" -> LayerType.CONVOLUTION;
            case "ReLU" -> LayerType.RELU;
            case "Pooling" -> LayerType.POOLING;
            case "LRN" -> LayerType.LRN;
            case "Concat" -> LayerType.CONCAT;
            case "Dropout" -> LayerType.DROPOUT;
            case "InnerProduct" -> LayerType.INNER_PRODUCT;
            case "Softmax" -> LayerType.SOFTMAX;
            default -> throw new IllegalArgumentException(t);
        };
    }

    /** Legacy num/channels/height/width, right-aligned: a bias is 1×1×1×N, an FC weight 1×1×M×N. */
    static BlobProto legacy(int[] dims, float[] data) {
        int[] d4 = {1, 1, 1, 1};
        System.arraycopy(dims, 0, d4, 4 - dims.length, dims.length);
        return BlobProto.newBuilder().setNum(d4[0]).setChannels(d4[1]).setHeight(d4[2]).setWidth(d4[3]).addAllData(boxed(data)).build();
    }

    static LayerParameter conv(String name, String bottom, int out, int k, int stride, int pad, int group) {
        ConvolutionParameter.Builder c = ConvolutionParameter.newBuilder().setNumOutput(out).addKernelSize(k);
        if (stride != 1) c.addStride(stride);
        if (pad != 0) c.addPad(pad);
        if (group != 1) c.setGroup(group);
        return LayerParameter.newBuilder().setName(name).setType("Convolution").addBottom(bottom).addTop(name).setConvolutionParam(c).build();
    }

    static LayerParameter simple(String name, String type, String bottom, String top) {
        return LayerParameter.newBuilder().setName(name).setType(type).addBottom(bottom).addTop(top).build();
    }

    public static BlobShape shape(int[] dims) {
        BlobShape.Builder b = BlobShape.newBuilder();
        for (int d : dims) b.addDim(d);
        return b.build();
    }

    static float[] random(Random r, int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static List<Float> boxed(float[] a) {
        List<Float> l = new ArrayList<>(a.length);
        for (float f : a) l.add(f);
        return l;
    }
}
