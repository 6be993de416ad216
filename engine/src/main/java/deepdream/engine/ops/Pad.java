package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.PadSpec;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Padding of H and W (constant, reflect or edge); the gradient sums, per input pixel, the outputs that copy it. */
public final class Pad implements Op {
    private final PadSpec spec;

    public Pad(PadSpec spec) { this.spec = spec; }

    @Override public String type() { return "Pad"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Pad(spec).outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.pad(in[0], spec, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.padBackward(gradOut, spec, gradIn[0]);
    }

    // PadBackward reads only the gradient.
    @Override public boolean backwardReadsInput(int i) { return false; }
    @Override public boolean backwardReadsOutput() { return false; }
}
