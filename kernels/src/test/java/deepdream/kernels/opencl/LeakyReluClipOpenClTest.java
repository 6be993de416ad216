package deepdream.kernels.opencl;

import deepdream.engine.Backend;
import deepdream.kernels.engine.LeakyReluClipTest;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.util.Random;

import static deepdream.kernels.BackendComparison.assertClose;
import static deepdream.kernels.BackendComparison.size;

/** The OpenCL LeakyRelu and Clip kernels against the reference, exactly (ties at 0 and the bounds included). */
class LeakyReluClipOpenClTest {
    private static final Backend REF = new ReferenceBackend();

    @BeforeProperty
    void requireDevice() { OpenClTestDevice.backend(); }

    @Property(tries = 15)
    void matchesReferenceExactly(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 37) int c,
                                 @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                 @ForAll @IntRange(min = 0, max = 3) int alphaIndex, @ForAll @IntRange(min = -6, max = 2) int lo,
                                 @ForAll @IntRange(min = 0, max = 6) int width, @ForAll boolean inPlace, @ForAll long seed) {
        Backend cl = OpenClTestDevice.backend();
        Random r = new Random(seed);
        int[] shape = {n, c, h, w};
        float[] x = LeakyReluClipTest.grid(r, size(shape)), dy = LeakyReluClipTest.grid(r, size(shape));
        float alpha = LeakyReluClipTest.alpha(alphaIndex), min = lo / 4f, max = min + width / 4f;
        assertClose("leakyRelu", REF, cl, LeakyReluClipTest.unary(x, shape, inPlace, (b, t, y) -> b.leakyRelu(t, alpha, y)), 0);
        assertClose("leakyReluBackward", REF, cl, LeakyReluClipTest.backward(x, dy, shape, inPlace, (b, t, g, dx) -> b.leakyReluBackward(t, alpha, g, dx)), 0);
        assertClose("clip", REF, cl, LeakyReluClipTest.unary(x, shape, inPlace, (b, t, y) -> b.clip(t, min, max, y)), 0);
        assertClose("clipBackward", REF, cl, LeakyReluClipTest.backward(x, dy, shape, inPlace, (b, t, g, dx) -> b.clipBackward(t, min, max, g, dx)), 0);
    }
}
