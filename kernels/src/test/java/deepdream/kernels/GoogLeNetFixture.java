package deepdream.kernels;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.objective.Objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * BVLC GoogLeNet from the input up to {@code inception_4c/output}, built in code with random
 * weights: the real architecture and blob names (conv1/7x7_s2 ... inception_4c/output), so
 * backends can be compared on a whole dream step without the model file. Weights are He-scaled
 * Gaussians (std √(2/fan-in)) so activations neither vanish nor explode through 25 layers.
 */
public final class GoogLeNetFixture {
    private GoogLeNetFixture() {}

    /** The deepest blob this fixture builds. */
    public static final String LAST_BLOB = "inception_4c/output";

    /**
     * One dream step on b: forward to {@link #LAST_BLOB}, seed with the L2 objective's gradient,
     * backward to the input. Returns {activation, input gradient} on the host; outShape, when not
     * null, receives the activation's shape.
     */
    public static float[][] step(Backend b, NetDef def, float[] image, int[] inputShape, int[] outShape) {
        try (Net net = Net.build(def, b); Tape tape = Tape.recording(b)) {
            Tensor input = b.upload(image, inputShape);
            Var x = tape.leaf(input, true);
            Var out = net.forward(tape, x, LAST_BLOB);
            if (outShape != null) System.arraycopy(out.shape(), 0, outShape, 0, outShape.length);
            Tensor seed = b.allocate(out.shape());
            Objective.l2().gradient(b, out.value(), seed);
            tape.backward(out, seed);
            float[][] result = {out.value().toHost(), x.grad().toHost()};
            seed.release();
            input.release();
            return result;
        }
    }

    /** The architecture up to {@link #LAST_BLOB} with weights drawn from {@code seed}. */
    public static NetDef upTo4c(long seed) {
        Builder b = new Builder(new Random(seed));
        String x = b.conv("conv1/7x7_s2", "data", 3, 64, new ConvSpec(7, 7, 2, 2, 3, 3, 1), "conv1/relu_7x7");
        x = b.pool("pool1/3x3_s2", x, PoolSpec.max(3, 2, 0));
        x = b.lrn("pool1/norm1", x);
        x = b.conv("conv2/3x3_reduce", x, 64, 64, ConvSpec.square(1, 1, 0), "conv2/relu_3x3_reduce");
        x = b.conv("conv2/3x3", x, 64, 192, ConvSpec.square(3, 1, 1), "conv2/relu_3x3");
        x = b.lrn("conv2/norm2", x);
        x = b.pool("pool2/3x3_s2", x, PoolSpec.max(3, 2, 0));
        x = b.inception("inception_3a", x, 192, 64, 96, 128, 16, 32, 32);
        x = b.inception("inception_3b", x, 256, 128, 128, 192, 32, 96, 64);
        x = b.pool("pool3/3x3_s2", x, PoolSpec.max(3, 2, 0));
        x = b.inception("inception_4a", x, 480, 192, 96, 208, 16, 48, 64);
        x = b.inception("inception_4b", x, 512, 160, 112, 224, 24, 64, 64);
        x = b.inception("inception_4c", x, 512, 128, 128, 256, 24, 64, 64);
        if (!x.equals(LAST_BLOB)) throw new AssertionError(x);
        return new NetDef("GoogLeNet-to-4c (random weights)", "data", new int[] {1, 3, 224, 224}, b.layers, new float[] {104, 117, 123});
    }

    private static final class Builder {
        final Random random;
        final List<LayerDef> layers = new ArrayList<>();

        Builder(Random random) { this.random = random; }

        /** Convolution then its in-place ReLU (as in the prototxt, the blob keeps the conv's name). */
        String conv(String name, String bottom, int in, int out, ConvSpec s, String reluName) {
            int fanIn = in * s.kernelH() * s.kernelW();
            float[] w = new float[out * fanIn], bias = new float[out];
            double std = Math.sqrt(2.0 / fanIn);
            for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * std);
            for (int i = 0; i < out; i++) bias[i] = (float) (random.nextGaussian() * 0.1);
            layers.add(new LayerDef(name, new LayerSpec.Convolution(s), List.of(bottom), name, List.of(new HostBlob(new int[] {out, in, s.kernelH(), s.kernelW()}, w), new HostBlob(new int[] {out}, bias))));
            layers.add(new LayerDef(reluName, new LayerSpec.Relu(), List.of(name), name));
            return name;
        }

        String pool(String name, String bottom, PoolSpec s) {
            layers.add(new LayerDef(name, new LayerSpec.Pooling(s), List.of(bottom), name));
            return name;
        }

        String lrn(String name, String bottom) {
            layers.add(new LayerDef(name, new LayerSpec.Lrn(LrnSpec.caffe(5, 1e-4f, 0.75f)), List.of(bottom), name));
            return name;
        }

        /** 1×1; 1×1 reduce → 3×3; 1×1 reduce → 5×5; 3×3 max-pool → 1×1 projection; concatenated. */
        String inception(String p, String bottom, int in, int n1, int r3, int n3, int r5, int n5, int proj) {
            String a = conv(p + "/1x1", bottom, in, n1, ConvSpec.square(1, 1, 0), p + "/relu_1x1");
            conv(p + "/3x3_reduce", bottom, in, r3, ConvSpec.square(1, 1, 0), p + "/relu_3x3_reduce");
            String b = conv(p + "/3x3", p + "/3x3_reduce", r3, n3, ConvSpec.square(3, 1, 1), p + "/relu_3x3");
            conv(p + "/5x5_reduce", bottom, in, r5, ConvSpec.square(1, 1, 0), p + "/relu_5x5_reduce");
            String c = conv(p + "/5x5", p + "/5x5_reduce", r5, n5, ConvSpec.square(5, 1, 2), p + "/relu_5x5");
            pool(p + "/pool", bottom, PoolSpec.max(3, 1, 1));
            String d = conv(p + "/pool_proj", p + "/pool", in, proj, ConvSpec.square(1, 1, 0), p + "/relu_pool_proj");
            String out = p + "/output";
            layers.add(new LayerDef(out, new LayerSpec.Concat(), List.of(a, b, c, d), out));
            return out;
        }
    }
}
