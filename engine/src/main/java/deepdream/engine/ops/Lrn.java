package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.LrnSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/** Caffe local response normalization across channels. */
public final class Lrn implements Op {
    private final LrnSpec spec;

    public Lrn(LrnSpec spec) { this.spec = spec; }

    public LrnSpec spec() { return spec; }

    @Override public String type() { return "LRN"; }

    @Override
    public int[] outputShape(int[]... in) {
        if (in[0].length != 4) throw new IllegalArgumentException("LRN input must be N×C×H×W, got " + Shapes.toString(in[0]));
        return in[0].clone();
    }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.lrn(in[0], spec, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.lrnBackward(in[0], out, gradOut, spec, gradIn[0]);
    }
}
