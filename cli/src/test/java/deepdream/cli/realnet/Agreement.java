package deepdream.cli.realnet;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How two float computations of the real net must agree.
 *
 * <p>Activations: relative L2 error ‖a − r‖₂/‖r‖₂ ≤ 1e-4. Measured 3e-7 … 7e-7 (cpu and opencl vs the
 * float64 reference and vs the reference backend): a float32 net accumulates ~1e-7 rounding per op
 * over ~60 layers, and any semantic slip (a pad, a ceil-mode window, LRN's alpha/size) is ≥ 1e-3.
 *
 * <p>Input gradients are only piecewise continuous in the input: where a ReLU input is within
 * rounding (~1e-7 relative) of 0, or two values in a max-pool window are within rounding of each
 * other (exact ties are common: 8-bit plateaus of a photo give equal conv outputs), float32 and the
 * other computation may take different branches, and the gradient of that unit's whole receptive
 * field is routed differently. Measured (relative L2 / elements beyond 1e-3·max|ref|):
 * cpu vs float64 reference at 224: pool1/norm1 2.7e-7 / 0, inception_4c 3.4e-5 / 0, inception_3b
 * 3.1e-4 / 5 of 150,528 (one 16-px patch); at 773×512 inception_4c 2.1e-3 / 600 of 1,187,328 (two
 * patches); opencl vs reference backend at 231×317 8.8e-4 / 16 of 219,681 (the photo resized) and
 * 3.9e-4 / 4 (a crop of the native input: one patch, behind the one ReLU sign flip, found layer by
 * layer, in inception_3a/relu_3x3); cpu vs reference backend on that crop 7.0e-7 / 0. On five
 * crops of the native input (RealNetOpenClProbeTest) the worst was opencl at (140, 200): 3.2e-3 /
 * 1,887 of 219,681 (0.86%), all in one 41×41-pixel patch holding 99.9% of the error — the receptive
 * field of one unit in the inception_3b/4a range. So the gradient must agree to relative L2 ≤ 1e-2
 * overall and to 1e-3·max|ref| on all but 1% of its elements: a wrong kernel (a transposed filter,
 * a missing LRN term, gradient to the wrong max) is wrong everywhere, by 1e-2 to 1, and fails both.
 */
final class Agreement {
    private Agreement() {}

    static final double ACTIVATION_L2 = 1e-4;
    static final double GRADIENT_L2 = 1e-2;
    static final double GRADIENT_ELEMENT = 1e-3;
    static final double GRADIENT_OUTLIER_FRACTION = 1e-2;

    static double relativeL2(float[] actual, float[] expected) {
        double num = 0, den = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            num += d * d;
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }

    static double activation(String what, float[] actual, float[] expected) {
        double err = relativeL2(actual, expected);
        System.out.printf(Locale.ROOT, "[real net] %s: relative L2 error %.3e%n", what, err);
        assertTrue(err <= ACTIVATION_L2, what + ": relative L2 error " + err + " > " + ACTIVATION_L2);
        return err;
    }

    static double gradient(String what, float[] actual, float[] expected) {
        double err = relativeL2(actual, expected), maxRef = 0;
        for (float v : expected) maxRef = Math.max(maxRef, Math.abs(v));
        int outliers = 0;
        for (int i = 0; i < actual.length; i++) if (!(Math.abs((double) actual[i] - expected[i]) <= GRADIENT_ELEMENT * maxRef)) outliers++;
        System.out.printf(Locale.ROOT, "[real net] %s: relative L2 error %.3e, %d of %d elements beyond 1e-3*max|ref|%n", what, err, outliers, actual.length);
        assertTrue(err <= GRADIENT_L2, what + ": relative L2 error " + err + " > " + GRADIENT_L2);
        assertTrue(outliers <= GRADIENT_OUTLIER_FRACTION * actual.length, what + ": " + outliers + " elements beyond 1e-3*max|ref| (allowed: 1%)");
        return err;
    }
}
