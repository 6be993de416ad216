package deepdream.engine.visualize;

/**
 * Discrete Fourier transform of any length, in double precision, JDK only:
 * {@code X[k] = Σ_j x[j]·e^(∓2πi·jk/n)} (forward: −, inverse: +, not normalized).
 * Powers of two run as an iterative radix-2 FFT; other lengths as Bluestein's chirp-z transform
 * (the DFT as a convolution, done by a radix-2 FFT of a power of two ≥ 2n − 1), so every length
 * costs O(n log n). Single-threaded and in a fixed order: the same input gives the same bits
 * everywhere. An instance holds its tables and scratch arrays: one per thread.
 */
public final class Fft {
    private final int n;
    // radix-2: twiddles cos/sin(2πk/n), k < n/2, and the bit-reversal permutation
    private final double[] cos, sin;
    private final int[] reverse;
    // Bluestein: chirp w[j] = e^(−iπ j²/n), the FFT of its conjugate padded to m, and the inner FFT
    private final double[] chirpRe, chirpIm, kernelRe, kernelIm, bufRe, bufIm;
    private final Fft inner;

    public Fft(int n) {
        if (n < 1) throw new IllegalArgumentException("FFT length must be positive, got " + n);
        this.n = n;
        if (Integer.bitCount(n) == 1) {
            cos = new double[n / 2];
            sin = new double[n / 2];
            for (int k = 0; k < n / 2; k++) {
                cos[k] = Math.cos(2 * Math.PI * k / n);
                sin[k] = Math.sin(2 * Math.PI * k / n);
            }
            reverse = new int[n];
            int bits = Integer.numberOfTrailingZeros(n);
            for (int i = 0; i < n; i++) reverse[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
            chirpRe = chirpIm = kernelRe = kernelIm = bufRe = bufIm = null;
            inner = null;
        } else {
            cos = sin = null;
            reverse = null;
            int m = Integer.highestOneBit(2 * n - 1) << 1;
            inner = new Fft(m);
            chirpRe = new double[n];
            chirpIm = new double[n];
            for (int j = 0; j < n; j++) {
                // j² mod 2n keeps the angle exact for large j (π·j²/n would lose the low bits).
                double a = Math.PI * (double) ((long) j * j % (2L * n)) / n;
                chirpRe[j] = Math.cos(a);
                chirpIm[j] = -Math.sin(a);
            }
            kernelRe = new double[m];
            kernelIm = new double[m];
            kernelRe[0] = chirpRe[0];
            kernelIm[0] = -chirpIm[0];
            for (int j = 1; j < n; j++) {
                kernelRe[j] = kernelRe[m - j] = chirpRe[j];
                kernelIm[j] = kernelIm[m - j] = -chirpIm[j];
            }
            inner.transform(kernelRe, kernelIm, false);
            bufRe = new double[m];
            bufIm = new double[m];
        }
    }

    public int length() { return n; }

    /** In place on re[0..n), im[0..n): the forward (inverse = false) or unnormalized inverse DFT. */
    public void transform(double[] re, double[] im, boolean inverse) {
        if (re.length < n || im.length < n) throw new IllegalArgumentException("FFT of length " + n + " needs arrays of at least " + n);
        // inverse(x) = conj(forward(conj(x))): one code path for both directions.
        if (inverse) for (int i = 0; i < n; i++) im[i] = -im[i];
        if (reverse != null) radix2(re, im);
        else bluestein(re, im);
        if (inverse) for (int i = 0; i < n; i++) im[i] = -im[i];
    }

    private void radix2(double[] re, double[] im) {
        for (int i = 0; i < n; i++) {
            int j = reverse[i];
            if (j > i) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1, stride = n / len;
            for (int start = 0; start < n; start += len)
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * stride], wi = -sin[k * stride];
                    int a = start + k, b = a + half;
                    double tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
        }
    }

    /** jk = (j² + k² − (k − j)²)/2, so X[k] = w[k]·Σ_j (x[j]·w[j])·conj(w[k − j]): a circular convolution of length m. */
    private void bluestein(double[] re, double[] im) {
        int m = bufRe.length;
        for (int j = 0; j < n; j++) {
            bufRe[j] = re[j] * chirpRe[j] - im[j] * chirpIm[j];
            bufIm[j] = re[j] * chirpIm[j] + im[j] * chirpRe[j];
        }
        java.util.Arrays.fill(bufRe, n, m, 0);
        java.util.Arrays.fill(bufIm, n, m, 0);
        inner.transform(bufRe, bufIm, false);
        for (int k = 0; k < m; k++) {
            double r = bufRe[k] * kernelRe[k] - bufIm[k] * kernelIm[k];
            bufIm[k] = bufRe[k] * kernelIm[k] + bufIm[k] * kernelRe[k];
            bufRe[k] = r;
        }
        inner.transform(bufRe, bufIm, true);
        for (int k = 0; k < n; k++) {
            double r = bufRe[k] / m, i = bufIm[k] / m;
            re[k] = r * chirpRe[k] - i * chirpIm[k];
            im[k] = r * chirpIm[k] + i * chirpRe[k];
        }
    }
}
