package deepdream.engine.model;

import java.util.List;

/**
 * A whole network definition: the input blob (with the shape the model file declares, used as the
 * default) and the layers in execution order.
 */
public record NetDef(String name, String inputBlob, int[] inputShape, List<LayerDef> layers, float[] meanBgr) {
    public NetDef {
        layers = List.copyOf(layers);
    }
}
