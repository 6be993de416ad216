package deepdream.cli;

import deepdream.engine.model.NetDef;
import deepdream.engine.model.Preprocessing;
import deepdream.importers.ModelImporter;
import deepdream.importers.caffe.CaffeFiles;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.onnx.OnnxImporter;
import deepdream.importers.caffe.Labels;
import deepdream.importers.ModelCatalog;
import deepdream.importers.ModelFormatException;
import deepdream.importers.ModelImporters;
import deepdream.importers.ModelLocator;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --model MODEL --weights CAFFEMODEL --labels FILE} and the preprocessing flags: which net, a
 * mixin. MODEL is a file (a Caffe deploy .prototxt, an .onnx) or the name of a catalog model
 * ({@code deepdream models list}); without it, the catalog's default (the bundled BVLC GoogLeNet)
 * with weights from $DEEPDREAM_WEIGHTS or the user cache.
 */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "MODEL",
            description = {"Model: a known model's name ('deepdream models list'), or a file, format by its name:",
                    "a Caffe deploy .prototxt, or an .onnx with its weights (default: the bundled BVLC GoogLeNet)."})
    public Path model;

    @Option(names = "--weights", paramLabel = "CAFFEMODEL",
            description = "Caffe weights (default: $DEEPDREAM_WEIGHTS, else ~/.cache/deepdream/models/; get them with 'deepdream models fetch').")
    public Path weights;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class labels, one per line (default: synset_words.txt beside the weights).")
    public Path labels;

    @Option(names = "--channel-order", paramLabel = "RGB|BGR", description = "Input channel order the model expects (default: the catalog's, else RGB for ONNX, BGR for Caffe).")
    public String channelOrder;

    @Option(names = "--mean", paramLabel = "A,B,C", split = ",", description = "Per-channel mean subtracted from the input, in the model's channel order and value scale (default: the catalog's, else ImageNet's).")
    public float[] mean;

    @Option(names = "--std", paramLabel = "A,B,C", split = ",", description = "Per-channel divisor after the mean, in the model's channel order (default: the catalog's, else ImageNet's for ONNX, 1 for Caffe).")
    public float[] std;

    @Option(names = "--scale", paramLabel = "S", description = "Pixel values 0..255 are multiplied by S first (1/255 = 0.00392157 for 0..1 models; default: the catalog's, else 1/255 for ONNX, 1 for Caffe).")
    public Float scale;

    private Path resolvedWeights;

    /** The catalog entry the defaults come from (the bundled default model). */
    public static ModelCatalog.Entry defaultEntry() { return catalog().defaultModel(); }

    /** The bundled catalog, or the one named by -Ddeepdream.catalog=FILE (tests, private model lists). */
    public static ModelCatalog catalog() {
        String file = System.getProperty("deepdream.catalog");
        return file == null ? ModelCatalog.bundled() : ModelCatalog.read(Path.of(file));
    }

    /**
     * The catalog model in use: the one --model names, the default when --model is not given, null
     * when --model is a file. A --model that is neither a file nor a known name is an error listing both.
     */
    public ModelCatalog.Entry entry() {
        if (model == null) return defaultEntry();
        if (Files.exists(model)) return null;
        ModelCatalog c = wrap(ModelOptions::catalog);
        var e = c.find(model.toString());
        if (e.isPresent()) return e.get();
        if (model.getFileName() != null && model.getFileName().toString().contains(".")) return null;   // a file: its importer says it is missing
        throw new UserException("--model " + model + " is neither a file nor a known model; known models: "
                + String.join(", ", c.entries().stream().map(ModelCatalog.Entry::name).toList()) + " ('deepdream models list')");
    }

    /** The weights file that will be used; an error saying how to get weights when there are none. */
    public Path weightsPath() {
        if (resolvedWeights == null) {
            ModelCatalog.Entry e = entry(), from = e != null ? e : defaultEntry();
            // $DEEPDREAM_WEIGHTS holds the default model's weights: another catalog model comes from --weights or the cache.
            ModelLocator locator = from.name().equals(defaultEntry().name()) ? ModelLocator.system() : ModelLocator.system().withoutEnv();
            resolvedWeights = wrap(() -> locator.findWeights(weights, from));
        }
        return resolvedWeights;
    }

    /** Architecture and weights. */
    public NetDef loadNet() {
        ModelCatalog.Entry e = entry();
        if (e != null && e.format().equalsIgnoreCase("onnx"))
            return wrap(() -> OnnxImporter.loadPrepared(weightsPath(), e.preprocessing(), this::preprocessing));
        if (e != null)
            return wrap(() -> CaffeImporter.build(CaffeFiles.parsePrototxt(e.prototxt(), e.prototxtResource() + " (bundled)"), e.prototxtResource() + " (bundled)",
                    CaffeFiles.readCaffemodel(weightsPath()), weightsPath().toString(), caffeMean(e.meanBgr())));
        ModelImporter importer = wrap(() -> ModelImporters.forFile(model));
        if (importer instanceof OnnxImporter) return wrap(() -> OnnxImporter.loadPrepared(model, OnnxImporter.TORCHVISION, this::preprocessing));
        if (!importer.separateWeights()) return wrap(() -> importer.load(model, null));
        Path w = weightsPath();
        float[] m = caffeMean(CaffeImporter.imagenetMeanBgr());
        return wrap(() -> CaffeImporter.build(CaffeFiles.readPrototxt(model), model.toString(), CaffeFiles.readCaffemodel(w), w.toString(), m));
    }

    /** The architecture with zero weights: for listing blobs and shapes before any weights are downloaded. */
    public NetDef loadArchitecture() {
        ModelCatalog.Entry e = entry();
        if (e != null && e.format().equalsIgnoreCase("onnx")) return loadNet();      // the architecture is in the weights file
        if (e != null) return wrap(() -> CaffeImporter.architecture(CaffeFiles.parsePrototxt(e.prototxt(), e.prototxtResource() + " (bundled)"), e.prototxtResource() + " (bundled)"));
        ModelImporter importer = wrap(() -> ModelImporters.forFile(model));
        return importer.separateWeights() ? wrap(() -> importer.architecture(model)) : loadNet();
    }

    /** The labels, or null when there are none (classes are then shown by index). */
    public Labels loadLabels(int classes) {
        return wrap(() -> {
            ModelCatalog.Entry e = entry();
            Path file = ModelLocator.system().findLabels(labels, weights != null || resolvedWeights != null ? weightsPath() : null, e != null ? e : defaultEntry());
            return file == null ? null : Labels.read(file).requireCount(classes, file);
        });
    }

    /**
     * The blob a dream amplifies when no --layer is given: the catalog entry's dream layer (its exact
     * name, or the one blob named NAME_N, as converters suffix names), else GoogLeNet's
     * inception_4c/output when the net has it, else the output of the layer two thirds of the way in.
     */
    public String defaultDreamLayer(NetDef def) {
        java.util.Set<String> blobs = new java.util.LinkedHashSet<>();
        for (var l : def.layers()) blobs.add(l.top());
        ModelCatalog.Entry e = entry();
        String wanted = e != null ? e.dreamLayer() : deepdream.engine.dream.DreamParams.DEFAULT_LAYER;
        if (blobs.contains(wanted)) return wanted;
        List<String> suffixed = blobs.stream().filter(b -> b.startsWith(wanted + "_") && b.substring(wanted.length() + 1).chars().allMatch(Character::isDigit)).toList();
        if (suffixed.size() == 1) return suffixed.get(0);
        List<String> all = new ArrayList<>(blobs);
        return all.get(Math.max(0, all.size() * 2 / 3 - 1));
    }

    /** The preprocessing of a model: {@code base} with the flags given applied over it. */
    Preprocessing preprocessing(Preprocessing base) {
        Preprocessing.ChannelOrder order = base.channelOrder();
        if (channelOrder != null) {
            try {
                order = Preprocessing.ChannelOrder.valueOf(channelOrder.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new UserException("--channel-order " + channelOrder + ": expected RGB or BGR");
            }
        }
        float[] m = mean != null ? three("--mean", mean) : base.mean();
        float[] sd = std != null ? three("--std", std) : base.std();
        for (float v : sd) if (!(v > 0)) throw new UserException("--std " + Arrays.toString(std) + ": every divisor must be > 0");
        float sc = scale != null ? scale : base.scale();
        if (!(sc > 0)) throw new UserException("--scale " + scale + ": must be > 0");
        return new Preprocessing(order, m, sd, sc, base.height(), base.width());
    }

    /** Caffe models take BGR minus a mean and nothing else: --mean applies, the other flags are refused. */
    private float[] caffeMean(float[] catalogMean) {
        if (channelOrder != null || std != null || scale != null)
            throw new UserException("--channel-order, --std and --scale apply to ONNX models; a Caffe model takes BGR pixels minus --mean B,G,R");
        return mean != null ? three("--mean", mean) : catalogMean;
    }

    private static float[] three(String flag, float[] v) {
        if (v.length != 3) throw new UserException(flag + " takes three numbers, one per channel, e.g. " + flag + " 0.485,0.456,0.406");
        return v.clone();
    }

    /** Model-file errors are the user's to fix: shown as one message, without a stack trace. */
    static <T> T wrap(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (ModelFormatException e) {
            throw new UserException(e.getMessage(), e);
        }
    }
}
