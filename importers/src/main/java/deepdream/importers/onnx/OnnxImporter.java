package deepdream.importers.onnx;

import deepdream.engine.model.LayerDef;
import deepdream.engine.model.NetDef;
import deepdream.engine.model.Preprocessing;
import deepdream.importers.ModelFormatException;
import deepdream.importers.ModelImporter;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.onnx.proto.Onnx.OperatorSetIdProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ONNX as a {@link ModelImporter}: one .onnx file with its weights inside or in external-data files
 * beside it. ONNX files do not say how images are prepared; {@link #TORCHVISION} (what every
 * torchvision ImageNet model and the ONNX model zoo's use) is the default.
 */
public final class OnnxImporter implements ModelImporter {
    /** torchvision's ImageNet preprocessing: RGB 0..1 minus mean, divided by std. */
    public static final Preprocessing TORCHVISION = new Preprocessing(Preprocessing.ChannelOrder.RGB,
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, 1f / 255f, 0, 0);

    @Override public String format() { return "onnx"; }

    @Override
    public boolean recognises(Path model) {
        return model.getFileName() != null && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override public boolean separateWeights() { return false; }

    /**
     * The model ready for the dream and visualize algorithms, which take Caffe's preprocessing: the
     * default preprocessing folded into the first convolution (see {@link PreprocessingFold}).
     */
    @Override
    public NetDef load(Path model, Path weights) { return PreprocessingFold.toCaffeStyle(read(model, TORCHVISION)); }

    @Override public NetDef architecture(Path model) { return load(model, null); }

    /**
     * The model as {@link #load}, its input prepared as the file's deepdream.* metadata says, else as
     * {@code fallback} (a catalog entry's), then changed by {@code adjust} (the user's flags).
     */
    public static NetDef loadPrepared(Path model, Preprocessing fallback, java.util.function.UnaryOperator<Preprocessing> adjust) {
        return PreprocessingFold.toCaffeStyle(read(model, fallback, adjust));
    }

    /**
     * The graph as the file has it, its input prepared as the file's deepdream.* metadata says
     * (files written by {@link OnnxExporter}), else by {@code preprocessing}.
     */
    public static NetDef read(Path model, Preprocessing preprocessing) { return read(model, preprocessing, p -> p); }

    private static NetDef read(Path model, Preprocessing preprocessing, java.util.function.UnaryOperator<Preprocessing> adjust) {
        ModelProto m = OnnxFiles.readModel(model);
        String source = model.toString();
        if (!m.hasGraph() || m.getGraph().getNodeCount() == 0)
            throw new ModelFormatException(source + " has no graph (is it an ONNX model? truncated?)");
        Map<String, String> meta = OnnxMetadata.of(m);
        boolean caffe = OnnxMetadata.caffe(meta);
        OnnxGraph g = new OnnxGraph(source, model.toAbsolutePath().getParent(), opset(m, source), caffe);
        g.build(m.getGraph());
        int[] in = g.inputShape();
        Preprocessing p = OnnxMetadata.preprocessing(meta, in, source);
        if (p == null) p = new Preprocessing(preprocessing.channelOrder(), preprocessing.mean(), preprocessing.std(), preprocessing.scale(), in[2], in[3]);
        p = adjust.apply(p);
        String name = m.getGraph().getName().isEmpty() ? model.getFileName().toString() : m.getGraph().getName();
        List<LayerDef> layers = g.layers();
        String input = g.inputBlob();
        if (caffe) {   // NAME#k back to NAME: Caffe's in-place layers
            List<LayerDef> renamed = new ArrayList<>();
            for (LayerDef l : layers)
                renamed.add(new LayerDef(l.name(), l.spec(), l.bottoms().stream().map(OnnxMetadata::caffeBlob).toList(),
                        OnnxMetadata.caffeBlob(l.top()), l.blobs()));
            layers = renamed;
            input = OnnxMetadata.caffeBlob(input);
        }
        return new NetDef(name, input, in, layers, p);
    }

    /** The default domain's opset; deepdream reads 7–17. */
    static int opset(ModelProto m, String source) {
        long v = -1;
        for (OperatorSetIdProto o : m.getOpsetImportList())
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) v = o.getVersion();
        if (v < 0) throw new ModelFormatException(source + " imports no opset of the default ONNX domain");
        if (v < OnnxGraph.MIN_OPSET || v > OnnxGraph.MAX_OPSET)
            throw new ModelFormatException(source + " uses opset " + v + "; deepdream reads opsets " + OnnxGraph.MIN_OPSET + "–" + OnnxGraph.MAX_OPSET
                    + " (convert it with onnx.version_converter.convert_version(model, 17))");
        return (int) v;
    }
}
