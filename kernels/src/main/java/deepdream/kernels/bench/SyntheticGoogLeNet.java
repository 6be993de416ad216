package deepdream.kernels.bench;

import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * BVLC GoogLeNet's layers from data up to {@code inception_4c/output}, with Caffe's layer and blob
 * names and random weights (He-scaled, so activations keep a sane magnitude through the depth).
 * Lets {@code bench} and the kernel tests run the real workload without the 50 MB caffemodel.
 */
public final class SyntheticGoogLeNet {
    private SyntheticGoogLeNet() {}

    /** The blob DeepDream's benchmark targets. */
    public static final String TARGET = "inception_4c/output";

    public static NetDef build(long seed) {
        Builder b = new Builder(new Random(seed));
        b.conv("conv1/7x7_s2", "data", 3, 64, 7, 2, 3);
        b.pool("pool1/3x3_s2", "conv1/7x7_s2", PoolSpec.max(3, 2, 0));
        b.lrn("pool1/norm1", "pool1/3x3_s2");
        b.conv("conv2/3x3_reduce", "pool1/norm1", 64, 64, 1, 1, 0);
        b.conv("conv2/3x3", "conv2/3x3_reduce", 64, 192, 3, 1, 1);
        b.lrn("conv2/norm2", "conv2/3x3");
        b.pool("pool2/3x3_s2", "conv2/norm2", PoolSpec.max(3, 2, 0));
        int c = b.inception("inception_3a", "pool2/3x3_s2", 192, 64, 96, 128, 16, 32, 32);
        c = b.inception("inception_3b", "inception_3a/output", c, 128, 128, 192, 32, 96, 64);
        b.pool("pool3/3x3_s2", "inception_3b/output", PoolSpec.max(3, 2, 0));
        c = b.inception("inception_4a", "pool3/3x3_s2", c, 192, 96, 208, 16, 48, 64);
        c = b.inception("inception_4b", "inception_4a/output", c, 160, 112, 224, 24, 64, 64);
        b.inception("inception_4c", "inception_4b/output", c, 128, 128, 256, 24, 64, 64);
        return new NetDef("googlenet-to-4c (random weights)", "data", new int[] {1, 3, 224, 224}, b.layers,
                new float[] {104f, 117f, 123f});
    }

    private static final class Builder {
        final Random rnd;
        final List<LayerDef> layers = new ArrayList<>();

        Builder(Random rnd) { this.rnd = rnd; }

        /** Convolution + in-place ReLU, like every GoogLeNet conv. */
        void conv(String name, String bottom, int in, int out, int k, int stride, int pad) {
            float[] w = new float[out * in * k * k];
            double sd = Math.sqrt(2.0 / (in * k * k));
            for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * sd);
            float[] bias = new float[out];
            for (int i = 0; i < out; i++) bias[i] = 0.01f * (float) rnd.nextGaussian();
            layers.add(new LayerDef(name, new LayerSpec.Convolution(ConvSpec.square(k, stride, pad)), List.of(bottom), name,
                    List.of(new HostBlob(new int[] {out, in, k, k}, w), new HostBlob(new int[] {out}, bias))));
            String relu = name.contains("/") ? name.substring(0, name.indexOf('/')) + "/relu_" + name.substring(name.indexOf('/') + 1) : "relu_" + name;
            layers.add(new LayerDef(relu, new LayerSpec.Relu(), List.of(name), name));
        }

        void pool(String name, String bottom, PoolSpec spec) {
            layers.add(new LayerDef(name, new LayerSpec.Pooling(spec), List.of(bottom), name));
        }

        void lrn(String name, String bottom) {
            layers.add(new LayerDef(name, new LayerSpec.Lrn(LrnSpec.caffe(5, 1e-4f, 0.75f)), List.of(bottom), name));
        }

        /** One inception module; returns its output channel count. */
        int inception(String p, String bottom, int in, int c1, int r3, int c3, int r5, int c5, int cp) {
            conv(p + "/1x1", bottom, in, c1, 1, 1, 0);
            conv(p + "/3x3_reduce", bottom, in, r3, 1, 1, 0);
            conv(p + "/3x3", p + "/3x3_reduce", r3, c3, 3, 1, 1);
            conv(p + "/5x5_reduce", bottom, in, r5, 1, 1, 0);
            conv(p + "/5x5", p + "/5x5_reduce", r5, c5, 5, 1, 2);
            pool(p + "/pool", bottom, PoolSpec.max(3, 1, 1));
            conv(p + "/pool_proj", p + "/pool", in, cp, 1, 1, 0);
            layers.add(new LayerDef(p + "/output", new LayerSpec.Concat(), List.of(p + "/1x1", p + "/3x3", p + "/5x5", p + "/pool_proj"), p + "/output"));
            return c1 + c3 + c5 + cp;
        }
    }
}
