package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Convolution with fixed weights [out][in/groups][kh][kw] and optional bias [out]. */
public final class Conv2d implements Op {
    private final Tensor weight;
    private final Tensor bias;
    private final ConvSpec spec;
    private final LayerSpec.Convolution layer;
    private final List<int[]> constants;

    public Conv2d(Tensor weight, Tensor bias, ConvSpec spec) {
        this.weight = weight;
        this.bias = bias;
        this.spec = spec;
        layer = new LayerSpec.Convolution(spec);
        constants = bias == null ? List.of(weight.shape()) : List.of(weight.shape(), bias.shape());
        layer.checkConstants(constants);
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    public ConvSpec spec() { return spec; }

    @Override public String type() { return layer.type(); }

    @Override
    public int[] outputShape(int[]... in) { return layer.outputShape(constants, in); }

    @Override
    public void forward(Backend b, Tensor[] in, Tensor out) { b.conv2d(in[0], weight, bias, spec, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.conv2dBackwardData(gradOut, weight, spec, gradIn[0]);
    }

    @Override
    public long forwardMacs(int[]... in) {
        int[] o = outputShape(in);
        return (long) o[0] * o[1] * o[2] * o[3] * weight.c() * spec.kernelH() * spec.kernelW();
    }

    // The gradient w.r.t. the input needs only the weights.
    @Override public boolean backwardReadsInput(int i) { return false; }
    @Override public boolean backwardReadsOutput() { return false; }
}
