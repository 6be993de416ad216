package deepdream.kernels.grad;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.testing.GradientChecker;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.statistics.Statistics;

/**
 * Every op's backward against central differences of its forward, on random shapes and parameters
 * (odd sizes, padding, strides, groups, ceil-mode overhang), on the reference backend. Coverage checks
 * make sure the random draws really reach the interesting geometries.
 */
class OpGradientPropertiesTest {
    private final Backend b = new ReferenceBackend();

    private void check(GradCases.Case c, long seed) {
        new GradientChecker(b).seed(seed).assertGradient(c.x(), c.f());
    }

    @Property(tries = 120)
    void convolution(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int groups,
                     @ForAll @IntRange(min = 1, max = 5) int cPerGroup, @ForAll @IntRange(min = 1, max = 4) int mPerGroup,
                     @ForAll @IntRange(min = 1, max = 5) int kh, @ForAll @IntRange(min = 1, max = 5) int kw,
                     @ForAll @IntRange(min = 1, max = 3) int strideH, @ForAll @IntRange(min = 1, max = 2) int strideW,
                     @ForAll @IntRange(min = 0, max = 2) int padH, @ForAll @IntRange(min = 0, max = 2) int padW,
                     @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                     @ForAll boolean bias, @ForAll long seed) {
        Assume.that(h + 2 * padH >= kh && w + 2 * padW >= kw);
        ConvSpec spec = new ConvSpec(kh, kw, strideH, strideW, padH, padW, groups);
        Statistics.label("groups > 1").collect(groups > 1);
        Statistics.label("stride 2+").collect(strideH > 1 || strideW > 1);
        Statistics.label("padded").collect(padH > 0 || padW > 0);
        Statistics.label("groups > 1").coverage(cov -> cov.check(true).percentage(p -> p > 20));
        Statistics.label("stride 2+").coverage(cov -> cov.check(true).percentage(p -> p > 20));
        Statistics.label("padded").coverage(cov -> cov.check(true).percentage(p -> p > 20));
        check(GradCases.conv(b, seed, spec, n, cPerGroup, mPerGroup, h, w, bias), seed);
    }

    @Property(tries = 60)
    void relu(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 19) int c,
              @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
              @ForAll boolean flat, @ForAll long seed) {
        check(flat ? GradCases.relu(b, seed, n, c * h * w) : GradCases.relu(b, seed, n, c, h, w), seed);
    }

    @Property(tries = 150)
    void maxPool(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 18) int c,
                 @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                 @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
                 @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
                 @ForAll long seed) {
        pool(PoolSpec.Method.MAX, n, c, h, w, kh, kw, stride, pad, seed);
    }

    @Property(tries = 150)
    void avePool(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 18) int c,
                 @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                 @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
                 @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
                 @ForAll long seed) {
        pool(PoolSpec.Method.AVE, n, c, h, w, kh, kw, stride, pad, seed);
    }

    private void pool(PoolSpec.Method method, int n, int c, int h, int w, int kh, int kw, int stride, int pad, long seed) {
        pad = Math.min(pad, Math.min(kh, kw) - 1);   // Caffe requires pad < kernel
        Assume.that(h + 2 * pad >= kh && w + 2 * pad >= kw);
        PoolSpec spec = new PoolSpec(method, kh, kw, stride, stride, pad, pad);
        int oh = spec.outH(h), ow = spec.outW(w);
        // Every window must touch the image (always true with padding; stride > kernel can break it without).
        Assume.that((oh - 1) * stride < h + pad && (ow - 1) * stride < w + pad);
        boolean overhang = (oh - 1) * stride + kh > h + 2 * pad || (ow - 1) * stride + kw > w + 2 * pad;
        Statistics.label("ceil-mode overhang").collect(overhang);
        Statistics.label("padded window dropped").collect(ceilOut(h, kh, stride, pad) != oh || ceilOut(w, kw, stride, pad) != ow);
        Statistics.label("ceil-mode overhang").coverage(cov -> cov.check(true).percentage(p -> p > 10));
        Statistics.label("padded window dropped").coverage(cov -> cov.check(true).count(k -> k > 0));
        check(GradCases.pool(b, seed, spec, n, c, h, w), seed);
    }

    /** The ceil-mode size before Caffe's "last window must start inside the image" correction. */
    private static int ceilOut(int in, int k, int s, int p) { return (in + 2 * p - k + s - 1) / s + 1; }

    @Property(tries = 100)
    void lrn(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 20) int c,
             @ForAll @IntRange(min = 1, max = 4) int h, @ForAll @IntRange(min = 1, max = 4) int w,
             @ForAll @IntRange(min = 0, max = 3) int halfSize, @ForAll @FloatRange(min = 1e-4f, max = 2f) @Scale(4) float alpha,
             @ForAll @FloatRange(min = 0.5f, max = 1f) float beta, @ForAll @IntRange(min = 1, max = 2) int k,
             @ForAll long seed) {
        check(GradCases.lrn(b, seed, new LrnSpec(2 * halfSize + 1, alpha, beta, k), n, c, h, w), seed);
    }

    @Property(tries = 60)
    void concat(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 2, max = 4) int inputs,
                @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w,
                @ForAll long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int[] channels = new int[inputs];
        for (int i = 0; i < inputs; i++) channels[i] = 1 + rnd.nextInt(5);
        for (int which = 0; which < inputs; which++)
            check(GradCases.concat(b, seed + which, n, channels, which, h, w), seed);
    }

    @Property(tries = 60)
    void innerProduct(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 6) int c,
                      @ForAll @IntRange(min = 1, max = 4) int h, @ForAll @IntRange(min = 1, max = 4) int w,
                      @ForAll @IntRange(min = 1, max = 17) int out, @ForAll boolean bias, @ForAll long seed) {
        check(GradCases.innerProduct(b, seed, n, c, h, w, out, bias), seed);
    }

    @Property(tries = 30)
    void dropout(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 7) int c,
                 @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w, @ForAll long seed) {
        check(GradCases.dropout(b, seed, n, c, h, w), seed);
    }

    @Property(tries = 80)
    void softmax(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 12) int c,
                 @ForAll @IntRange(min = 1, max = 4) int h, @ForAll @IntRange(min = 1, max = 4) int w,
                 @ForAll boolean flat, @ForAll long seed) {
        check(flat ? GradCases.softmax(b, seed, n, c) : GradCases.softmax(b, seed, n, c, h, w), seed);
    }
}
