package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Dropout at inference: the identity (Caffe scales at training time, so nothing to undo here). */
public final class Dropout implements Op {
    @Override public String type() { return "Dropout"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Dropout().outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.copy(in[0], out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.copy(gradOut, gradIn[0]);
    }
}
