package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/**
 * y = min(max(x, min), max); the gradient passes where min &lt; x &lt; max and is 0 at and beyond the
 * bounds, as PyTorch's hardtanh/relu6 backward (ONNX Runtime's ClipGrad passes at the bounds; the
 * two differ only on a set of measure zero).
 */
public final class Clip implements Op {
    private final float min, max;

    public Clip(float min, float max) { this.min = min; this.max = max; }

    @Override public String type() { return "Clip"; }
    @Override public int[] outputShape(int[]... in) { return new LayerSpec.Clip(min, max).outputShape(List.of(), in); }
    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.clip(in[0], min, max, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.clipBackward(in[0], min, max, gradOut, gradIn[0]);
    }
}
