package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/** Concatenation along channels; backward hands each input its slice of the gradient. */
public final class Concat implements Op {
    @Override public String type() { return "Concat"; }

    @Override
    public int[] outputShape(int[]... in) {
        int[] out = in[0].clone();
        if (out.length != 4) throw new IllegalArgumentException("concat inputs must be N×C×H×W, got " + Shapes.toString(out));
        for (int i = 1; i < in.length; i++) {
            int[] s = in[i];
            if (s.length != 4 || s[0] != out[0] || s[2] != out[2] || s[3] != out[3])
                throw new IllegalArgumentException("concat input " + i + " has shape " + Shapes.toString(s)
                        + ", incompatible with " + Shapes.toString(in[0]) + " (all but channels must match)");
            out[1] += s[1];
        }
        return out;
    }

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
}
