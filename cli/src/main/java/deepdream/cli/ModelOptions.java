package deepdream.cli;

import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.caffe.Labels;
import deepdream.importers.ModelCatalog;
import deepdream.importers.ModelFormatException;
import deepdream.importers.ModelImporters;
import deepdream.importers.ModelLocator;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --model PROTOTXT --weights CAFFEMODEL --labels FILE}: which net, a mixin. Without options:
 * the bundled BVLC GoogLeNet with weights from $DEEPDREAM_WEIGHTS or the user cache.
 */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "MODEL", description = "Model, format by its name: a Caffe deploy .prototxt, or an .onnx with its weights (default: the bundled BVLC GoogLeNet).")
    public Path model;

    @Option(names = "--weights", paramLabel = "CAFFEMODEL",
            description = "Caffe weights (default: $DEEPDREAM_WEIGHTS, else ~/.cache/deepdream/models/; get them with 'deepdream models fetch').")
    public Path weights;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class labels, one per line (default: synset_words.txt beside the weights).")
    public Path labels;

    private Path resolvedWeights;

    /** The catalog entry the defaults come from (the bundled default model). */
    public static ModelCatalog.Entry defaultEntry() { return catalog().defaultModel(); }

    /** The bundled catalog, or the one named by -Ddeepdream.catalog=FILE (tests, private model lists). */
    public static ModelCatalog catalog() {
        String file = System.getProperty("deepdream.catalog");
        return file == null ? ModelCatalog.bundled() : ModelCatalog.read(Path.of(file));
    }

    /** The weights file that will be used; an error saying how to get weights when there are none. */
    public Path weightsPath() {
        if (resolvedWeights == null) resolvedWeights = wrap(() -> ModelLocator.system().findWeights(weights, defaultEntry()));
        return resolvedWeights;
    }

    /** Architecture and weights. */
    public NetDef loadNet() {
        if (model != null && !wrap(() -> ModelImporters.forFile(model)).separateWeights())
            return wrap(() -> ModelImporters.forFile(model).load(model, null));   // weights inside (ONNX)
        Path w = weightsPath();
        return wrap(() -> model != null ? ModelImporters.forFile(model).load(model, w) : CaffeImporter.loadDefault(w));
    }

    /** The architecture with zero weights: for listing blobs and shapes before any weights are downloaded. */
    public NetDef loadArchitecture() {
        return wrap(() -> model != null ? ModelImporters.forFile(model).architecture(model) : CaffeImporter.defaultArchitectureDef());
    }

    /** The labels, or null when there are none (classes are then shown by index). */
    public Labels loadLabels(int classes) {
        return wrap(() -> {
            Path file = ModelLocator.system().findLabels(labels, weights != null || resolvedWeights != null ? weightsPath() : null, defaultEntry());
            return file == null ? null : Labels.read(file).requireCount(classes, file);
        });
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
