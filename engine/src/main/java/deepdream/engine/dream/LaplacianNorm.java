package deepdream.engine.dream;

/**
 * Laplacian pyramid normalization of a gradient, the {@code lap_normalize} of Mordvintsev's
 * TensorFlow DeepDream tutorial: the gradient is split into {@code levels} band-pass levels plus a
 * low-pass residual with the 5×5 binomial kernel ([1,4,6,4,1]⊗[1,4,6,4,1]/256, stride 2, TF "SAME"
 * padding), each level is divided by its RMS over all channels (floor 1e-10), and the levels are
 * merged back. Low frequencies then get as much step as high ones: smoother, larger-scale patterns.
 *
 * <p>The tutorial's {@code conv2d} and {@code conv2d_transpose} are written here as separable passes
 * per channel (the kernel is separable and the tutorial's k⊗I₃ never mixes channels). One instance
 * holds the buffers for one image size, so a step allocates nothing.
 */
public final class LaplacianNorm {
    /** The binomial kernel of one axis, [1,4,6,4,1]/16. */
    private static final float[] K = {1 / 16f, 4 / 16f, 6 / 16f, 4 / 16f, 1 / 16f};
    private static final double EPS = 1e-10;

    private final int channels, levels;
    private final int[] hs, ws;          // size of pyramid level i (0 = the image)
    private final float[][] lo;          // lo[i]: the low-pass image of level i+1, channels × hs[i+1] × ws[i+1]
    private final float[][] hi;          // hi[i]: the band-pass level i, channels × hs[i] × ws[i]
    private final float[] rows;          // scratch for the separable passes

    public LaplacianNorm(int channels, int height, int width, int levels) {
        if (levels < 1) throw new IllegalArgumentException("Laplacian levels must be at least 1, got " + levels);
        this.channels = channels;
        this.levels = levels;
        hs = new int[levels + 1];
        ws = new int[levels + 1];
        hs[0] = height;
        ws[0] = width;
        for (int i = 1; i <= levels; i++) { hs[i] = (hs[i - 1] + 1) / 2; ws[i] = (ws[i - 1] + 1) / 2; }
        lo = new float[levels][];
        hi = new float[levels][];
        for (int i = 0; i < levels; i++) {
            lo[i] = new float[channels * hs[i + 1] * ws[i + 1]];
            hi[i] = new float[channels * hs[i] * ws[i]];
        }
        rows = new float[Math.max(hs[0] * ws[1], hs[0] * ws[0])];
    }

    boolean fits(int c, int h, int w, int l) { return c == channels && h == hs[0] && w == ws[0] && l == levels; }

    /** out = lap_normalize(g), both channels × height × width; out may be g. */
    public void normalize(float[] g, float[] out) {
        if (g.length != hi[0].length || out.length != g.length)
            throw new IllegalArgumentException("gradient has " + g.length + " values, this normalizer is for " + hi[0].length);
        // Split: hi_i = img_i − up(down(img_i)), img_{i+1} = down(img_i).
        float[] img = g;
        for (int i = 0; i < levels; i++) {
            int h = hs[i], w = ws[i], lh = hs[i + 1], lw = ws[i + 1];
            for (int c = 0; c < channels; c++) down(img, c * h * w, h, w, lo[i], c * lh * lw, lh, lw);
            for (int c = 0; c < channels; c++) up(lo[i], c * lh * lw, lh, lw, hi[i], c * h * w, h, w);
            for (int j = 0; j < hi[i].length; j++) hi[i][j] = img[j] - hi[i][j];
            img = lo[i];
        }
        // Normalize every level (the residual lo[levels-1] included), then merge from the coarsest.
        float[] residual = lo[levels - 1];
        scaleToUnitRms(residual);
        for (int i = 0; i < levels; i++) scaleToUnitRms(hi[i]);
        float[] merged = residual;
        for (int i = levels - 1; i >= 0; i--) {
            int h = hs[i], w = ws[i], lh = hs[i + 1], lw = ws[i + 1];
            float[] target = i == 0 ? out : lo[i - 1];   // lo[i-1] is free again: its level was split already
            for (int c = 0; c < channels; c++) up(merged, c * lh * lw, lh, lw, target, c * h * w, h, w);
            for (int j = 0; j < h * w * channels; j++) target[j] += hi[i][j];
            merged = target;
        }
    }

    private static void scaleToUnitRms(float[] v) {
        double sum = 0;
        for (float x : v) sum += (double) x * x;
        double rms = Math.sqrt(sum / v.length);
        float s = (float) (1 / Math.max(rms, EPS));
        for (int i = 0; i < v.length; i++) v[i] *= s;
    }

    /** TF "SAME" padding before the first sample of a stride-2, size-5 window over n inputs. */
    static int padBefore(int n) {
        int outN = (n + 1) / 2;
        int total = Math.max((outN - 1) * 2 + 5 - n, 0);
        return total / 2;
    }

    /** dst (lh×lw) = stride-2 5×5 binomial convolution of src (h×w), zero outside. Rows first, then columns. */
    private void down(float[] src, int so, int h, int w, float[] dst, int dOff, int lh, int lw) {
        int px = padBefore(w), py = padBefore(h);
        for (int y = 0; y < h; y++)
            for (int j = 0; j < lw; j++) {
                float s = 0;
                for (int a = 0; a < 5; a++) {
                    int x = 2 * j + a - px;
                    if (x >= 0 && x < w) s += K[a] * src[so + y * w + x];
                }
                rows[y * lw + j] = s;
            }
        for (int i = 0; i < lh; i++)
            for (int j = 0; j < lw; j++) {
                float s = 0;
                for (int a = 0; a < 5; a++) {
                    int y = 2 * i + a - py;
                    if (y >= 0 && y < h) s += K[a] * rows[y * lw + j];
                }
                dst[dOff + i * lw + j] = s;
            }
    }

    /**
     * dst (h×w) = the transpose of {@link #down} applied to src (lh×lw), times 4 (the tutorial's
     * {@code conv2d_transpose(lo, k5x5*4)}): each output gathers the inputs whose window covered it.
     */
    private void up(float[] src, int so, int lh, int lw, float[] dst, int dOff, int h, int w) {
        int px = padBefore(w), py = padBefore(h);
        // Columns: rows[i][x] = Σ_j K[x + px − 2j] src[i][j]
        for (int i = 0; i < lh; i++)
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int a = (x + px) & 1; a < 5; a += 2) {
                    int j = (x + px - a) / 2;
                    if (j >= 0 && j < lw) s += K[a] * src[so + i * lw + j];
                }
                rows[i * w + x] = s;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int a = (y + py) & 1; a < 5; a += 2) {
                    int i = (y + py - a) / 2;
                    if (i >= 0 && i < lh) s += K[a] * rows[i * w + x];
                }
                dst[dOff + y * w + x] = 4 * s;
            }
    }
}
