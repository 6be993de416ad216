package deepdream.engine.model;

import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;

import java.util.List;

/**
 * One layer of a network definition, independent of any file format or backend.
 * {@code spec} is a {@link ConvSpec}, {@link PoolSpec} or {@link LrnSpec} for those kinds, else null;
 * {@code blobs} holds weights then bias for CONVOLUTION and INNER_PRODUCT (bias may be absent).
 * A layer whose top equals a bottom is in place: it makes a new version of that blob.
 */
public record LayerDef(String name, Kind kind, List<String> bottoms, String top, Object spec, List<HostBlob> blobs) {
    public enum Kind { CONVOLUTION, RELU, POOLING, LRN, CONCAT, INNER_PRODUCT, DROPOUT, SOFTMAX }

    public LayerDef {
        bottoms = List.copyOf(bottoms);
        blobs = List.copyOf(blobs);
    }
}
