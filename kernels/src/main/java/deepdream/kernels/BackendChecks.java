package deepdream.kernels;

import deepdream.engine.Arithmetic;
import deepdream.engine.ConvSpec;
import deepdream.engine.PadSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/**
 * The argument checks of every backend, in one place: each op of each backend calls the same check,
 * so a shape that one backend refuses every backend refuses, with the same message and exception.
 * They also keep device kernels from reading or writing outside their buffers (a crash, not an
 * exception, on some OpenCL drivers) and refuse writes into constants (see {@code Backend.constant}).
 */
public final class BackendChecks {
    private BackendChecks() {}

    /**
     * t is written by the op: it must not be a constant. Counts the write on t, so state a backend
     * derived from t earlier ({@link Tensor#writeCount}) is known to be stale: every op that writes
     * a tensor calls this.
     */
    public static void writable(String what, Tensor t) {
        if (t.isConstant()) throw new IllegalArgumentException(what + ": " + t + " is a constant (weights), which is never written");
        t.noteWrite();
    }

    public static void same(String what, Tensor a, Tensor b) { Shapes.requireSame(what, a, b); }

    /** An element-wise op writing out from in (same shape). */
    public static void elementwise(String what, Tensor in, Tensor out) {
        Shapes.requireSame(what, in, out);
        writable(what, out);
    }

    /** x, weight, y of a convolution (forward: y is written; backward-data: x is). */
    public static void conv(String what, Tensor x, Tensor weight, Tensor bias, ConvSpec s, Tensor y) {
        if (x.rank() != 4 || weight.rank() != 4 || y.rank() != 4)
            throw new IllegalArgumentException(what + ": tensors must be 4-D: x " + Shapes.toString(x.shape())
                    + ", weight " + Shapes.toString(weight.shape()) + ", y " + Shapes.toString(y.shape()));
        if (weight.c() * s.groups() != x.c() || weight.n() % s.groups() != 0 || weight.h() != s.kernelH() || weight.w() != s.kernelW())
            throw new IllegalArgumentException(what + ": weight " + Shapes.toString(weight.shape()) + " does not fit input "
                    + Shapes.toString(x.shape()) + " with " + s);
        if (bias != null && bias.size() != weight.n())
            throw new IllegalArgumentException(what + ": bias has " + bias.size() + " values for " + weight.n() + " outputs");
        Shapes.require(what + " output", y, x.n(), weight.n(), s.outH(x.h()), s.outW(x.w()));
    }

    public static void innerProduct(String what, Tensor x, Tensor weight, Tensor bias, Tensor y) {
        if (weight.rank() != 2 || x.size() / x.n() != weight.dim(1))
            throw new IllegalArgumentException(what + ": input " + Shapes.toString(x.shape()) + " does not fit weight " + Shapes.toString(weight.shape()));
        if (y.n() != x.n() || y.size() != x.n() * weight.dim(0))
            throw new IllegalArgumentException(what + ": output " + Shapes.toString(y.shape()) + ", expected " + x.n() + "×" + weight.dim(0));
        if (bias != null && bias.size() != weight.dim(0))
            throw new IllegalArgumentException(what + ": bias has " + bias.size() + " values for " + weight.dim(0) + " outputs");
    }

    /** x and the pooled y (or dy) of this spec. */
    public static void pool(String what, Tensor x, PoolSpec s, Tensor y) {
        if (x.rank() != 4) throw new IllegalArgumentException(what + ": input must be N×C×H×W, got " + Shapes.toString(x.shape()));
        Shapes.require(what + " output", y, x.n(), x.c(), s.outH(x.h()), s.outW(x.w()));
    }

    /** x, its constant operand c and the written y of an arithmetic op: returns c's {inner, count} ({@link Arithmetic#broadcast}). */
    public static int[] arithmetic(String what, Tensor x, Tensor c, Tensor y) {
        elementwise(what, x, y);
        try {
            return Arithmetic.broadcast(x.shape(), c.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /** x (N×C×H×W) and its padded y (or, backward, dx and dy: small and large), large written only forward. */
    public static void pad(String what, Tensor small, PadSpec s, Tensor large) {
        if (small.rank() != 4) throw new IllegalArgumentException(what + ": input must be N×C×H×W, got " + Shapes.toString(small.shape()));
        try {
            s.check(small.h(), small.w());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        Shapes.require(what + " output", large, small.n(), small.c(), s.outH(small.h()), s.outW(small.w()));
        if (small == large) throw new IllegalArgumentException(what + ": input and output must be different tensors");
    }

    /** part must fit into channels [offset, offset + part.c()) of whole. */
    public static void channelSlice(String what, Tensor part, Tensor whole, int offset) {
        if (part.n() != whole.n() || part.h() != whole.h() || part.w() != whole.w() || offset < 0 || offset + part.c() > whole.c())
            throw new IllegalArgumentException(what + ": " + Shapes.toString(part.shape()) + " does not fit channels from " + offset
                    + " of " + Shapes.toString(whole.shape()));
    }

    public static void index(Tensor t, int index) {
        if (index < 0 || index >= t.size())
            throw new IndexOutOfBoundsException("index " + index + " outside tensor " + Shapes.toString(t.shape()));
    }

    public static void channel(Tensor t, int channel) {
        if (channel < 0 || channel >= t.c())
            throw new IllegalArgumentException("channel " + channel + " outside 0.." + (t.c() - 1) + " of " + Shapes.toString(t.shape()));
    }

    public static void clampBounds(Tensor x, float[] lo, float[] hi) {
        writable("clampChannels", x);
        if (lo.length != x.c() || hi.length != x.c())
            throw new IllegalArgumentException("clampChannels: " + lo.length + " lower and " + hi.length + " upper bounds for "
                    + x.c() + " channels");
    }

    /** roll's dst: same shape, another tensor. sameStorage: whether the backend found both on one buffer. */
    public static void roll(Tensor src, Tensor dst, boolean sameStorage) {
        elementwise("roll", src, dst);
        if (src == dst || sameStorage) throw new IllegalArgumentException("roll: dst must not be src");
    }
}
