package deepdream.importers.caffe;

import deepdream.engine.model.NetDef;
import deepdream.importers.ModelFormatException;
import deepdream.importers.caffe.proto.Caffe.BlobProto;
import deepdream.importers.caffe.proto.Caffe.BlobShape;
import deepdream.importers.caffe.proto.Caffe.ConcatParameter;
import deepdream.importers.caffe.proto.Caffe.ConvolutionParameter;
import deepdream.importers.caffe.proto.Caffe.DataParameter;
import deepdream.importers.caffe.proto.Caffe.ImageDataParameter;
import deepdream.importers.caffe.proto.Caffe.InnerProductParameter;
import deepdream.importers.caffe.proto.Caffe.InputParameter;
import deepdream.importers.caffe.proto.Caffe.LayerParameter;
import deepdream.importers.caffe.proto.Caffe.NetParameter;
import deepdream.importers.caffe.proto.Caffe.NetStateRule;
import deepdream.importers.caffe.proto.Caffe.Phase;
import deepdream.importers.caffe.proto.Caffe.ReLUParameter;
import deepdream.importers.caffe.proto.Caffe.SoftmaxParameter;
import deepdream.importers.caffe.proto.Caffe.TransformationParameter;
import deepdream.importers.caffe.proto.Caffe.V1LayerParameter;
import deepdream.importers.caffe.proto.Caffe.V1LayerParameter.LayerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15: one small net (or call) per PIT mutant that survived the importers' suite on
 * 2026-12-03 in the Caffe package (see DEVELOPERS.md, "Mutation testing and fuzzing"). Each test
 * names the mutated line it guards.
 */
class CaffeMutantsTest {
    final Map<String, float[][]> weights = TinyNets.randomWeights(15);

    static NetParameter.Builder withInput(int... dims) {
        return NetParameter.newBuilder().setName("n").addLayer(LayerParameter.newBuilder().setName("data").setType("Input").addTop("data")
                .setInputParam(InputParameter.newBuilder().addShape(TinyNets.shape(dims))));
    }

    static LayerParameter ip(String name, String bottom, int out, boolean bias) {
        return LayerParameter.newBuilder().setName(name).setType("InnerProduct").addBottom(bottom).addTop(name)
                .setInnerProductParam(InnerProductParameter.newBuilder().setNumOutput(out).setBiasTerm(bias)).build();
    }

    static ModelFormatException refused(NetParameter arch) {
        return assertThrows(ModelFormatException.class, () -> CaffeImporter.architecture(arch, "p.prototxt"));
    }

    static ModelFormatException refused(NetParameter arch, NetParameter w) {
        return assertThrows(ModelFormatException.class, () -> CaffeImporter.build(arch, "p.prototxt", w, "w.caffemodel", CaffeImporter.imagenetMeanBgr()));
    }

    static NetParameter.Builder snapshot(Map<String, float[][]> w, String layer, java.util.function.UnaryOperator<LayerParameter.Builder> change) {
        NetParameter.Builder s = TinyNets.snapshotV2(w).toBuilder();
        for (int i = 0; i < s.getLayerCount(); i++) if (s.getLayer(i).getName().equals(layer)) s.setLayer(i, change.apply(s.getLayer(i).toBuilder()));
        return s;
    }

    static void assertContains(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    // ---- NetBuilder ----

    /** add:104: a geometry error names the declared input size. */
    @Test
    void aGeometryErrorNamesTheDeclaredInput() {
        NetParameter arch = withInput(1, 3, 3, 3).addLayer(TinyNets.conv("big", "data", 2, 5, 1, 0, 1)).build();
        assertContains(refused(arch), "layer 'big'", "(at the declared input 1×3×3×3)");
    }

    /** blob:272: a blob holding double_data (no float data) loads. */
    @Test
    void doubleDataBlobsLoad() {
        float[] bias = weights.get("conv1")[1];
        BlobProto.Builder b = BlobProto.newBuilder().setShape(TinyNets.shape(new int[] {4}));
        for (float f : bias) b.addDoubleData(f);
        NetParameter s = snapshot(weights, "conv1", l -> l.setBlobs(1, b)).build();
        NetDef def = CaffeImporter.build(TinyNets.deploy(), "p", s, "w", CaffeImporter.imagenetMeanBgr());
        assertArrayEquals(bias, CaffeImporterTest.layer(def, "conv1").blobs().get(1).data());
    }

    /** describe:298 and weights:251: the too-few-blobs and missing-layer messages list the shapes. */
    @Test
    void weightMessagesListTheShapes() {
        NetParameter oneBlob = snapshot(weights, "conv1", l -> l.removeBlobs(1)).build();
        assertContains(refused(TinyNets.deploy(), oneBlob), "layer 'conv1' needs 2 blobs (weights 4×3×3×3 and bias 4)", "has 1 (4×3×3×3)");
        NetParameter.Builder s = TinyNets.snapshotV2(weights).toBuilder();
        for (int i = 0; i < s.getLayerCount(); i++) if (s.getLayer(i).getName().equals("b2")) { s.removeLayer(i); break; }
        assertContains(refused(TinyNets.deploy(), s.build()), "layer 'b2'", "needs weights 2×2×3×3 and bias 2, but");
    }

    /** inTestPhase:310: a layer excluded from TEST is left out. */
    @Test
    void layersExcludedFromTheTestPhaseAreLeftOut() {
        NetParameter.Builder b = TinyNets.deploy().toBuilder();
        b.addLayer(LayerParameter.newBuilder().setName("not_in_test").setType("Eltwise").addBottom("fc").addTop("x")
                .addExclude(NetStateRule.newBuilder().setPhase(Phase.TEST)));
        assertEquals(12, CaffeImporter.architecture(b.build(), "p").layers().size());
    }

    /** setInput:191: a batch of Integer.MAX_VALUE is still positive (and run as 1). */
    @Test
    void theLargestIntBatchIsRunAsOne() {
        NetParameter arch = withInput(Integer.MAX_VALUE, 3, 4, 4).addLayer(TinyNets.simple("r", "ReLU", "data", "r")).build();
        assertArrayEquals(new int[] {1, 3, 4, 4}, CaffeImporter.architecture(arch, "p").inputShape());
    }

    /** spec:145: num_output 1 is valid; stripLeadingOnes:291: a scalar blob is not the 1-element bias. */
    @Test
    void anInnerProductWithOneOutputAndItsBiasShape() {
        NetParameter arch = withInput(1, 3, 2, 2).addLayer(ip("fc", "data", 1, true)).build();
        assertEquals(1, CaffeImporter.architecture(arch, "p").layers().size());
        NetParameter.Builder w = NetParameter.newBuilder().addLayer(LayerParameter.newBuilder().setName("fc")
                .addBlobs(BlobProto.newBuilder().setShape(TinyNets.shape(new int[] {1, 12})).addAllData(TinyNets.boxed(new float[12])))
                .addBlobs(BlobProto.newBuilder().setShape(BlobShape.newBuilder()).addData(1f)));
        assertContains(refused(arch, w.build()), "layer 'fc': bias blob in w.caffemodel has shape (scalar), but p.prototxt needs 1");
    }

    /** spec:157: concat axis (or the legacy concat_dim) 2 is refused. */
    @Test
    void concatAlongAnotherAxisIsRefused() {
        for (ConcatParameter p : List.of(ConcatParameter.newBuilder().setAxis(2).build(), ConcatParameter.newBuilder().setConcatDim(2).build())) {
            NetParameter arch = withInput(1, 3, 4, 4).addLayer(LayerParameter.newBuilder().setName("cat").setType("Concat")
                    .addBottom("data").addBottom("data").addTop("cat").setConcatParam(p)).build();
            assertContains(refused(arch), "layer 'cat'", "concat along axis 2 is not supported");
        }
    }

    /** weights:241: exactly MAX_WEIGHTS (2^28) weights pass the size check (then fail on the missing layer, without allocating). */
    @Test
    void exactlyMaxWeightsPassTheSizeCheck() {
        NetParameter arch = withInput(1, 1, 1024, 1024).addLayer(ip("fc", "data", 256, false)).build();
        NetParameter w = NetParameter.newBuilder().addLayer(LayerParameter.newBuilder().setName("other")
                .addBlobs(BlobProto.newBuilder().setShape(TinyNets.shape(new int[] {1})).addData(1f))).build();
        assertContains(refused(arch, w), "needs weights 256×1048576, but w.caffemodel has no layer of that name");
    }

    /** weights:240: a convolution without bias needs one blob; :247: the architecture alone has a zero bias. */
    @Test
    void blobCountsWithAndWithoutBias() {
        NetParameter arch = withInput(1, 3, 4, 4).addLayer(LayerParameter.newBuilder().setName("c").setType("Convolution").addBottom("data").addTop("c")
                .setConvolutionParam(ConvolutionParameter.newBuilder().setNumOutput(2).addKernelSize(1).setBiasTerm(false))).build();
        NetParameter w = NetParameter.newBuilder().addLayer(LayerParameter.newBuilder().setName("c")
                .addBlobs(BlobProto.newBuilder().setShape(TinyNets.shape(new int[] {2, 3, 1, 1})).addAllData(TinyNets.boxed(new float[] {1, 2, 3, 4, 5, 6})))).build();
        NetDef def = CaffeImporter.build(arch, "p", w, "w", CaffeImporter.imagenetMeanBgr());
        assertEquals(1, def.layers().get(0).blobs().size());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, def.layers().get(0).blobs().get(0).data());
        NetDef zero = CaffeImporter.architecture(TinyNets.deploy(), "p");
        assertEquals(2, CaffeImporterTest.layer(zero, "conv1").blobs().size());
        assertArrayEquals(new int[] {4}, CaffeImporterTest.layer(zero, "conv1").blobs().get(1).shape());
    }

    // ---- CaffeLayer.of: V1 parameters ----

    static NetParameter v1(V1LayerParameter.Builder layer) {
        return NetParameter.newBuilder().setName("v1").addInput("data").addInputDim(1).addInputDim(3).addInputDim(4).addInputDim(4)
                .addLayers(layer.setName("l").addBottom("data").addTop("l")).build();
    }

    /** of:30/32/33: a V1 layer's concat, relu and softmax parameters are read. */
    @Test
    void v1ConcatReluAndSoftmaxParametersAreRead() {
        assertContains(refused(v1(V1LayerParameter.newBuilder().setType(LayerType.CONCAT).addBottom("data")
                .setConcatParam(ConcatParameter.newBuilder().setConcatDim(2)))), "concat along axis 2");
        assertContains(refused(v1(V1LayerParameter.newBuilder().setType(LayerType.RELU)
                .setReluParam(ReLUParameter.newBuilder().setNegativeSlope(0.1f)))), "leaky ReLU (negative_slope 0.1)");
        assertContains(refused(v1(V1LayerParameter.newBuilder().setType(LayerType.SOFTMAX)
                .setSoftmaxParam(SoftmaxParameter.newBuilder().setAxis(2)))), "softmax over axis 2");
    }

    /** of:34/35/36: a V1 data layer's crop_size (data, image data or transform parameter) sizes the input. */
    @Test
    void v1DataLayersCropSizes() {
        List<V1LayerParameter.Builder> data = List.of(
                V1LayerParameter.newBuilder().setType(LayerType.DATA).setDataParam(DataParameter.newBuilder().setCropSize(5)),
                V1LayerParameter.newBuilder().setType(LayerType.IMAGE_DATA).setImageDataParam(ImageDataParameter.newBuilder().setCropSize(6)),
                V1LayerParameter.newBuilder().setType(LayerType.DATA).setTransformParam(TransformationParameter.newBuilder().setCropSize(7)));
        for (int i = 0; i < 3; i++) {
            NetParameter n = NetParameter.newBuilder().setName("v1")
                    .addLayers(data.get(i).setName("data").addTop("data").addTop("label"))
                    .addLayers(V1LayerParameter.newBuilder().setName("r").setType(LayerType.RELU).addBottom("data").addTop("r")).build();
            assertArrayEquals(new int[] {1, 3, 5 + i, 5 + i}, CaffeImporter.architecture(n, "p").inputShape(), "data layer " + i);
        }
    }

    // ---- CaffeImporter, CaffeFiles, CaffeModelImporter ----

    /** weightsByName:106/107: a layer present without blobs counts as absent (V1 and V2 snapshots). */
    @Test
    void aLayerWithoutBlobsIsAbsent() {
        NetParameter v2 = snapshot(weights, "b2", LayerParameter.Builder::clearBlobs).build();
        assertContains(refused(TinyNets.deploy(), v2), "layer 'b2'", "has no layer of that name");
        NetParameter.Builder v1 = TinyNets.snapshotV1(weights).toBuilder();
        for (int i = 0; i < v1.getLayersCount(); i++) if (v1.getLayers(i).getName().equals("b2")) v1.setLayers(i, v1.getLayers(i).toBuilder().clearBlobs());
        assertContains(refused(TinyNets.deploy(), v1.build()), "layer 'b2'", "has no layer of that name");
    }

    /** CaffeFiles.readCaffemodel:69: loading from files gives the file's weights, not zeros. */
    @Test
    void loadingFromFilesReadsTheWeights(@TempDir Path dir) throws Exception {
        Path proto = dir.resolve("tiny.prototxt"), model = dir.resolve("tiny.caffemodel");
        Files.writeString(proto, TinyNets.deployText());
        Files.write(model, TinyNets.snapshotV2(weights).toByteArray());
        assertArrayEquals(weights.get("conv1")[0], CaffeImporterTest.layer(CaffeImporter.load(proto, model), "conv1").blobs().get(0).data());
    }

    /** CaffeModelImporter.recognises:16/17: not ONNX files, not caffemodels; prototxts and names without a file name are tried. */
    @Test
    void theCaffeImporterRecognisesPrototxtsOnly() {
        CaffeModelImporter c = new CaffeModelImporter();
        assertFalse(c.recognises(Path.of("m/resnet.ONNX")));
        assertFalse(c.recognises(Path.of("m/bvlc.caffemodel")));
        assertTrue(c.recognises(Path.of("m/deploy.prototxt")));
        assertTrue(c.recognises(Path.of("/")));
    }

    /** matchesTest:316–318: Caffe's StateMeetsRule for TEST at level 0 with no stages: min_level 1, max_level -1 and a stage each fail it. */
    @Test
    void includeRulesFollowCaffesStateMeetsRule() {
        java.util.function.Function<NetStateRule.Builder, Integer> layersWith = rule -> {
            NetParameter.Builder b = TinyNets.deploy().toBuilder();
            b.addLayer(LayerParameter.newBuilder().setName("ruled").setType("Eltwise").addBottom("fc").addTop("x").addInclude(rule));
            return CaffeImporter.architecture(b.build(), "p").layers().size();
        };
        assertEquals(12, layersWith.apply(NetStateRule.newBuilder().setPhase(Phase.TEST).setMinLevel(1)), "min_level 1 > 0: left out");
        assertEquals(12, layersWith.apply(NetStateRule.newBuilder().setPhase(Phase.TEST).setMaxLevel(-1)), "max_level -1 < 0: left out");
        assertEquals(12, layersWith.apply(NetStateRule.newBuilder().setPhase(Phase.TEST).addStage("deploy")), "a stage the state lacks: left out");
        NetParameter.Builder b = TinyNets.deploy().toBuilder();
        b.addLayer(TinyNets.simple("kept", "ReLU", "fc", "x").toBuilder().addInclude(NetStateRule.newBuilder().setPhase(Phase.TEST).setMinLevel(0).setMaxLevel(0)));
        assertEquals(13, CaffeImporter.architecture(b.build(), "p").layers().size(), "min_level 0, max_level 0: kept");
    }
}
