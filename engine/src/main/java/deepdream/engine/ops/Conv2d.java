package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/** Convolution with fixed weights [out][in/groups][kh][kw] and optional bias [out]. */
public final class Conv2d implements Op {
    private final Tensor weight;
    private final Tensor bias;
    private final ConvSpec spec;

    public Conv2d(Tensor weight, Tensor bias, ConvSpec spec) {
        if (weight.rank() != 4) throw new IllegalArgumentException("convolution weight must be 4-D, got " + Shapes.toString(weight.shape()));
        if (weight.h() != spec.kernelH() || weight.w() != spec.kernelW())
            throw new IllegalArgumentException("convolution weight " + Shapes.toString(weight.shape()) + " does not match kernel "
                    + spec.kernelH() + "x" + spec.kernelW());
        if (weight.n() % spec.groups() != 0) throw new IllegalArgumentException("output channels " + weight.n() + " not divisible by groups " + spec.groups());
        if (bias != null && bias.size() != weight.n())
            throw new IllegalArgumentException("convolution bias has " + bias.size() + " values for " + weight.n() + " outputs");
        this.weight = weight;
        this.bias = bias;
        this.spec = spec;
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    public ConvSpec spec() { return spec; }

    @Override public String type() { return "Convolution"; }

    @Override
    public int[] outputShape(int[]... in) {
        int[] x = in[0];
        if (x.length != 4) throw new IllegalArgumentException("convolution input must be N×C×H×W, got " + Shapes.toString(x));
        int expectC = weight.c() * spec.groups();
        if (x[1] != expectC)
            throw new IllegalArgumentException("convolution expects " + expectC + " input channels, got " + x[1]);
        return new int[] {x[0], weight.n(), spec.outH(x[2]), spec.outW(x[3])};
    }

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
}
