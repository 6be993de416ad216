package deepdream.importers.caffe;

import deepdream.engine.model.NetDef;
import deepdream.importers.ModelImporter;

import java.nio.file.Path;
import java.util.Locale;

/** Caffe as a {@link ModelImporter}: a deploy .prototxt and a .caffemodel. */
public final class CaffeModelImporter implements ModelImporter {
    @Override public String format() { return "caffe"; }

    /** A .prototxt (or .pbtxt); anything that is not another format's file is tried as a prototxt too, as before. */
    @Override
    public boolean recognises(Path model) {
        String name = model.getFileName() == null ? "" : model.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.endsWith(".onnx") && !name.endsWith(".caffemodel");
    }

    @Override public boolean separateWeights() { return true; }

    @Override public NetDef load(Path model, Path weights) { return CaffeImporter.load(model, weights); }

    @Override public NetDef architecture(Path model) { return CaffeImporter.architecture(CaffeFiles.readPrototxt(model), model.toString()); }
}
