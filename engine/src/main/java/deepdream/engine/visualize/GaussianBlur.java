package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

/**
 * Separable Gaussian blur of every channel, edges clamped (no darkening at the border). Applied to
 * the image every few steps, it removes the high frequencies the gradient keeps adding (Yosinski
 * et al.'s periodic blur).
 */
public final class GaussianBlur {
    private final double sigma;
    private final float[] kernel;   // taps −r..r, summing to 1

    public GaussianBlur(double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        this.sigma = sigma;
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        kernel = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = -r; i <= r; i++) kernel[i + r] = (float) (Math.exp(-0.5 * i * i / (sigma * sigma)) / sum);
    }

    public double sigma() { return sigma; }

    public PlanarImage apply(PlanarImage src) {
        int h = src.height(), w = src.width(), r = kernel.length / 2;
        PlanarImage tmp = new PlanarImage(src.channels(), h, w), dst = new PlanarImage(src.channels(), h, w);
        float[] in = src.data(), mid = tmp.data(), out = dst.data();
        for (int c = 0; c < src.channels(); c++) {
            int p = c * h * w;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int k = -r; k <= r; k++) s += kernel[k + r] * in[p + y * w + clamp(x + k, w)];
                    mid[p + y * w + x] = s;
                }
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int k = -r; k <= r; k++) s += kernel[k + r] * mid[p + clamp(y + k, h) * w + x];
                    out[p + y * w + x] = s;
                }
        }
        return dst;
    }

    private static int clamp(int i, int n) { return i < 0 ? 0 : i >= n ? n - 1 : i; }

    @Override public String toString() { return "gaussian blur sigma " + sigma; }
}
