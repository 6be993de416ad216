package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** y = a + b (same shape): ResNet's shortcut. The gradient reaches both inputs unchanged. */
public final class Add implements Op {
    @Override public String type() { return "Add"; }

    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Add().outputShape(List.of(), in); }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.add(in[0], in[1], out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        for (Tensor g : gradIn) if (g != null) b.copy(gradOut, g);
    }
}
