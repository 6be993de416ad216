package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/** Fully connected layer: weight [out][in] with in = C·H·W of the input; output N×out. */
public final class InnerProduct implements Op {
    private final Tensor weight;
    private final Tensor bias;

    public InnerProduct(Tensor weight, Tensor bias) {
        if (weight.rank() != 2) throw new IllegalArgumentException("inner product weight must be 2-D [out][in], got " + Shapes.toString(weight.shape()));
        if (bias != null && bias.size() != weight.dim(0))
            throw new IllegalArgumentException("inner product bias has " + bias.size() + " values for " + weight.dim(0) + " outputs");
        this.weight = weight;
        this.bias = bias;
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }

    @Override public String type() { return "InnerProduct"; }

    @Override
    public int[] outputShape(int[]... in) {
        int[] x = in[0];
        int perSample = Shapes.size(x) / x[0];
        if (perSample != weight.dim(1))
            throw new IllegalArgumentException("inner product expects " + weight.dim(1) + " inputs per sample, got "
                    + perSample + " (" + Shapes.toString(x) + ")");
        return new int[] {x[0], weight.dim(0)};
    }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.innerProduct(in[0], weight, bias, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.innerProductBackwardData(gradOut, weight, gradIn[0]);
    }

    @Override
    public long forwardMacs(int[]... in) { return (long) in[0][0] * weight.dim(0) * weight.dim(1); }
}
