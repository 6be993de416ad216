package deepdream.kernels.visualize;

import deepdream.engine.ConvSpec;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Two strided convolutions with ReLUs and He-scaled random weights: small enough for dozens of
 * visualizations per second on the reference backend, strided like GoogLeNet so that an image can
 * exploit the sampling grid (what jitter is for). conv2's units see 13×13 pixels.
 */
final class SmallConvNet {
    private SmallConvNet() {}

    static final String LAYER = "conv2";
    static final int SIZE = 48, CHANNELS = 12;

    static NetDef build(long seed) {
        Random rnd = new Random(seed);
        List<LayerDef> layers = new ArrayList<>();
        conv(layers, rnd, "conv1", "data", 3, 8, new ConvSpec(5, 5, 2, 2, 2, 2, 1));
        conv(layers, rnd, "conv2", "conv1", 8, CHANNELS, new ConvSpec(3, 3, 2, 2, 1, 1, 1));
        return new NetDef("small-conv", "data", new int[] {1, 3, SIZE, SIZE}, layers, new float[] {104, 117, 123});
    }

    static final int CLASSES = 5;

    /** The same convolutions, then an inner product to {@value #CLASSES} class scores ("fc") and a softmax ("prob"): runs at 48×48 only. */
    static NetDef classifier(long seed) {
        NetDef convs = build(seed);
        Random rnd = new Random(seed + 1);
        List<LayerDef> layers = new ArrayList<>(convs.layers());
        int in = CHANNELS * 12 * 12;
        float[] w = new float[CLASSES * in], bias = new float[CLASSES];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * Math.sqrt(1.0 / in));
        layers.add(new LayerDef("fc", new LayerSpec.InnerProduct(), List.of(LAYER), "fc", List.of(new HostBlob(new int[] {CLASSES, in}, w), new HostBlob(new int[] {CLASSES}, bias))));
        layers.add(new LayerDef("prob", new LayerSpec.Softmax(), List.of("fc"), "prob"));
        return new NetDef("small-classifier", "data", convs.inputShape(), layers, convs.meanBgr());
    }

    private static void conv(List<LayerDef> layers, Random rnd, String name, String bottom, int in, int out, ConvSpec s) {
        int fanIn = in * s.kernelH() * s.kernelW();
        float[] w = new float[out * fanIn], bias = new float[out];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * std);
        layers.add(new LayerDef(name, new LayerSpec.Convolution(s), List.of(bottom), name, List.of(new HostBlob(new int[] {out, in, s.kernelH(), s.kernelW()}, w), new HostBlob(new int[] {out}, bias))));
        layers.add(new LayerDef(name + "/relu", new LayerSpec.Relu(), List.of(name), name));
    }
}
