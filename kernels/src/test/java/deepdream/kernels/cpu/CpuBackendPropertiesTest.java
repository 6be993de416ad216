package deepdream.kernels.cpu;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static deepdream.kernels.BackendComparison.*;

/**
 * Every op the cpu backend overrides, forward and backward, against the reference on random shapes:
 * odd sizes, channel counts that are not multiples of the vector width or of the 8-row GEMM block,
 * pixel counts that leave partial panels, padding, strides 1–3, kernels 1–7, ceil-mode overhang.
 * Run with 2 and 3 threads so uneven task splits are exercised.
 *
 * <p>Tolerance 1e-4 of the largest output: the reference sums in double, the cpu backend in float
 * with a different order; for the sums here (≤ ~1500 terms) float rounding stays below ~1e-6.
 */
class CpuBackendPropertiesTest {
    static final double TOL = 1e-4;
    static final Backend REF = new ReferenceBackend();
    static final CpuBackend CPU2 = new CpuBackend(2);
    static final CpuBackend CPU3 = new CpuBackend(3);

    @AfterContainer
    static void close() {
        CPU2.close();
        CPU3.close();
    }

    static Backend cpu(boolean three) { return three ? CPU3 : CPU2; }

    @Property(tries = 60)
    void convolutionForwardAndBackwardMatchReference(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 21) int c,
            @ForAll @IntRange(min = 1, max = 19) int h, @ForAll @IntRange(min = 1, max = 23) int w,
            @ForAll @IntRange(min = 1, max = 37) int m, @ForAll @IntRange(min = 0, max = 3) int kernelChoice,
            @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 4) int pad,
            @ForAll boolean bias, @ForAll boolean three, @ForAll long seed) {
        int k = new int[] {1, 3, 5, 7}[kernelChoice];
        Assume.that(h + 2 * pad >= k && w + 2 * pad >= k);
        ConvSpec s = ConvSpec.square(k, stride, pad);
        checkConv(n, c, h, w, m, s, bias, three, seed);
    }

    @Property(tries = 25)
    void rectangularKernelsAndUnequalStrides(
            @ForAll @IntRange(min = 1, max = 9) int c, @ForAll @IntRange(min = 3, max = 17) int h,
            @ForAll @IntRange(min = 3, max = 17) int w, @ForAll @IntRange(min = 1, max = 20) int m,
            @ForAll @IntRange(min = 1, max = 3) int kh, @ForAll @IntRange(min = 1, max = 3) int kw,
            @ForAll @IntRange(min = 1, max = 2) int sh, @ForAll @IntRange(min = 1, max = 2) int sw,
            @ForAll @IntRange(min = 0, max = 2) int ph, @ForAll @IntRange(min = 0, max = 2) int pw, @ForAll long seed) {
        checkConv(1, c, h, w, m, new ConvSpec(kh, kw, sh, sw, ph, pw, 1), true, false, seed);
    }

    /** GoogLeNet-like sizes: many channels, several full 32-pixel panels plus a tail. */
    @Property(tries = 8)
    void largerChannelCounts(@ForAll @IntRange(min = 0, max = 3) int kernelChoice, @ForAll @IntRange(min = 9, max = 15) int size,
                             @ForAll @IntRange(min = 60, max = 140) int c, @ForAll @IntRange(min = 17, max = 70) int m, @ForAll long seed) {
        int k = new int[] {1, 3, 5, 7}[kernelChoice];
        checkConv(1, c, size, size + 3, m, ConvSpec.square(k, 1, k / 2), true, true, seed);
    }

    /**
     * The Winograd F(2×2, 3×3) path (3×3, stride 1, pad ≤ 2, ≥ 16 channels in and out), forward and
     * its flipped backward-data: odd output sizes (half tiles at the right and bottom edges), tile
     * counts that leave a partial task, tile rows wider than a vector (the vector input transform),
     * pads 0–2, channel counts off the row block.
     */
    @Property(tries = 30)
    void winogradThreeByThree(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 16, max = 45) int c,
                              @ForAll @IntRange(min = 3, max = 21) int h, @ForAll @IntRange(min = 3, max = 75) int w,
                              @ForAll @IntRange(min = 16, max = 41) int m, @ForAll @IntRange(min = 0, max = 2) int pad,
                              @ForAll boolean bias, @ForAll boolean three, @ForAll long seed) {
        ConvSpec s = ConvSpec.square(3, 1, pad);
        Assume.that(CpuConv.winogradable(new CpuConv.Geometry(c, h, w, m, 3, 3, 1, 1, pad, pad, s.outH(h), s.outW(w))));
        checkConv(n, c, h, w, m, s, bias, three, seed);
    }

    private static void checkConv(int n, int c, int h, int w, int m, ConvSpec s, boolean bias, boolean three, long seed) {
        Random r = new Random(seed);
        int[] xs = {n, c, h, w}, ws = {m, c, s.kernelH(), s.kernelW()};
        float[] x = gaussian(r, size(xs), 1), wt = gaussian(r, size(ws), 0.3), b = bias ? gaussian(r, m, 1) : null;
        float[] dy = gaussian(r, n * m * s.outH(h) * s.outW(w), 1);
        String geometry = " x=" + java.util.Arrays.toString(xs) + " w=" + java.util.Arrays.toString(ws) + " " + s;
        assertClose("conv2d" + geometry, REF, cpu(three), conv2d(x, xs, wt, ws, b, s), TOL);
        assertClose("conv2dBackwardData" + geometry, REF, cpu(three), conv2dBackwardData(dy, wt, ws, xs, s), TOL);
    }

    @Property(tries = 120)
    void maxPoolingMatchesReference(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 5) int c,
            @ForAll @IntRange(min = 1, max = 40) int h, @ForAll @IntRange(min = 1, max = 75) int w,
            @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 5) int stride,
            @ForAll @IntRange(min = 0, max = 3) int pad, @ForAll boolean ties, @ForAll boolean three, @ForAll long seed) {
        Assume.that(pad < k && h + 2 * pad >= k && w + 2 * pad >= k);
        PoolSpec s = PoolSpec.max(k, stride, pad);
        Random r = new Random(seed);
        int[] xs = {n, c, h, w};
        // Quantized inputs make ties common: the gradient must go to the first maximum, as in Caffe.
        float[] x = ties ? quantized(r, size(xs), 2) : gaussian(r, size(xs), 1);
        float[] dy = gaussian(r, n * c * s.outH(h) * s.outW(w), 1);
        String what = " x=" + java.util.Arrays.toString(xs) + " " + s;
        assertClose("pool" + what, REF, cpu(three), pool(x, xs, s), TOL);
        assertClose("poolBackward" + what, REF, cpu(three), poolBackward(x, xs, dy, s), TOL);
        assertClose("poolBackward after forward" + what, REF, cpu(three), poolBackwardAfterForward(x, xs, dy, s), TOL);
    }

    /** The inception pools' own path (3×3, stride 1, pad 1: whole planes as one flat array), from planes smaller than a vector to several vectors wide. */
    @Property(tries = 80)
    void centredMaxPoolingMatchesReference(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 4) int c,
            @ForAll @IntRange(min = 1, max = 30) int h, @ForAll @IntRange(min = 1, max = 40) int w,
            @ForAll boolean ties, @ForAll boolean three, @ForAll long seed) {
        PoolSpec s = PoolSpec.max(3, 1, 1);
        Random r = new Random(seed);
        int[] xs = {n, c, h, w};
        float[] x = ties ? quantized(r, size(xs), 2) : gaussian(r, size(xs), 1);
        float[] dy = gaussian(r, n * c * h * w, 1);
        String what = " x=" + java.util.Arrays.toString(xs) + " " + s;
        assertClose("pool" + what, REF, cpu(three), pool(x, xs, s), TOL);
        assertClose("poolBackward" + what, REF, cpu(three), poolBackward(x, xs, dy, s), TOL);
        assertClose("poolBackward after forward" + what, REF, cpu(three), poolBackwardAfterForward(x, xs, dy, s), TOL);
    }

    @Property(tries = 10)
    void averagePoolingIsInheritedAndStillRight(@ForAll @IntRange(min = 3, max = 12) int h, @ForAll @IntRange(min = 1, max = 3) int k,
                                                @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll long seed) {
        PoolSpec s = PoolSpec.ave(k, stride, 0);
        Random r = new Random(seed);
        int[] xs = {1, 3, h, h + 1};
        assertClose("ave pool", REF, CPU2, pool(gaussian(r, size(xs), 1), xs, s), TOL);
    }

    @Property(tries = 40)
    void lrnForwardAndBackwardMatchReference(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 23) int c,
            @ForAll @IntRange(min = 1, max = 24) int h, @ForAll @IntRange(min = 1, max = 27) int w,
            @ForAll @IntRange(min = 0, max = 3) int sizeChoice, @ForAll boolean caffeBeta,
            @ForAll @FloatRange(min = 0.25f, max = 2f) float k, @ForAll boolean three, @ForAll long seed) {
        int size = new int[] {1, 3, 5, 7}[sizeChoice];
        // Caffe's beta 0.75 takes the two-square-root path; other betas the pow path.
        LrnSpec s = new LrnSpec(size, caffeBeta ? 1e-4f : 0.3f, caffeBeta ? 0.75f : 0.6f, k);
        Random r = new Random(seed);
        int[] xs = {n, c, h, w};
        // GoogLeNet's LRN inputs reach a few hundred: large enough that the normalization matters.
        float[] x = gaussian(r, size(xs), caffeBeta ? 60 : 1), dy = gaussian(r, size(xs), 1);
        String what = " x=" + java.util.Arrays.toString(xs) + " " + s;
        assertClose("lrn" + what, REF, cpu(three), lrn(x, xs, s), TOL);
        float[] y = lrn(x, xs, s).apply(REF);
        assertClose("lrnBackward" + what, REF, cpu(three), lrnBackward(x, y, dy, xs, s), TOL);
        assertClose("lrnBackward after forward" + what, REF, cpu(three), lrnBackwardAfterForward(x, dy, xs, s), TOL);
    }

    @Property(tries = 30)
    void elementwiseOpsMatchReference(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 70) int c,
                                      @ForAll @IntRange(min = 1, max = 90) int hw, @ForAll float a, @ForAll boolean three,
                                      @ForAll long seed) {
        Assume.that(Float.isFinite(a) && Math.abs(a) < 1e6);
        Random r = new Random(seed);
        int[] shape = {n, c, hw, 1};
        int len = size(shape);
        float[] x = gaussian(r, len, 1), y = gaussian(r, len, 1);
        Backend cpu = cpu(three);
        assertClose("relu", REF, cpu, relu(x, shape), TOL);
        assertClose("relu in place", REF, cpu, reluInPlace(x, shape), TOL);
        assertClose("reluBackward", REF, cpu, reluBackward(x, y, shape), TOL);
        assertClose("axpy", REF, cpu, axpy(a, x, y, shape), TOL);
        assertClose("scale", REF, cpu, scale(x, a, shape), TOL);
        assertClose("reductions", REF, cpu, reductions(x, y, shape), 1e-5);
    }

    @Property(tries = 20)
    void concatCopiesMatchReference(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 4) int parts,
                                    @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                    @ForAll long seed) {
        Random r = new Random(seed);
        int[] channels = new int[parts];
        List<float[]> data = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < parts; i++) {
            channels[i] = 1 + r.nextInt(6);
            total += channels[i];
            data.add(gaussian(r, n * channels[i] * h * w, 1));
        }
        float[] g = gaussian(r, n * total * h * w, 1);
        assertClose("concat", REF, CPU2, concat(data, channels, n, h, w, g), 0);
    }
}
