package deepdream.kernels.engine;

import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A GoogLeNet-style inception block on a small input, named like Caffe's (in-place ReLUs):
 * 1×1; 1×1 → 3×3; 1×1 → 5×5; 3×3 max pool s1 p1 → 1×1; concat. All four branches read "data".
 *
 * <p>Weights are chosen so that no ReLU input comes near its kink under a finite-difference step:
 * each output channel gets a bias of +1 or −1 and weights small enough that |Σ w·input| ≤ 0.5, so
 * a channel is either always on (pre-activation in [0.5, 1.5]) or always off. Both kinds occur, so
 * the ReLU masks are exercised, while the gradient check never straddles a kink.
 */
final class TinyInception {
    private TinyInception() {}

    /** Largest |value| of the inputs the weights are scaled for. */
    static final double MAX_INPUT = 3.0;

    static NetDef netDef(long seed, int channels, int h, int w) {
        Random rnd = new Random(seed);
        List<LayerDef> layers = new ArrayList<>();
        conv(layers, rnd, "inc/1x1", "data", channels, 3, 1, 0, MAX_INPUT);
        conv(layers, rnd, "inc/3x3_reduce", "data", channels, 2, 1, 0, MAX_INPUT);
        conv(layers, rnd, "inc/3x3", "inc/3x3_reduce", 2, 3, 3, 1, 1.5);
        conv(layers, rnd, "inc/5x5_reduce", "data", channels, 2, 1, 0, MAX_INPUT);
        conv(layers, rnd, "inc/5x5", "inc/5x5_reduce", 2, 2, 5, 2, 1.5);
        layers.add(new LayerDef("inc/pool", new LayerSpec.Pooling(PoolSpec.max(3, 1, 1)), List.of("data"), "inc/pool"));
        conv(layers, rnd, "inc/pool_proj", "inc/pool", channels, 2, 1, 0, MAX_INPUT);
        layers.add(new LayerDef("inc/output", new LayerSpec.Concat(), List.of("inc/1x1", "inc/3x3", "inc/5x5", "inc/pool_proj"), "inc/output"));
        return new NetDef("tiny-inception", "data", new int[] {1, channels, h, w}, layers, new float[] {104, 117, 123});
    }

    /** Output channels of the block. */
    static final int OUT_CHANNELS = 3 + 3 + 2 + 2;

    /** A convolution with ±1 biases and weights scaled to |Σ w·input| ≤ 0.5, followed by its in-place ReLU. */
    private static void conv(List<LayerDef> layers, Random rnd, String name, String bottom, int in, int out, int k, int pad, double maxIn) {
        int fanIn = in * k * k;
        float[] wt = new float[out * fanIn], bias = new float[out];
        for (int i = 0; i < wt.length; i++) wt[i] = (float) ((2 * rnd.nextDouble() - 1) * 0.5 / (fanIn * maxIn));
        for (int o = 0; o < out; o++) bias[o] = o % 2 == 0 ? 1f : -1f;   // both kinds in every layer with ≥ 2 outputs
        layers.add(new LayerDef(name, new LayerSpec.Convolution(ConvSpec.square(k, 1, pad)), List.of(bottom), name, List.of(new HostBlob(new int[] {out, in, k, k}, wt), new HostBlob(new int[] {out}, bias))));
        layers.add(new LayerDef(name.replace("inc/", "inc/relu_"), new LayerSpec.Relu(), List.of(name), name));
    }
}
