package deepdream.importers.caffe;

import deepdream.importers.ModelFormatException;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.NetDef;
import deepdream.engine.model.Preprocessing;
import deepdream.importers.caffe.proto.Caffe.BlobProto;
import deepdream.importers.caffe.proto.Caffe.NetParameter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Caffe .prototxt + .caffemodel → {@link NetDef}, as Caffe's own Net::CopyTrainedLayersFrom does it:
 * the prototxt gives the architecture, the caffemodel's blobs are matched to its layers by name,
 * caffemodel layers the prototxt lacks (data, loss, the auxiliary heads) are ignored, and a layer
 * that needs weights and finds none or finds blobs of another shape is an error.
 *
 * <p>Both encodings are read: V1 (2014, {@code layers}, enum types, 4-D legacy blob dims) and V2
 * ({@code layer}, string types, {@code BlobShape}).
 */
public final class CaffeImporter {
    private CaffeImporter() {}

    /** Classpath location of the bundled BVLC GoogLeNet deploy prototxt (packaged from weights/). */
    public static final String DEFAULT_PROTOTXT_RESOURCE = "/deepdream/weights/bvlc_googlenet.prototxt";
    public static final String DEFAULT_PROTOTXT_NAME = "bvlc_googlenet.prototxt (bundled)";

    /** The ImageNet mean the BVLC nets were trained with, in BGR order. */
    public static float[] imagenetMeanBgr() { return new float[] {104f, 117f, 123f}; }

    public static NetDef load(Path prototxt, Path caffemodel) {
        NetParameter arch = CaffeFiles.readPrototxt(prototxt);
        NetParameter weights = CaffeFiles.readCaffemodel(caffemodel);
        return build(arch, prototxt.toString(), weights, caffemodel.toString(), imagenetMeanBgr());
    }

    /** The bundled BVLC GoogLeNet architecture with weights from this file. */
    public static NetDef loadDefault(Path caffemodel) {
        NetParameter weights = CaffeFiles.readCaffemodel(caffemodel);
        return build(defaultArchitecture(), DEFAULT_PROTOTXT_NAME, weights, caffemodel.toString(), imagenetMeanBgr());
    }

    public static NetDef load(String prototxtText, byte[] caffemodel) {
        return load(prototxtText, new ByteArrayInputStream(caffemodel));
    }

    public static NetDef load(String prototxtText, InputStream caffemodel) {
        NetParameter arch = CaffeFiles.parsePrototxt(prototxtText, "prototxt");
        NetParameter weights = CaffeFiles.parseCaffemodel(caffemodel, "caffemodel");
        return build(arch, "prototxt", weights, "caffemodel", imagenetMeanBgr());
    }

    /**
     * The architecture alone, every weight zero: enough to list blobs and shapes (`deepdream layers`)
     * before any weights are downloaded.
     */
    public static NetDef architecture(NetParameter arch, String source) {
        return build(arch, source, null, null, imagenetMeanBgr());
    }

    public static NetDef defaultArchitectureDef() { return architecture(defaultArchitecture(), DEFAULT_PROTOTXT_NAME); }

    public static String defaultPrototxt() {
        try (InputStream in = CaffeImporter.class.getResourceAsStream(DEFAULT_PROTOTXT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("bundled prototxt " + DEFAULT_PROTOTXT_RESOURCE + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled prototxt: " + e.getMessage(), e);
        }
    }

    public static NetParameter defaultArchitecture() { return CaffeFiles.parsePrototxt(defaultPrototxt(), DEFAULT_PROTOTXT_NAME); }

    /**
     * Builds the NetDef. weights may be null: then every weight blob is zero (architecture only).
     */
    public static NetDef build(NetParameter arch, String archSource, NetParameter weights, String weightsSource, float[] meanBgr) {
        Map<String, List<BlobProto>> byName = weights == null ? null : weightsByName(weights);
        NetBuilder b = new NetBuilder(archSource, byName, weightsSource);
        List<CaffeLayer> layers = new ArrayList<>();
        for (var l : arch.getLayersList()) layers.add(CaffeLayer.of(l));
        for (var l : arch.getLayerList()) layers.add(CaffeLayer.of(l));
        b.legacyInput(arch);
        for (CaffeLayer l : layers) b.add(l);
        List<LayerDef> defs = b.layers();
        if (b.inputBlob() == null)
            throw new ModelFormatException(archSource + " declares no net input (an Input layer, or 'input:' with 'input_dim:'/'input_shape')");
        if (defs.isEmpty()) throw new ModelFormatException(archSource + " has no layers deepdream can run");
        String name = arch.getName().isEmpty() ? "net" : arch.getName();
        int[] in = b.inputShape();
        return new NetDef(name, b.inputBlob(), in, defs, Preprocessing.caffe(meanBgr, in[2], in[3]));
    }

    /** Layer name → its blobs, from both encodings; layers without blobs are left out. */
    static Map<String, List<BlobProto>> weightsByName(NetParameter weights) {
        Map<String, List<BlobProto>> m = new HashMap<>();
        for (var l : weights.getLayersList()) if (l.getBlobsCount() > 0) m.put(l.getName(), l.getBlobsList());
        for (var l : weights.getLayerList()) if (l.getBlobsCount() > 0) m.put(l.getName(), l.getBlobsList());
        return m;
    }

    /** A blob's dims: its BlobShape, else the legacy num/channels/height/width (right-aligned). */
    static long[] dims(BlobProto b) {
        if (b.hasShape()) return b.getShape().getDimList().stream().mapToLong(Long::longValue).toArray();
        return new long[] {b.getNum(), b.getChannels(), b.getHeight(), b.getWidth()};
    }
}
