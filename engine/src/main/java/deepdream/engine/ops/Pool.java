package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/** Caffe max or average pooling, ceil-mode (see {@link PoolSpec}). */
public final class Pool implements Op {
    private final PoolSpec spec;

    public Pool(PoolSpec spec) { this.spec = spec; }

    public PoolSpec spec() { return spec; }

    @Override public String type() { return spec.method() == PoolSpec.Method.MAX ? "MaxPool" : "AvePool"; }

    @Override
    public int[] outputShape(int[]... in) {
        int[] x = in[0];
        if (x.length != 4) throw new IllegalArgumentException("pooling input must be N×C×H×W, got " + Shapes.toString(x));
        return new int[] {x[0], x[1], spec.outH(x[2]), spec.outW(x[3])};
    }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.pool(in[0], spec, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.poolBackward(in[0], gradOut, spec, gradIn[0]);
    }
}
