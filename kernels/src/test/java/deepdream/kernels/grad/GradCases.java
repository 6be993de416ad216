package deepdream.kernels.grad;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.engine.ops.Concat;
import deepdream.engine.ops.Conv2d;
import deepdream.engine.ops.Dropout;
import deepdream.engine.ops.InnerProduct;
import deepdream.engine.ops.Lrn;
import deepdream.engine.ops.Pool;
import deepdream.engine.ops.Relu;
import deepdream.engine.ops.Softmax;
import deepdream.engine.testing.Differentiable;
import deepdream.engine.testing.RandomTensors;

/**
 * One gradient-check case per op: an input x kept away from kinks and the op as a function of x.
 * Shared by the jqwik properties and the checker's calibration test.
 */
final class GradCases {
    private GradCases() {}

    /** The step the cases are designed for: kink margins below are multiples of it. */
    static final double H = 1e-2;

    record Case(String name, Tensor x, Differentiable f) {}

    static Case conv(Backend b, long seed, int n, int groups, int cPerGroup, int mPerGroup, int kh, int kw,
                     int stride, int pad, int h, int w, boolean bias) {
        return conv(b, seed, new ConvSpec(kh, kw, stride, stride, pad, pad, groups), n, cPerGroup, mPerGroup, h, w, bias);
    }

    static Case conv(Backend b, long seed, ConvSpec spec, int n, int cPerGroup, int mPerGroup, int h, int w, boolean bias) {
        RandomTensors r = new RandomTensors(b, seed);
        int c = spec.groups() * cPerGroup, m = spec.groups() * mPerGroup;
        Tensor weight = r.uniform(-1, 1, m, cPerGroup, spec.kernelH(), spec.kernelW());
        Tensor bs = bias ? r.uniform(-1, 1, m) : null;
        Tensor x = r.uniform(-1, 1, n, c, h, w);
        return new Case("conv " + spec, x, Differentiable.of(new Conv2d(weight, bs, spec)));
    }

    static Case relu(Backend b, long seed, int... shape) {
        Tensor x = new RandomTensors(b, seed).awayFromZero(5 * H, 2, shape);
        return new Case("relu", x, Differentiable.of(new Relu()));
    }

    static Case pool(Backend b, long seed, PoolSpec spec, int n, int c, int h, int w) {
        // Max pooling needs distinct window values; average pooling is linear, any input will do.
        RandomTensors r = new RandomTensors(b, seed);
        Tensor x = spec.method() == PoolSpec.Method.MAX ? r.distinct(4 * H, n, c, h, w) : r.uniform(-1, 1, n, c, h, w);
        return new Case("pool " + spec, x, Differentiable.of(new Pool(spec)));
    }

    static Case lrn(Backend b, long seed, LrnSpec spec, int n, int c, int h, int w) {
        Tensor x = new RandomTensors(b, seed).uniform(-2, 2, n, c, h, w);
        return new Case("lrn " + spec, x, Differentiable.of(new Lrn(spec)));
    }

    /** Concat of inputs with these channel counts, differentiated with respect to input {@code which}. */
    static Case concat(Backend b, long seed, int n, int[] channels, int which, int h, int w) {
        RandomTensors r = new RandomTensors(b, seed);
        Tensor[] in = new Tensor[channels.length];
        for (int i = 0; i < in.length; i++) in[i] = r.uniform(-1, 1, n, channels[i], h, w);
        return new Case("concat " + java.util.Arrays.toString(channels) + " input " + which, in[which], Differentiable.of(new Concat(), which, in));
    }

    static Case innerProduct(Backend b, long seed, int n, int c, int h, int w, int out, boolean bias) {
        RandomTensors r = new RandomTensors(b, seed);
        Tensor weight = r.uniform(-1, 1, out, c * h * w);
        Tensor bs = bias ? r.uniform(-1, 1, out) : null;
        Tensor x = r.uniform(-1, 1, n, c, h, w);
        return new Case("inner product " + out, x, Differentiable.of(new InnerProduct(weight, bs)));
    }

    static Case dropout(Backend b, long seed, int... shape) {
        return new Case("dropout", new RandomTensors(b, seed).uniform(-1, 1, shape), Differentiable.of(new Dropout()));
    }

    static Case softmax(Backend b, long seed, int... shape) {
        return new Case("softmax", new RandomTensors(b, seed).uniform(-3, 3, shape), Differentiable.of(new Softmax()));
    }
}
