package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/**
 * y = max(x, 0); the gradient passes where x &gt; 0, which is where y &gt; 0: backward reads y, so
 * the pre-activation x (a conv's output) can be freed during the forward.
 */
public final class Relu implements Op {
    @Override public String type() { return "ReLU"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Relu().outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.relu(in[0], out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.reluBackward(out, gradOut, gradIn[0]);
    }

    @Override public boolean backwardReadsInput(int i) { return false; }
    @Override public boolean backwardInPlace() { return true; }   // reluBackward: dx may be dy
}
