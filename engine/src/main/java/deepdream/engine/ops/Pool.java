package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Max or average pooling (see {@link PoolSpec}). */
public final class Pool implements Op {
    private final PoolSpec spec;

    public Pool(PoolSpec spec) { this.spec = spec; }

    public PoolSpec spec() { return spec; }

    @Override public String type() { return new LayerSpec.Pooling(spec).type(); }

    @Override
    public int[] outputShape(int[]... in) { return new LayerSpec.Pooling(spec).outputShape(List.of(), in); }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.pool(in[0], spec, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.poolBackward(in[0], gradOut, spec, gradIn[0]);
    }

    // Backward reads the input (the max's position), never the output.
    @Override public boolean backwardReadsOutput() { return false; }
}
