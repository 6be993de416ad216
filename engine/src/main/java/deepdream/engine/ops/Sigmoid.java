package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** y = 1 / (1 + e^−x); the gradient is dy·y·(1 − y), from the output (no second exp). */
public final class Sigmoid implements Op {
    @Override public String type() { return "Sigmoid"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Sigmoid().outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.sigmoid(in[0], out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.sigmoidBackward(out, gradOut, gradIn[0]);
    }
}
