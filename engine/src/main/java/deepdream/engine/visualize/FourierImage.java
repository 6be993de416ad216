package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.SplittableRandom;

/**
 * Lucid's image parameterisation (Olah et al., "Feature Visualization", 2017; lucid.optvis.param):
 * the optimized numbers are not pixels but the real and imaginary parts of a half spectrum
 * (the real 2-D DFT, columns 0..W/2) of three decorrelated colour planes. Each frequency is
 * scaled by 1/max(f, 1/max(H, W))^decay · √(HW), so that a step of the same size moves every
 * frequency by what natural images hold there (their spectrum falls as 1/f): plain gradient
 * steps in pixels favour high frequencies, which is where the noise of a pixel visualization comes from.
 * <pre>
 *   t_j   = irfft2(S_j · scale) / 4          j = three decorrelated colour planes
 *   rgb_i = Σ_j M[i][j] · t_j                M = Lucid's √(colour covariance), columns normalized
 *   pixel = 255 · sigmoid(rgb_i)             then BGR − mean, the net's input
 * </pre>
 * irfft2 is numpy's: x[y][n] = 1/(HW) · Σ_{ky, kx ≤ W/2} c(kx)·Re(S[ky][kx]·e^{2πi(ky·y/H + kx·n/W)}),
 * c = 1 for kx = 0 and kx = W/2, 2 otherwise (the imaginary parts there are dropped). It is
 * real-linear in (Re S, Im S), so its adjoint is c(kx)/(HW) times the forward DFT of the gradient.
 * Parameters are laid out as Lucid's (2, 3, H, W/2+1): real parts, then imaginary parts.
 */
public final class FourierImage {
    /** Lucid's color_correlation_svd_sqrt (ImageNet), rows R, G, B. */
    static final double[][] COLOR_CORRELATION_SQRT = {{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}};
    /** Lucid's 1/4 after the inverse FFT. */
    static final double OUTPUT_SCALE = 0.25;

    private final int h, w, fw;
    private final double[] scale;
    private final double[][] color = new double[3][3];
    private final float[] meanBgr;
    private final Fft rows, cols;

    /** An image of h × w pixels; decay: the spectrum's exponent (Lucid: 1); meanBgr: the net's mean. */
    public FourierImage(int h, int w, double decay, float[] meanBgr) {
        if (h < 1 || w < 1) throw new IllegalArgumentException("image size must be positive, got " + w + "x" + h);
        if (!(decay >= 0) || !Double.isFinite(decay)) throw new IllegalArgumentException("spectrum decay must be 0 or more, got " + decay);
        if (meanBgr.length != 3) throw new IllegalArgumentException("the Fourier parameterisation needs an RGB net");
        this.h = h;
        this.w = w;
        this.fw = w / 2 + 1;
        this.meanBgr = meanBgr.clone();
        rows = new Fft(w);
        cols = new Fft(h);
        scale = new double[h * fw];
        double floor = 1.0 / Math.max(h, w), root = Math.sqrt((double) h * w);
        for (int ky = 0; ky < h; ky++)
            for (int kx = 0; kx < fw; kx++) {
                double fy = frequency(ky, h), fx = (double) kx / w;
                scale[ky * fw + kx] = root / Math.pow(Math.max(Math.hypot(fy, fx), floor), decay);
            }
        double maxNorm = 0;
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int i = 0; i < 3; i++) s += COLOR_CORRELATION_SQRT[i][j] * COLOR_CORRELATION_SQRT[i][j];
            maxNorm = Math.max(maxNorm, Math.sqrt(s));
        }
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) color[i][j] = COLOR_CORRELATION_SQRT[i][j] / maxNorm;
    }

    /** numpy.fft.fftfreq(n)[k]: k/n for k &lt; ⌈n/2⌉, (k − n)/n above. */
    public static double frequency(int k, int n) { return (k <= (n - 1) / 2 ? k : k - n) / (double) n; }

    public int height() { return h; }
    public int width() { return w; }
    public int parameterCount() { return 2 * 3 * h * fw; }

    /** Lucid's start: every parameter N(0, sd²) (sd 0.01: a nearly flat grey image). */
    public double[] randomParameters(SplittableRandom random, double sd) {
        double[] p = new double[parameterCount()];
        for (int i = 0; i < p.length; i++) p[i] = sd * gaussian(random);
        return p;
    }

    /** Box–Muller from SplittableRandom (java.util.Random's nextGaussian would need another generator). */
    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The image of some parameters, with what its adjoint needs. */
    public record Rendered(PlanarImage netInput, double[] sigmoid) {}

    /** Parameters → net input (BGR − mean, float). */
    public Rendered render(double[] params) {
        requireLength(params);
        int plane = h * w, half = h * fw;
        double[] t = new double[3 * plane];
        double[] re = new double[h * fw], im = new double[h * fw];
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < half; k++) {
                re[k] = params[j * half + k] * scale[k];
                im[k] = params[(3 + j) * half + k] * scale[k];
            }
            inverseReal2d(re, im, t, j * plane);
        }
        double[] s = new double[3 * plane];
        float[] out = new float[3 * plane];
        for (int i = 0; i < 3; i++) {
            int bgr = 2 - i;
            for (int p = 0; p < plane; p++) {
                double v = color[i][0] * t[p] + color[i][1] * t[plane + p] + color[i][2] * t[2 * plane + p];
                double sg = 1 / (1 + Math.exp(-v));
                s[i * plane + p] = sg;
                out[bgr * plane + p] = (float) (255 * sg - meanBgr[bgr]);
            }
        }
        return new Rendered(new PlanarImage(3, h, w, out), s);
    }

    /** d(objective)/d(parameters), from d(objective)/d(net input) of an image that {@link #render} made. */
    public double[] backward(Rendered r, PlanarImage netGradient) {
        if (netGradient.channels() != 3 || netGradient.height() != h || netGradient.width() != w)
            throw new IllegalArgumentException("gradient of " + netGradient.width() + "x" + netGradient.height() + " for a " + w + "x" + h + " image");
        int plane = h * w, half = h * fw;
        float[] g = netGradient.data();
        double[] s = r.sigmoid();
        double[] grgb = new double[3 * plane];
        for (int i = 0; i < 3; i++) {
            int bgr = 2 - i;
            for (int p = 0; p < plane; p++) {
                double sg = s[i * plane + p];
                grgb[i * plane + p] = 255 * g[bgr * plane + p] * sg * (1 - sg);
            }
        }
        double[] out = new double[parameterCount()];
        double[] re = new double[h * w], im = new double[h * w];
        for (int j = 0; j < 3; j++) {
            for (int p = 0; p < plane; p++)
                re[p] = color[0][j] * grgb[p] + color[1][j] * grgb[plane + p] + color[2][j] * grgb[2 * plane + p];
            forwardReal2d(re, im);
            for (int ky = 0; ky < h; ky++)
                for (int kx = 0; kx < fw; kx++) {
                    double c = (kx == 0 || 2 * kx == w ? 1.0 : 2.0) * OUTPUT_SCALE / ((double) h * w) * scale[ky * fw + kx];
                    out[j * half + ky * fw + kx] = c * re[ky * w + kx];
                    out[(3 + j) * half + ky * fw + kx] = c * im[ky * w + kx];
                }
        }
        return out;
    }

    /**
     * numpy's irfft2 of the half spectrum (re, im: H × fw) times {@link #OUTPUT_SCALE}, into
     * out[offset..offset + H·W): the inverse DFT along y per column, then each row's Hermitian
     * extension (imaginary parts at kx = 0 and W/2 dropped) through the inverse DFT along x.
     */
    private void inverseReal2d(double[] re, double[] im, double[] out, int offset) {
        double[] colRe = new double[h], colIm = new double[h];
        double[] zRe = new double[h * fw], zIm = new double[h * fw];
        for (int kx = 0; kx < fw; kx++) {
            for (int ky = 0; ky < h; ky++) { colRe[ky] = re[ky * fw + kx]; colIm[ky] = im[ky * fw + kx]; }
            cols.transform(colRe, colIm, true);
            for (int y = 0; y < h; y++) { zRe[y * fw + kx] = colRe[y]; zIm[y * fw + kx] = colIm[y]; }
        }
        double[] rowRe = new double[w], rowIm = new double[w];
        double norm = OUTPUT_SCALE / ((double) h * w);
        for (int y = 0; y < h; y++) {
            java.util.Arrays.fill(rowIm, 0);
            rowRe[0] = zRe[y * fw];
            for (int k = 1; k < fw; k++) {
                rowRe[k] = zRe[y * fw + k];
                if (2 * k == w) continue;   // Nyquist: its own mirror, real part only
                rowIm[k] = zIm[y * fw + k];
                rowRe[w - k] = zRe[y * fw + k];
                rowIm[w - k] = -zIm[y * fw + k];
            }
            rows.transform(rowRe, rowIm, true);
            for (int x = 0; x < w; x++) out[offset + y * w + x] = rowRe[x] * norm;
        }
    }

    /** In place: the real H × W image in re (im ignored) → its full forward 2-D DFT in (re, im), H × W. */
    private void forwardReal2d(double[] re, double[] im) {
        double[] rowRe = new double[w], rowIm = new double[w];
        for (int y = 0; y < h; y++) {
            System.arraycopy(re, y * w, rowRe, 0, w);
            java.util.Arrays.fill(rowIm, 0);
            rows.transform(rowRe, rowIm, false);
            System.arraycopy(rowRe, 0, re, y * w, w);
            System.arraycopy(rowIm, 0, im, y * w, w);
        }
        double[] colRe = new double[h], colIm = new double[h];
        for (int kx = 0; kx < fw; kx++) {   // only the columns the half spectrum needs
            for (int y = 0; y < h; y++) { colRe[y] = re[y * w + kx]; colIm[y] = im[y * w + kx]; }
            cols.transform(colRe, colIm, false);
            for (int y = 0; y < h; y++) { re[y * w + kx] = colRe[y]; im[y * w + kx] = colIm[y]; }
        }
    }

    private void requireLength(double[] params) {
        if (params.length != parameterCount())
            throw new IllegalArgumentException(params.length + " parameters for a " + w + "x" + h + " Fourier image, which has " + parameterCount());
    }
}
