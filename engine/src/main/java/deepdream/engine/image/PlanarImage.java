package deepdream.engine.image;

/**
 * A float image stored plane by plane (C×H×W), the layout the net wants. Photos are RGB with values
 * 0..255; net inputs are BGR with the mean subtracted (see {@link Preprocess}).
 */
public final class PlanarImage {
    private final int channels, height, width;
    private final float[] data;

    public PlanarImage(int channels, int height, int width, float[] data) {
        if (channels < 1 || height < 1 || width < 1)
            throw new IllegalArgumentException("image size must be positive: " + channels + "×" + height + "×" + width);
        if (data.length != channels * height * width)
            throw new IllegalArgumentException("image data has " + data.length + " values, expected " + channels * height * width);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    public PlanarImage(int channels, int height, int width) { this(channels, height, width, new float[channels * height * width]); }

    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    /** The backing array, C×H×W. */
    public float[] data() { return data; }

    public float get(int c, int y, int x) { return data[(c * height + y) * width + x]; }
    public void set(int c, int y, int x, float v) { data[(c * height + y) * width + x] = v; }

    public PlanarImage copy() { return new PlanarImage(channels, height, width, data.clone()); }

    /** Shape as a 1×C×H×W tensor. */
    public int[] nchw() { return new int[] {1, channels, height, width}; }
}
