package deepdream.engine.visualize;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The FFT against the naive O(n²) DFT in double, on every length up to 70 and some large odd and
 * prime ones (powers of two take the radix-2 path, every other length Bluestein's); the Fourier
 * image's inverse real FFT against numpy's irfft2 formula written out as a double sum, and its
 * adjoint (the backward pass without the sigmoid) as the exact transpose of that linear map.
 */
class FftTest {
    /** X[k] = Σ x[j] e^(∓2πi jk/n), straight from the definition. */
    static double[][] naive(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        double[] or = new double[n], oi = new double[n];
        double sign = inverse ? 1 : -1;
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++) {
                double a = sign * 2 * Math.PI * ((long) j * k % n) / n;
                or[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                oi[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
            }
        return new double[][] {or, oi};
    }

    static void assertMatchesNaive(int n, long seed, boolean inverse) {
        Random r = new Random(seed);
        double[] re = new double[n], im = new double[n];
        for (int i = 0; i < n; i++) { re[i] = 2 * r.nextDouble() - 1; im[i] = 2 * r.nextDouble() - 1; }
        double[][] want = naive(re, im, inverse);
        new Fft(n).transform(re, im, inverse);
        double tol = 1e-12 * n;
        for (int k = 0; k < n; k++) {
            assertEquals(want[0][k], re[k], tol, "re[" + k + "] of length " + n + (inverse ? " inverse" : " forward"));
            assertEquals(want[1][k], im[k], tol, "im[" + k + "] of length " + n + (inverse ? " inverse" : " forward"));
        }
    }

    @Test
    void everyLengthUpTo70MatchesTheNaiveDft() {
        for (int n = 1; n <= 70; n++) {
            assertMatchesNaive(n, n, false);
            assertMatchesNaive(n, n + 1000, true);
        }
    }

    @Test
    void largeOddAndPrimeLengthsMatchTheNaiveDft() {
        for (int n : new int[] {127, 128, 223, 224, 225, 257, 331}) assertMatchesNaive(n, n, n % 2 == 0);
    }

    @Test
    void inverseOfForwardIsNTimesTheInput() {
        Random r = new Random(3);
        int n = 97;
        double[] re = new double[n], im = new double[n], re0 = new double[n], im0 = new double[n];
        for (int i = 0; i < n; i++) { re0[i] = re[i] = r.nextGaussian(); im0[i] = im[i] = r.nextGaussian(); }
        Fft f = new Fft(n);
        f.transform(re, im, false);
        f.transform(re, im, true);
        for (int i = 0; i < n; i++) {
            assertEquals(n * re0[i], re[i], 1e-10);
            assertEquals(n * im0[i], im[i], 1e-10);
        }
    }

    /** numpy's irfft2 of a half spectrum, H × (W/2+1), straight from its definition. */
    static double[] naiveIrfft2(double[] re, double[] im, int h, int w) {
        int fw = w / 2 + 1;
        double[] out = new double[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int ky = 0; ky < h; ky++)
                    for (int kx = 0; kx < fw; kx++) {
                        double c = kx == 0 || 2 * kx == w ? 1 : 2;
                        double a = 2 * Math.PI * ((double) ky * y / h + (double) kx * x / w);
                        s += c * (re[ky * fw + kx] * Math.cos(a) - im[ky * fw + kx] * Math.sin(a));
                    }
                out[y * w + x] = s / (h * w);
            }
        return out;
    }

    /** With sigmoid and colour mixing undone, the rendered image must be Lucid's irfft2(S·scale)/4. */
    @Property(tries = 25)
    void renderIsTheInverseRealFftOfTheScaledSpectrum(@ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                                     @ForAll long seed) {
        FourierImage fi = new FourierImage(h, w, 1, new float[] {0, 0, 0});
        double[] params = fi.randomParameters(new SplittableRandom(seed), 0.05);
        FourierImage.Rendered r = fi.render(params);
        int fw = w / 2 + 1, half = h * fw, plane = h * w;
        double[][] t = new double[3][];
        for (int j = 0; j < 3; j++) {
            double[] re = new double[half], im = new double[half];
            for (int k = 0; k < half; k++) {
                double f = Math.max(Math.hypot(FourierImage.frequency(k / fw, h), (double) (k % fw) / w), 1.0 / Math.max(h, w));
                double scale = Math.sqrt(h * w) / f;
                re[k] = params[j * half + k] * scale;
                im[k] = params[(3 + j) * half + k] * scale;
            }
            t[j] = naiveIrfft2(re, im, h, w);
        }
        double[][] m = FourierImage.COLOR_CORRELATION_SQRT;
        double maxNorm = 0;
        for (int j = 0; j < 3; j++) maxNorm = Math.max(maxNorm, Math.sqrt(m[0][j] * m[0][j] + m[1][j] * m[1][j] + m[2][j] * m[2][j]));
        for (int i = 0; i < 3; i++)
            for (int p = 0; p < plane; p++) {
                double v = 0;
                for (int j = 0; j < 3; j++) v += m[i][j] / maxNorm * t[j][p] / 4;
                double want = 255 / (1 + Math.exp(-v));
                assertEquals(want, r.netInput().data()[(2 - i) * plane + p], 1e-4, "RGB channel " + i + " pixel " + p + " at " + w + "x" + h);
                assertEquals(1 / (1 + Math.exp(-v)), r.sigmoid()[i * plane + p], 1e-12);
            }
    }

    /** numpy.fft.fftfreq's layout: 0, 1, …, ⌈n/2⌉−1, then the negative frequencies. */
    @Test
    void frequenciesAreNumpys() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, -0.4, -0.2}, freqs(5), 1e-15);
        assertArrayEquals(new double[] {0, 0.25, -0.5, -0.25}, freqs(4), 1e-15);
        assertArrayEquals(new double[] {0}, freqs(1), 1e-15);
    }

    private static double[] freqs(int n) {
        double[] f = new double[n];
        for (int k = 0; k < n; k++) f[k] = FourierImage.frequency(k, n);
        return f;
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Fft(0));
        assertThrows(IllegalArgumentException.class, () -> new FourierImage(0, 4, 1, new float[3]));
        FourierImage fi = new FourierImage(4, 5, 1, new float[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fi.render(new double[7]));
        assertTrue(e.getMessage().contains("has " + fi.parameterCount()), e.getMessage());
    }
}
