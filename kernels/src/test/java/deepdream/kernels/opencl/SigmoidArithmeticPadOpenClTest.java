package deepdream.kernels.opencl;

import deepdream.kernels.engine.SigmoidArithmeticPadTest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The OpenCL Sigmoid, constant-arithmetic and Pad kernels against the reference: within 1e-6 (a
 * device's division need not round correctly; the pad gradient gathers where the reference scatters,
 * so its sums run in another order), the sigmoid within its float32 exp.
 */
class SigmoidArithmeticPadOpenClTest {
    @BeforeProperty
    void requireDevice() { OpenClTestDevice.backend(); }

    @Property(tries = 15)
    void matchesReference(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 37) int c,
                          @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                          @ForAll @IntRange(min = 0, max = 3) int pattern, @ForAll @IntRange(min = 0, max = 2) int mode,
                          @ForAll @IntRange(min = 0, max = 3) int top, @ForAll @IntRange(min = 0, max = 3) int left,
                          @ForAll @IntRange(min = 0, max = 3) int bottom, @ForAll @IntRange(min = 0, max = 3) int right,
                          @ForAll boolean inPlace, @ForAll long seed) {
        SigmoidArithmeticPadTest.compareWithReference(OpenClTestDevice.backend(), n, c, h, w, pattern, mode, top, left, bottom, right, inPlace, seed, 1e-6);
    }
}
