package deepdream.kernels.reference;

import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static deepdream.kernels.BackendComparison.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The oracle's generalised geometry against independent definitions: asymmetric padding is the
 * unpadded convolution of the explicitly zero-padded image; dilation is the convolution with the
 * kernel spread out by zeros; pooling's roundings and divisors on worked examples (the ONNX
 * operator docs' and PyTorch's conventions).
 */
class ReferenceGeometryTest {
    final ReferenceBackend b = new ReferenceBackend();

    @Property(tries = 40)
    void asymmetricPadsAndDilationEqualPaddedImageAndSpreadKernel(
            @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 1, max = 3) int m,
            @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 0, max = 2) int pt, @ForAll @IntRange(min = 0, max = 2) int pl,
            @ForAll @IntRange(min = 0, max = 2) int pb, @ForAll @IntRange(min = 0, max = 2) int pr,
            @ForAll @IntRange(min = 1, max = 3) int dil, @ForAll @IntRange(min = 1, max = 9) int h,
            @ForAll @IntRange(min = 1, max = 9) int w, @ForAll long seed) {
        ConvSpec s = new ConvSpec(k, k, stride, stride, pt, pl, pb, pr, dil, dil, 1);
        int ext = dil * (k - 1) + 1, ph = h + pt + pb, pw = w + pl + pr;
        Assume.that(ph >= ext && pw >= ext);
        Random r = new Random(seed);
        float[] x = gaussian(r, c * h * w, 1), wt = gaussian(r, m * c * k * k, 1);
        float[] padded = new float[c * ph * pw];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++) padded[(ch * ph + y + pt) * pw + xx + pl] = x[(ch * h + y) * w + xx];
        float[] spread = new float[m * c * ext * ext];
        for (int i = 0; i < m * c; i++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++) spread[(i * ext + ky * dil) * ext + kx * dil] = wt[(i * k + ky) * k + kx];
        ConvSpec plain = ConvSpec.square(ext, stride, 0);
        int oh = s.outH(h), ow = s.outW(w);
        assertEquals(plain.outH(ph), oh);
        assertEquals(plain.outW(pw), ow);
        Tensor y = b.allocate(1, m, oh, ow), expected = b.allocate(1, m, oh, ow);
        b.conv2d(b.upload(x, 1, c, h, w), b.upload(wt, m, c, k, k), null, s, y);
        b.conv2d(b.upload(padded, 1, c, ph, pw), b.upload(spread, m, c, ext, ext), null, plain, expected);
        assertArrayEquals(expected.toHost(), y.toHost(), 1e-5f);
        // backward-data: the padded image's gradient, cropped.
        float[] dy = gaussian(r, m * oh * ow, 1);
        Tensor dx = b.allocate(1, c, h, w), dxPadded = b.allocate(1, c, ph, pw);
        b.conv2dBackwardData(b.upload(dy, 1, m, oh, ow), b.upload(wt, m, c, k, k), s, dx);
        b.conv2dBackwardData(b.upload(dy, 1, m, oh, ow), b.upload(spread, m, c, ext, ext), plain, dxPadded);
        float[] full = dxPadded.toHost(), cropped = new float[c * h * w];
        for (int ch = 0; ch < c; ch++)
            for (int yy = 0; yy < h; yy++)
                for (int xx = 0; xx < w; xx++) cropped[(ch * h + yy) * w + xx] = full[(ch * ph + yy + pt) * pw + xx + pl];
        assertArrayEquals(cropped, dx.toHost(), 1e-5f);
    }

    /** 1..9 in a 3×3 plane, kernel 2, stride 1, pad 1 on every side. */
    @Example
    void averagePoolingDivisorsWithAndWithoutPadding() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        PoolSpec include = new PoolSpec(PoolSpec.Method.AVE, 2, 2, 1, 1, 1, 1, 1, 1, PoolSpec.Rounding.FLOOR, true);
        PoolSpec exclude = new PoolSpec(PoolSpec.Method.AVE, 2, 2, 1, 1, 1, 1, 1, 1, PoolSpec.Rounding.FLOOR, false);
        assertEquals(4, include.outH(3));
        // Corner (0,0) covers only x=1; edge (0,1) covers 1 and 2; centre (1,1) covers 1, 2, 4, 5.
        float[] inc = pool(x, include), exc = pool(x, exclude);
        assertEquals(0.25f, inc[0]);
        assertEquals(1f, exc[0]);
        assertEquals(0.75f, inc[1]);
        assertEquals(1.5f, exc[1]);
        assertEquals(3f, inc[5]);
        assertEquals(3f, exc[5]);
    }

    @Example
    void roundingModesGiveTheFrameworksOutputSizes() {
        // in 6, kernel 3, stride 2, no pad: floor (6-3)/2+1 = 2, ceil 3 (the last window starts at 4 < 6).
        assertEquals(2, new PoolSpec(PoolSpec.Method.MAX, 3, 3, 2, 2, 0, 0, 0, 0, PoolSpec.Rounding.FLOOR, true).outH(6));
        assertEquals(3, new PoolSpec(PoolSpec.Method.MAX, 3, 3, 2, 2, 0, 0, 0, 0, PoolSpec.Rounding.CEIL, true).outH(6));
        assertEquals(3, PoolSpec.max(3, 2, 0).outH(6));
        // in 5, kernel 1, stride 3: ceil gives 3 windows, the last starting at 6 ≥ 5: CEIL (PyTorch, ONNX) drops it,
        // Caffe keeps it when unpadded (an empty window, pooled to 0).
        assertEquals(2, new PoolSpec(PoolSpec.Method.MAX, 1, 1, 3, 3, 0, 0, 0, 0, PoolSpec.Rounding.CEIL, true).outH(5));
        assertEquals(3, PoolSpec.max(1, 3, 0).outH(5));
        // in 5, kernel 2, stride 2, pad 1 both sides: ceil((5+2-2)/2)+1 = 4, last start 6 ≥ 5+1 → 3 for both.
        assertEquals(3, PoolSpec.max(2, 2, 1).outH(5));
        assertEquals(3, new PoolSpec(PoolSpec.Method.MAX, 2, 2, 2, 2, 1, 1, 1, 1, PoolSpec.Rounding.CEIL, true).outH(5));
        // asymmetric: pads 0 before, 1 after: floor((5+1-2)/2)+1 = 3.
        assertEquals(3, new PoolSpec(PoolSpec.Method.MAX, 2, 2, 2, 2, 0, 0, 1, 1, PoolSpec.Rounding.FLOOR, true).outH(5));
    }

    private float[] pool(float[] x, PoolSpec s) {
        Tensor y = b.allocate(1, 1, s.outH(3), s.outW(3));
        b.pool(b.upload(x, 1, 1, 3, 3), s, y);
        return y.toHost();
    }
}
