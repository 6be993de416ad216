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

    /** The h×w region whose top-left corner is (y0, x0). */
    public PlanarImage crop(int y0, int x0, int h, int w) {
        PlanarImage out = new PlanarImage(channels, h, w);
        copyRegion(this, y0, x0, out, 0, 0, h, w);
        return out;
    }

    /** Copies an h×w region of src at (sy, sx) into dst at (dy, dx), every channel. */
    public static void copyRegion(PlanarImage src, int sy, int sx, PlanarImage dst, int dy, int dx, int h, int w) {
        if (src.channels != dst.channels) throw new IllegalArgumentException("channel counts differ: " + src.channels + " vs " + dst.channels);
        if (sy < 0 || sx < 0 || sy + h > src.height || sx + w > src.width || dy < 0 || dx < 0 || dy + h > dst.height || dx + w > dst.width)
            throw new IllegalArgumentException("region " + h + "x" + w + " from (" + sy + "," + sx + ") to (" + dy + "," + dx + ") does not fit");
        for (int c = 0; c < src.channels; c++)
            for (int y = 0; y < h; y++)
                System.arraycopy(src.data, (c * src.height + sy + y) * src.width + sx, dst.data, (c * dst.height + dy + y) * dst.width + dx, w);
    }

    /** Shape as a 1×C×H×W tensor. */
    public int[] nchw() { return new int[] {1, channels, height, width}; }
}
