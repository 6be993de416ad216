package deepdream.engine.dream;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * LaplacianNorm against the TensorFlow tutorial's lap_normalize, re-implemented here from its
 * definition in double precision: tf.nn.conv2d with k5x5 = outer([1,4,6,4,1])/256 ⊗ I₃, stride 2,
 * 'SAME' padding, and tf.nn.conv2d_transpose (the adjoint of that convolution) with k5x5·4.
 */
class LaplacianNormTest {
    static final double[][] K5 = kernel();

    static double[][] kernel() {
        double[] k = {1, 4, 6, 4, 1};
        double[][] m = new double[5][5];
        for (int a = 0; a < 5; a++) for (int b = 0; b < 5; b++) m[a][b] = k[a] * k[b] / 256;
        return m;
    }

    /** TF 'SAME': out = ceil(n/2), pad_total = max((out−1)·2 + 5 − n, 0), pad_before = pad_total / 2. */
    static int padBefore(int n) { return Math.max(((n + 1) / 2 - 1) * 2 + 5 - n, 0) / 2; }

    /** tf.nn.conv2d(img, k5x5, [1,2,2,1], 'SAME') on one channel. */
    static double[][] conv(double[][] img) {
        int h = img.length, w = img[0].length, oh = (h + 1) / 2, ow = (w + 1) / 2, pt = padBefore(h), pl = padBefore(w);
        double[][] out = new double[oh][ow];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                for (int a = 0; a < 5; a++)
                    for (int b = 0; b < 5; b++) {
                        int y = 2 * i + a - pt, x = 2 * j + b - pl;
                        if (y >= 0 && y < h && x >= 0 && x < w) out[i][j] += K5[a][b] * img[y][x];
                    }
        return out;
    }

    /** tf.nn.conv2d_transpose(lo, k5x5*4, shape, [1,2,2,1]): scatter each input through the kernel. */
    static double[][] convT(double[][] lo, int h, int w) {
        int pt = padBefore(h), pl = padBefore(w);
        double[][] out = new double[h][w];
        for (int i = 0; i < lo.length; i++)
            for (int j = 0; j < lo[0].length; j++)
                for (int a = 0; a < 5; a++)
                    for (int b = 0; b < 5; b++) {
                        int y = 2 * i + a - pt, x = 2 * j + b - pl;
                        if (y >= 0 && y < h && x >= 0 && x < w) out[y][x] += 4 * K5[a][b] * lo[i][j];
                    }
        return out;
    }

    /** lap_normalize(img, scale_n) of the tutorial on c channels. */
    static double[][][] lapNormalize(double[][][] img, int n) {
        int c = img.length;
        double[][][][] levels = new double[n + 1][][][];   // levels[0] = coarsest residual, then hi from coarse to fine
        double[][][] cur = img;
        for (int l = 0; l < n; l++) {
            double[][][] lo = new double[c][][], hi = new double[c][][];
            for (int ch = 0; ch < c; ch++) {
                lo[ch] = conv(cur[ch]);
                double[][] lo2 = convT(lo[ch], cur[ch].length, cur[ch][0].length);
                hi[ch] = new double[lo2.length][lo2[0].length];
                for (int y = 0; y < lo2.length; y++) for (int x = 0; x < lo2[0].length; x++) hi[ch][y][x] = cur[ch][y][x] - lo2[y][x];
            }
            levels[n - l] = hi;
            cur = lo;
        }
        levels[0] = cur;
        for (double[][][] level : levels) normalizeStd(level);
        double[][][] out = levels[0];
        for (int l = 1; l <= n; l++) {
            double[][][] hi = levels[l], merged = new double[c][][];
            for (int ch = 0; ch < c; ch++) {
                merged[ch] = convT(out[ch], hi[ch].length, hi[ch][0].length);
                for (int y = 0; y < hi[ch].length; y++) for (int x = 0; x < hi[ch][0].length; x++) merged[ch][y][x] += hi[ch][y][x];
            }
            out = merged;
        }
        return out;
    }

    static void normalizeStd(double[][][] t) {
        double sum = 0;
        long count = 0;
        for (double[][] p : t) for (double[] r : p) for (double v : r) { sum += v * v; count++; }
        double std = Math.max(Math.sqrt(sum / count), 1e-10);
        for (double[][] p : t) for (double[] r : p) for (int i = 0; i < r.length; i++) r[i] /= std;
    }

    @Test
    void equalsTheTutorialsLapNormalizeOnRandomGradients() {
        Random r = new Random(17);
        int[][] cases = {{3, 37, 45, 4}, {3, 64, 48, 4}, {3, 20, 21, 1}, {3, 33, 16, 3}, {1, 9, 7, 2}, {3, 50, 71, 5}};
        for (int[] cs : cases) {
            int c = cs[0], h = cs[1], w = cs[2], n = cs[3];
            double scale = Math.pow(10, r.nextInt(7) - 4);   // gradients come in any magnitude
            double[][][] img = new double[c][h][w];
            float[] g = new float[c * h * w];
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        // Smooth part plus noise: every band of the pyramid carries signal.
                        float v = (float) (scale * (Math.sin(0.1 * x + ch) * Math.cos(0.07 * y) * 3 + r.nextGaussian()));
                        img[ch][y][x] = v;
                        g[(ch * h + y) * w + x] = v;
                    }
            double[][][] expected = lapNormalize(img, n);
            float[] actual = new float[g.length];
            new LaplacianNorm(c, h, w, n).normalize(g, actual);
            double maxErr = 0, maxAbs = 0;
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        maxErr = Math.max(maxErr, Math.abs(expected[ch][y][x] - actual[(ch * h + y) * w + x]));
                        maxAbs = Math.max(maxAbs, Math.abs(expected[ch][y][x]));
                    }
            assertTrue(maxErr <= 1e-5, c + "x" + h + "x" + w + " levels " + n + ": max |difference| " + maxErr + " (values up to " + maxAbs + ")");
            assertTrue(maxAbs > 1, "the normalized gradient is not trivially small: " + maxAbs);
        }
    }

    @Test
    void inPlaceGivesTheSameAndAZeroGradientStaysZero() {
        Random r = new Random(3);
        float[] g = new float[3 * 30 * 41];
        for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian();
        LaplacianNorm lap = new LaplacianNorm(3, 30, 41, 4);
        float[] out = new float[g.length];
        lap.normalize(g, out);
        lap.normalize(g, g);
        assertArrayEquals(out, g, "in place, same values; the instance is reusable");
        float[] zero = new float[g.length];
        lap.normalize(zero, zero);
        for (float v : zero) assertEquals(0f, v, "the 1e-10 floor keeps a zero gradient zero instead of NaN");
    }
}
