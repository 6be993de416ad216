package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Fully connected layer: weight [out][in] with in = C·H·W of the input; output N×out. */
public final class InnerProduct implements Op {
    private static final LayerSpec.InnerProduct LAYER = new LayerSpec.InnerProduct();
    private final Tensor weight;
    private final Tensor bias;
    private final List<int[]> constants;

    public InnerProduct(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
        constants = bias == null ? List.of(weight.shape()) : List.of(weight.shape(), bias.shape());
        LAYER.checkConstants(constants);
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }

    @Override public String type() { return LAYER.type(); }

    @Override
    public int[] outputShape(int[]... in) { return LAYER.outputShape(constants, in); }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.innerProduct(in[0], weight, bias, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.innerProductBackwardData(gradOut, weight, gradIn[0]);
    }

    @Override
    public long forwardMacs(int[]... in) { return (long) in[0][0] * weight.dim(0) * weight.dim(1); }

    // The gradient w.r.t. the input needs only the weights.
    @Override public boolean backwardReadsInput(int i) { return false; }
    @Override public boolean backwardReadsOutput() { return false; }
}
