package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.LrnSpec;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Caffe local response normalization across channels. */
public final class Lrn implements Op {
    private final LrnSpec spec;

    public Lrn(LrnSpec spec) { this.spec = spec; }

    public LrnSpec spec() { return spec; }

    @Override public String type() { return "LRN"; }

    @Override
    public int[] outputShape(int[]... in) { return new LayerSpec.Lrn(spec).outputShape(List.of(), in); }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.lrn(in[0], spec, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.lrnBackward(in[0], out, gradOut, spec, gradIn[0]);
    }
}
