package deepdream.engine.model;

import java.util.List;

/**
 * One layer of a network definition, independent of any file format or backend: what it computes
 * ({@link LayerSpec}), the blobs it reads and writes, and its constants ({@code blobs}: weights then
 * bias for convolution and inner product, bias may be absent). A layer whose top equals a bottom is
 * in place: it makes a new version of that blob.
 */
public record LayerDef(String name, LayerSpec spec, List<String> bottoms, String top, List<HostBlob> blobs) {
    public LayerDef {
        if (spec == null) throw new IllegalArgumentException("layer '" + name + "' has no spec");
        bottoms = List.copyOf(bottoms);
        blobs = List.copyOf(blobs);
    }

    /** A layer without constants. */
    public LayerDef(String name, LayerSpec spec, List<String> bottoms, String top) { this(name, spec, bottoms, top, List.of()); }

    /** The shapes of the constants, for {@link LayerSpec#outputShape}. */
    public List<int[]> constantShapes() { return blobs.stream().map(HostBlob::shape).toList(); }

    /** The output shape for these input shapes; errors name the layer. */
    public int[] outputShape(int[]... inputs) {
        if (spec.inputs() > 0 ? inputs.length != spec.inputs() : inputs.length < 1)
            throw new IllegalArgumentException("layer '" + name + "': " + inputs.length + " bottoms; a " + spec.type() + " layer takes "
                    + (spec.inputs() > 0 ? spec.inputs() : "one or more"));
        try {
            return spec.outputShape(constantShapes(), inputs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layer '" + name + "': " + e.getMessage(), e);
        }
    }
}
