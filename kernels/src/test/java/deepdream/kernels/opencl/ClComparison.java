package deepdream.kernels.opencl;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares the OpenCL backend's results with the reference backend's. (The cpu tests have the
 * same in {@code deepdream.kernels.BackendComparison}; the two can become one once both landed.)
 *
 * <p>Relative error here is norm-wise: max_i |actual_i − expected_i| / max_i |expected_i| (with
 * max |expected| = 0, the absolute difference). Element-wise relative error would be meaningless
 * for outputs that cancel to near zero (a convolution sum of ±terms, a gradient that vanishes
 * behind a ReLU), while the norm-wise figure still catches any wrong element: an indexing bug
 * makes errors of the order of the values themselves, i.e. a relative error near 1.
 */
final class ClComparison {
    private ClComparison() {}

    /** The default bound: float32 kernels against the double-accumulating reference. */
    public static final double TOLERANCE = 1e-4;

    public static double relativeError(float[] actual, float[] expected) {
        if (actual.length != expected.length)
            throw new AssertionError("length " + actual.length + " differs from the reference's " + expected.length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (!(d <= maxDiff)) maxDiff = d;   // NaN propagates as the maximum
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /** Fails with the worst element when the relative error exceeds tolerance; returns the error. */
    public static double assertClose(String what, float[] actual, float[] expected, double tolerance) {
        double err = relativeError(actual, expected);
        if (!(err <= tolerance)) {
            int worst = 0;
            double wd = -1;
            for (int i = 0; i < actual.length; i++) {
                double d = Math.abs((double) actual[i] - expected[i]);
                if (Double.isNaN(d) || d > wd) { wd = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d; worst = i; }
            }
            fail(what + ": relative error " + err + " > " + tolerance + "; worst at flat index " + worst
                    + ": got " + actual[worst] + ", reference " + expected[worst]);
        }
        return err;
    }

    /** Compares two tensors (any backends) by downloading both. */
    public static double assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        if (!java.util.Arrays.equals(actual.shape(), expected.shape()))
            fail(what + ": shape " + deepdream.engine.Shapes.toString(actual.shape()) + " differs from the reference's "
                    + deepdream.engine.Shapes.toString(expected.shape()));
        return assertClose(what, actual.toHost(), expected.toHost(), tolerance);
    }

    /** Uniform values in [-1, 1). */
    public static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    /** Values from {-levels/2 .. levels/2}/levels: many exact ties (max-pool's first-maximum rule). */
    public static float[] randomTies(Random r, int n, int levels) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (r.nextInt(levels + 1) - levels / 2) / (float) levels;
        return a;
    }

    /** The same host data on two backends: {expected-side tensor, actual-side tensor}. */
    public static Tensor[] uploadBoth(Backend reference, Backend actual, float[] data, int... shape) {
        return new Tensor[] {reference.upload(data, shape), actual.upload(data, shape)};
    }
}
