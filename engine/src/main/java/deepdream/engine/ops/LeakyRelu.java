package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** y = x where x &gt; 0, else alpha·x; the gradient is dy where x &gt; 0, else alpha·dy (PyTorch's convention at 0). */
public final class LeakyRelu implements Op {
    private final float alpha;

    public LeakyRelu(float alpha) { this.alpha = alpha; }

    @Override public String type() { return "LeakyReLU"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.LeakyRelu(alpha).outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.leakyRelu(in[0], alpha, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.leakyReluBackward(in[0], alpha, gradOut, gradIn[0]);
    }
}
