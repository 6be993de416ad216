package deepdream.importers.caffe;

import deepdream.importers.ModelFormatException;
import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.proto.Caffe.BlobProto;
import deepdream.importers.caffe.proto.Caffe.LayerParameter;
import deepdream.importers.caffe.proto.Caffe.NetParameter;
import deepdream.importers.caffe.proto.Caffe.NetStateRule;
import deepdream.importers.caffe.proto.Caffe.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class CaffeImporterTest {
    final Map<String, float[][]> weights = TinyNets.randomWeights(42);

    @Test
    void v1AndV2SnapshotsImportToIdenticalWeights() {
        NetDef v2 = CaffeImporter.load(TinyNets.deployText(), TinyNets.snapshotV2(weights).toByteArray());
        NetDef v1 = CaffeImporter.load(TinyNets.deployText(), TinyNets.snapshotV1(weights).toByteArray());
        assertEquals(v2.layers().size(), v1.layers().size());
        for (int i = 0; i < v2.layers().size(); i++) {
            LayerDef a = v2.layers().get(i), b = v1.layers().get(i);
            assertEquals(a.name(), b.name());
            assertEquals(a.blobs().size(), b.blobs().size(), a.name());
            for (int k = 0; k < a.blobs().size(); k++) {
                assertArrayEquals(a.blobs().get(k).shape(), b.blobs().get(k).shape(), a.name());
                assertArrayEquals(a.blobs().get(k).data(), b.blobs().get(k).data(), a.name());
            }
        }
        // ... and they are the weights that were written, in canonical shapes.
        for (var e : TinyNets.WEIGHTED.entrySet()) {
            LayerDef l = layer(v1, e.getKey());
            assertArrayEquals(e.getValue()[0], l.blobs().get(0).shape(), e.getKey());
            assertArrayEquals(e.getValue()[1], l.blobs().get(1).shape(), e.getKey());
            assertArrayEquals(weights.get(e.getKey())[0], l.blobs().get(0).data());
            assertArrayEquals(weights.get(e.getKey())[1], l.blobs().get(1).data());
        }
    }

    @Test
    void importsTheArchitectureFaithfully() {
        NetDef def = CaffeImporter.load(TinyNets.deployText(), TinyNets.snapshotV2(weights).toByteArray());
        assertEquals("data", def.inputBlob());
        assertArrayEquals(TinyNets.INPUT, def.inputShape());
        assertEquals(List.of("conv1", "relu1", "pool1", "norm1", "b1", "relu_b1", "b2", "cat", "pool2", "drop", "fc", "prob"),
                def.layers().stream().map(LayerDef::name).toList());
        LayerDef relu = layer(def, "relu1");
        assertEquals(List.of("conv1"), relu.bottoms());
        assertEquals("conv1", relu.top());   // in place: a new version of conv1
        assertEquals(new LayerSpec.Convolution(new ConvSpec(3, 3, 2, 2, 1, 1, 1)), layer(def, "conv1").spec());
        assertEquals(2, ((LayerSpec.Convolution) layer(def, "b2").spec()).geometry().groups());
        assertEquals(new LayerSpec.Pooling(PoolSpec.max(3, 2, 0)), layer(def, "pool1").spec());
        assertEquals(PoolSpec.Method.AVE, ((LayerSpec.Pooling) layer(def, "pool2").spec()).geometry().method());
        assertEquals(List.of("b1", "b2"), layer(def, "cat").bottoms());
        assertArrayEquals(new float[] {104, 117, 123}, def.meanBgr());
    }

    @Test
    void legacyV1PrototxtWithInputDims() {
        // A 2014-style deploy prototxt: `input:` + 4 `input_dim:`, `layers` with enum types.
        NetParameter.Builder b = NetParameter.newBuilder().setName("tiny").addInput("data").addAllInputDim(List.of(10, 3, 13, 11));
        for (LayerParameter l : TinyNets.deploy().getLayerList()) {
            if (l.getType().equals("Input")) continue;
            var v = deepdream.importers.caffe.proto.Caffe.V1LayerParameter.newBuilder().setName(l.getName())
                    .setType(TinyNets.v1Type(l.getType())).addAllBottom(l.getBottomList()).addAllTop(l.getTopList());
            if (l.hasConvolutionParam()) v.setConvolutionParam(l.getConvolutionParam());
            if (l.hasPoolingParam()) v.setPoolingParam(l.getPoolingParam());
            if (l.hasLrnParam()) v.setLrnParam(l.getLrnParam());
            if (l.hasInnerProductParam()) v.setInnerProductParam(l.getInnerProductParam());
            b.addLayers(v);
        }
        String text = com.google.protobuf.TextFormat.printer().printToString(b.build());
        assertTrue(text.contains("type: CONVOLUTION"), text);
        NetDef v1 = CaffeImporter.load(text, TinyNets.snapshotV2(weights).toByteArray());
        NetDef v2 = CaffeImporter.load(TinyNets.deployText(), TinyNets.snapshotV2(weights).toByteArray());
        assertArrayEquals(TinyNets.INPUT, v1.inputShape());   // batch 10 → 1: one image at a time
        assertEquals(v2.layers().size(), v1.layers().size());
        for (int i = 0; i < v1.layers().size(); i++) {
            assertEquals(v2.layers().get(i).spec(), v1.layers().get(i).spec());
        }
    }

    @Test
    void legacyInputShape() {
        NetParameter.Builder b = TinyNets.deploy().toBuilder().removeLayer(0).addInput("data").addInputShape(TinyNets.shape(TinyNets.INPUT));
        NetDef def = CaffeImporter.build(b.build(), "p", TinyNets.snapshotV1(weights), "w", CaffeImporter.imagenetMeanBgr());
        assertArrayEquals(TinyNets.INPUT, def.inputShape());
    }

    @Test
    void trainOnlyLayersOfThePrototxtAreLeftOut() {
        NetParameter.Builder b = TinyNets.deploy().toBuilder();
        b.addLayer(LayerParameter.newBuilder().setName("train_only").setType("Eltwise").addBottom("fc").addTop("x")
                .addInclude(NetStateRule.newBuilder().setPhase(Phase.TRAIN)));
        b.addLayer(LayerParameter.newBuilder().setName("loss").setType("SoftmaxWithLoss").addBottom("fc").addBottom("label").addTop("loss"));
        NetDef def = CaffeImporter.build(b.build(), "p", TinyNets.snapshotV2(weights), "w", CaffeImporter.imagenetMeanBgr());
        assertEquals(12, def.layers().size());
    }

    @Test
    void missingWeightsNameTheLayer() {
        NetParameter.Builder s = TinyNets.snapshotV2(weights).toBuilder();
        for (int i = 0; i < s.getLayerCount(); i++) if (s.getLayer(i).getName().equals("b2")) { s.removeLayer(i); break; }
        var e = assertThrows(ModelFormatException.class, () -> CaffeImporter.load(TinyNets.deployText(), s.build().toByteArray()));
        assertTrue(e.getMessage().contains("layer 'b2'") && e.getMessage().contains("2×2×3×3"), e.getMessage());
    }

    @Test
    void wrongBlobShapeNamesLayerAndBothShapes() {
        NetParameter.Builder s = TinyNets.snapshotV2(weights).toBuilder();
        for (int i = 0; i < s.getLayerCount(); i++)
            if (s.getLayer(i).getName().equals("fc"))
                s.setLayer(i, s.getLayer(i).toBuilder().setBlobs(0, BlobProto.newBuilder().setShape(TinyNets.shape(new int[] {5, 21}))
                        .addAllData(TinyNets.boxed(new float[105]))));
        var e = assertThrows(ModelFormatException.class, () -> CaffeImporter.load(TinyNets.deployText(), s.build().toByteArray()));
        assertTrue(e.getMessage().contains("layer 'fc'") && e.getMessage().contains("5×21") && e.getMessage().contains("5×20"), e.getMessage());
    }

    @Test
    void blobWithTooFewValuesIsCorrupt() {
        NetParameter.Builder s = TinyNets.snapshotV2(weights).toBuilder();
        for (int i = 0; i < s.getLayerCount(); i++)
            if (s.getLayer(i).getName().equals("conv1"))
                s.setLayer(i, s.getLayer(i).toBuilder().setBlobs(1, BlobProto.newBuilder().setShape(TinyNets.shape(new int[] {4})).addData(1f)));
        var e = assertThrows(ModelFormatException.class, () -> CaffeImporter.load(TinyNets.deployText(), s.build().toByteArray()));
        assertTrue(e.getMessage().contains("layer 'conv1'") && e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void unsupportedLayerTypeNamesLayerAndType() {
        String text = TinyNets.deployText() + "\nlayer { name: \"sum\" type: \"Eltwise\" bottom: \"fc\" bottom: \"fc\" top: \"sum\" }\n";
        var e = assertThrows(ModelFormatException.class, () -> CaffeImporter.load(text, TinyNets.snapshotV2(weights).toByteArray()));
        assertTrue(e.getMessage().contains("layer 'sum'") && e.getMessage().contains("'Eltwise'"), e.getMessage());
    }

    @Test
    void prototxtSyntaxErrorGivesLineAndColumn() {
        String text = "name: \"x\"\nlayer {\n  name: \"a\"\n  tpye: \"ReLU\"\n}\n";
        var e = assertThrows(ModelFormatException.class, () -> CaffeFiles.parsePrototxt(text, "bad.prototxt"));
        assertTrue(e.getMessage().contains("bad.prototxt at line 4, column 3") && e.getMessage().contains("tpye"), e.getMessage());
    }

    @Test
    void truncatedCaffemodelIsRejected() {
        byte[] full = TinyNets.snapshotV2(weights).toByteArray();
        byte[] cut = Arrays.copyOf(full, full.length * 2 / 3);
        var e = assertThrows(ModelFormatException.class, () -> CaffeImporter.load(TinyNets.deployText(), cut));
        assertTrue(e.getMessage().contains("not a valid Caffe model") || e.getMessage().contains("no layers"), e.getMessage());
    }

    @Test
    void randomBytesAreRejected() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            byte[] junk = new byte[1000 + r.nextInt(5000)];
            r.nextBytes(junk);
            var e = assertThrows(ModelFormatException.class, () -> CaffeImporter.load(TinyNets.deployText(), junk));
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void loadsFromFiles(@TempDir Path dir) throws Exception {
        Path proto = dir.resolve("tiny.prototxt"), model = dir.resolve("tiny.caffemodel");
        Files.writeString(proto, TinyNets.deployText());
        Files.write(model, TinyNets.snapshotV1(weights).toByteArray());
        NetDef def = CaffeImporter.load(proto, model);
        assertEquals("tiny", def.name());
        var e = assertThrows(ModelFormatException.class, () -> CaffeImporter.load(proto, dir.resolve("nope.caffemodel")));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("nope.caffemodel"), e.getMessage());
    }

    @Test
    void bigCaffemodelsParse() {
        // Over protobuf's default 64 MB limit: the limit must be lifted for real (VGG-size) files.
        int n = 17_000_000;
        BlobProto.Builder blob = BlobProto.newBuilder().setShape(TinyNets.shape(new int[] {n}));
        float[] data = new float[n];
        data[n - 1] = 3f;
        blob.addAllData(TinyNets.boxed(data));
        NetParameter big = NetParameter.newBuilder().addLayer(LayerParameter.newBuilder().setName("big").setType("InnerProduct").addBlobs(blob)).build();
        byte[] bytes = big.toByteArray();
        assertTrue(bytes.length > 64 << 20);
        NetParameter back = CaffeFiles.parseCaffemodel(new java.io.ByteArrayInputStream(bytes), "big.caffemodel");
        assertEquals(3f, back.getLayer(0).getBlobs(0).getData(n - 1));
    }

    static LayerDef layer(NetDef def, String name) {
        return def.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }
}
