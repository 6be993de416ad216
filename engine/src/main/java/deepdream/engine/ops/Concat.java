package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** Concatenation along channels; backward hands each input its slice of the gradient. */
public final class Concat implements Op {
    @Override public String type() { return "Concat"; }

    @Override
    public int[] outputShape(int[]... in) { return new LayerSpec.Concat().outputShape(List.of(), in); }

    @Override
    public void forward(Backend b, Tensor[] in, Tensor out) {
        int offset = 0;
        for (Tensor t : in) {
            b.copyIntoChannels(t, out, offset);
            offset += t.c();
        }
    }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        int offset = 0;
        for (int i = 0; i < in.length; i++) {
            if (gradIn[i] != null) b.copyFromChannels(gradOut, offset, gradIn[i]);
            offset += in[i].c();
        }
    }

    // Backward reads only the parts' shapes.
    @Override public boolean backwardReadsInput(int i) { return false; }
    @Override public boolean backwardReadsOutput() { return false; }
}
