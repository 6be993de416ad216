package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Softmax over channels (axis 1). */
public final class Softmax implements Op {
    @Override public String type() { return "Softmax"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Softmax().outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.softmax(in[0], out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.softmaxBackward(out, gradOut, gradIn[0]);
    }
}
