package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** y = max(x, 0); the gradient passes where x &gt; 0. */
public final class Relu implements Op {
    @Override public String type() { return "ReLU"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Relu().outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.relu(in[0], out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.reluBackward(in[0], gradOut, gradIn[0]);
    }
}
