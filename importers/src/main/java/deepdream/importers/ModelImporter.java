package deepdream.importers;

import deepdream.engine.model.NetDef;

import java.nio.file.Path;

/**
 * One model file format (Caffe now, ONNX next): reads a model into a format-neutral {@link NetDef}.
 * Errors in the files are {@link ModelFormatException}s naming the file and what to do.
 */
public interface ModelImporter {
    /** The format's name, as the catalog's {@code NAME.format} says it ("caffe"). */
    String format();

    /** Whether this is a model file of this format (by its name: .prototxt, .onnx). */
    boolean recognises(Path model);

    /**
     * The model with its weights. weights: a separate weights file for formats that keep them apart
     * (Caffe's .caffemodel), null for formats with one file.
     */
    NetDef load(Path model, Path weights);

    /** The architecture alone, every weight zero: for listing blobs and shapes before weights are downloaded. */
    NetDef architecture(Path model);

    /** Whether the format keeps weights in a file of their own (then {@link #load} needs one). */
    boolean separateWeights();
}
