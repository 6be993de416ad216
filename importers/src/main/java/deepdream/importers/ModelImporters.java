package deepdream.importers;

import deepdream.importers.caffe.CaffeModelImporter;
import deepdream.importers.onnx.OnnxImporter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The model formats deepdream reads. To add one: its {@link ModelImporter} and one entry in {@link #ALL}. */
public final class ModelImporters {
    private ModelImporters() {}

    public static final List<ModelImporter> ALL = List.of(new OnnxImporter(), new CaffeModelImporter());

    /** The importer of this format name, or an error listing the known ones. */
    public static ModelImporter byFormat(String format) {
        for (ModelImporter i : ALL) if (i.format().equalsIgnoreCase(format)) return i;
        throw new ModelFormatException("unknown model format '" + format + "'; known formats: " + names());
    }

    /** The importer that recognises this model file, or an error naming the known formats. */
    public static ModelImporter forFile(Path model) {
        for (ModelImporter i : ALL) if (i.recognises(model)) return i;
        throw new ModelFormatException(model + " is not a model file deepdream can read (known formats: " + names()
                + "; a Caffe model is a .prototxt with a .caffemodel)");
    }

    private static String names() {
        List<String> n = new ArrayList<>();
        for (ModelImporter i : ALL) n.add(i.format());
        return String.join(", ", n);
    }
}
