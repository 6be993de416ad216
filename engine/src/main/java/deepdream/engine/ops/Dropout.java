package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/** Dropout at inference: the identity (Caffe scales at training time, so nothing to undo here). */
public final class Dropout implements Op {
    @Override public String type() { return "Dropout"; }
    @Override public int[] outputShape(int[]... in) { return in[0].clone(); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.copy(in[0], out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.copy(gradOut, gradIn[0]);
    }
}
