package deepdream.engine.model;

import java.util.Arrays;

/**
 * How an image becomes the net's input, as the model's training defined it: pixels 0..255 in
 * {@code channelOrder}, then per channel (pixel · scale − mean) / std. Caffe's ImageNet nets: BGR,
 * scale 1, mean 104/117/123, std 1. torchvision's: RGB, scale 1/255, mean 0.485/0.456/0.406, std
 * 0.229/0.224/0.225. {@code height}/{@code width}: the size the model was trained at (0 = any).
 */
public record Preprocessing(ChannelOrder channelOrder, float[] mean, float[] std, float scale, int height, int width) {
    public enum ChannelOrder { RGB, BGR }

    public Preprocessing {
        if (channelOrder == null || mean == null || std == null || mean.length != std.length || !(scale > 0) || height < 0 || width < 0)
            throw new IllegalArgumentException("invalid preprocessing: order " + channelOrder + ", mean " + Arrays.toString(mean)
                    + ", std " + Arrays.toString(std) + ", scale " + scale);
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("preprocessing std must be positive, got " + Arrays.toString(std));
        mean = mean.clone();
        std = std.clone();
    }

    /** Caffe's: BGR 0..255 minus a per-channel mean given in BGR order. */
    public static Preprocessing caffe(float[] meanBgr, int height, int width) {
        float[] ones = new float[meanBgr.length];
        Arrays.fill(ones, 1f);
        return new Preprocessing(ChannelOrder.BGR, meanBgr, ones, 1f, height, width);
    }

    @Override public float[] mean() { return mean.clone(); }
    @Override public float[] std() { return std.clone(); }

    /** Whether this is Caffe's form (BGR, scale 1, std 1), the one the dream and visualize algorithms take today. */
    public boolean isCaffeStyle() {
        if (channelOrder != ChannelOrder.BGR || scale != 1f) return false;
        for (float s : std) if (s != 1f) return false;
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && p.channelOrder == channelOrder && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std)
                && p.scale == scale && p.height == height && p.width == width;
    }

    @Override public int hashCode() { return Arrays.hashCode(mean) * 31 + channelOrder.hashCode(); }

    @Override
    public String toString() {
        return channelOrder + " ·" + scale + " − " + Arrays.toString(mean) + " ÷ " + Arrays.toString(std) + (height > 0 ? " at " + height + "×" + width : "");
    }
}
