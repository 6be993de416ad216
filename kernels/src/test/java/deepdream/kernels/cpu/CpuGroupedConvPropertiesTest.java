package deepdream.kernels.cpu;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.kernels.Geometries;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.Arrays;
import java.util.Random;

import static deepdream.kernels.BackendComparison.conv2d;
import static deepdream.kernels.BackendComparison.conv2dBackwardData;
import static deepdream.kernels.BackendComparison.gaussian;

/**
 * Grouped convolutions on the cpu backend ({@link CpuGroupedConv}): the depthwise kernel against the
 * reference on every geometry (widths past a few vector lengths, so both the vector body and the
 * scalar tail run), and one thread against two, bit for bit.
 */
class CpuGroupedConvPropertiesTest {
    static final double TOL = 1e-4;
    static final Backend REF = new ReferenceBackend();
    static final CpuBackend ONE = new CpuBackend(1), TWO = new CpuBackend(2), THREE = new CpuBackend(3);

    @AfterContainer
    static void close() { ONE.close(); TWO.close(); THREE.close(); }

    @Property(tries = 60)
    void depthwiseMatchesReference(
            @ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 12) int c,
            @ForAll @IntRange(min = 1, max = 5) int kh, @ForAll @IntRange(min = 1, max = 5) int kw,
            @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw,
            @ForAll @IntRange(min = 0, max = 3) int pt, @ForAll @IntRange(min = 0, max = 3) int pl,
            @ForAll @IntRange(min = 0, max = 3) int pb, @ForAll @IntRange(min = 0, max = 3) int pr,
            @ForAll @IntRange(min = 1, max = 3) int dh, @ForAll @IntRange(min = 1, max = 3) int dw,
            @ForAll @IntRange(min = 1, max = 19) int h, @ForAll @IntRange(min = 1, max = 77) int w, @ForAll long seed) {
        ConvSpec s = new ConvSpec(kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, c);
        Assume.that(Geometries.fits(s, h, w));
        Geometries.checkConv(REF, THREE, n, 1, 1, h, w, s, seed, TOL);
    }

    /** MobileNetV2's own shapes: 3×3, pad 1, stride 1 and 2, even and odd sizes. */
    @Property(tries = 20)
    void mobileNetDepthwiseMatchesReference(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 40) int c,
            @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 2, max = 40) int h, @ForAll @IntRange(min = 2, max = 40) int w, @ForAll long seed) {
        Geometries.checkConv(REF, TWO, n, 1, 1, h, w, new ConvSpec(3, 3, stride, stride, 1, 1, c), seed, TOL);
    }

    /** Each output element is summed by one task in a fixed order: 1, 2 and 3 threads agree bit for bit. */
    @Property(tries = 15)
    void threadCountDoesNotChangeTheBits(
            @ForAll boolean depthwise, @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll @IntRange(min = 1, max = 2) int dilation,
            @ForAll @IntRange(min = 20, max = 70) int h, @ForAll @IntRange(min = 20, max = 70) int w, @ForAll long seed) {
        int n = 2, groups = 16, cg = depthwise ? 1 : 2, mg = depthwise ? 1 : 3;
        ConvSpec s = new ConvSpec(3, 3, stride, stride, pad, pad, pad + 1, pad, dilation, dilation, groups);
        Random r = new Random(seed);
        int c = cg * groups, m = mg * groups;
        int[] xs = {n, c, h, w}, ws = {m, cg, 3, 3};
        float[] x = gaussian(r, n * c * h * w, 1), wt = gaussian(r, m * cg * 9, 0.3), bias = gaussian(r, m, 1);
        float[] dy = gaussian(r, n * m * s.outH(h) * s.outW(w), 1);
        float[] y1 = conv2d(x, xs, wt, ws, bias, s).apply(ONE), dx1 = conv2dBackwardData(dy, wt, ws, xs, s).apply(ONE);
        for (CpuBackend b : new CpuBackend[] {TWO, THREE})
            for (int repeat = 0; repeat < 3; repeat++) {
                float[] y = conv2d(x, xs, wt, ws, bias, s).apply(b), dx = conv2dBackwardData(dy, wt, ws, xs, s).apply(b);
                if (!Arrays.equals(y1, y)) throw new AssertionError("conv2d " + s + ": " + b.threads() + " threads differ from 1 at index " + Arrays.mismatch(y1, y));
                if (!Arrays.equals(dx1, dx)) throw new AssertionError("conv2d backward " + s + ": " + b.threads() + " threads differ from 1 at index " + Arrays.mismatch(dx1, dx));
            }
    }
}
