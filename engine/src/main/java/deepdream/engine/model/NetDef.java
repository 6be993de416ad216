package deepdream.engine.model;

import java.util.List;

/**
 * A whole network definition: the input blob (with the shape the model file declares, used as the
 * default), the layers in execution order, and how images are prepared for it.
 */
public record NetDef(String name, String inputBlob, int[] inputShape, List<LayerDef> layers, Preprocessing preprocessing) {
    public NetDef {
        layers = List.copyOf(layers);
        if (preprocessing == null) throw new IllegalArgumentException("net '" + name + "' has no preprocessing description");
    }

    /** A net with Caffe's preprocessing: BGR minus this mean (in BGR order). */
    public NetDef(String name, String inputBlob, int[] inputShape, List<LayerDef> layers, float[] meanBgr) {
        this(name, inputBlob, inputShape, layers, Preprocessing.caffe(meanBgr, inputShape[2], inputShape[3]));
    }

    /**
     * The BGR mean of a Caffe-style net, as the dream and visualize algorithms take it. A net with
     * another preprocessing (RGB, std, scale) has none: use {@link #preprocessing()}.
     */
    public float[] meanBgr() {
        if (!preprocessing.isCaffeStyle())
            throw new UnsupportedOperationException("net '" + name + "' is not preprocessed Caffe's way (BGR minus a mean): " + preprocessing);
        return preprocessing.mean();
    }
}
