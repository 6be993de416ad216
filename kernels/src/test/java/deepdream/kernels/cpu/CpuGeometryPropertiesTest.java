package deepdream.kernels.cpu;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.kernels.Geometries;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.Random;

import static deepdream.kernels.BackendComparison.assertClose;
import static deepdream.kernels.BackendComparison.axpy;
import static deepdream.kernels.BackendComparison.gaussian;
import static deepdream.kernels.BackendComparison.relu;
import static deepdream.kernels.BackendComparison.reluBackward;
import static deepdream.kernels.BackendComparison.scale;

/**
 * The cpu backend on the generalised geometry (asymmetric pads, dilation, groups, every pooling
 * rounding, count_include_pad both ways, N &gt; 1) and on its size-dependent paths, reached on small
 * tensors through {@link CpuBackend.Thresholds}: element-wise ops split across threads from one
 * element on, and strided backward-data convolutions cut into col2im bands of a few pixels.
 */
class CpuGeometryPropertiesTest {
    static final double TOL = 1e-4;
    static final Backend REF = new ReferenceBackend();
    /** Three threads (uneven splits), every element-wise op parallel, col2im bands of 7 pixels. */
    static final CpuBackend SMALL = new CpuBackend(3, new CpuBackend.Thresholds(1, 7));

    @AfterContainer
    static void close() { SMALL.close(); }

    @Property(tries = 40)
    void generalConvolutionMatchesReference(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int groups,
            @ForAll @IntRange(min = 1, max = 5) int cg, @ForAll @IntRange(min = 1, max = 9) int mg,
            @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
            @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw,
            @ForAll @IntRange(min = 0, max = 3) int pt, @ForAll @IntRange(min = 0, max = 3) int pl,
            @ForAll @IntRange(min = 0, max = 3) int pb, @ForAll @IntRange(min = 0, max = 3) int pr,
            @ForAll @IntRange(min = 1, max = 3) int dh, @ForAll @IntRange(min = 1, max = 3) int dw,
            @ForAll @IntRange(min = 1, max = 13) int h, @ForAll @IntRange(min = 1, max = 13) int w, @ForAll long seed) {
        ConvSpec s = new ConvSpec(kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups);
        Assume.that(Geometries.fits(s, h, w));
        Statistics.label("caffe geometry").collect(s.isCaffeGeometry());
        Geometries.checkConv(REF, SMALL, n, cg, mg, h, w, s, seed, TOL);
    }

    /**
     * Caffe's geometry on the fast paths with the small thresholds: batches, strided backward-data
     * in many col2im bands (stride 2–3, so not the flipped forward), Winograd-sized channel counts.
     */
    @Property(tries = 30)
    void fastPathsInSmallBandsMatchReference(
            @ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 20) int c,
            @ForAll @IntRange(min = 1, max = 20) int m, @ForAll @IntRange(min = 0, max = 3) int kernelChoice,
            @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 3) int pad,
            @ForAll @IntRange(min = 3, max = 17) int h, @ForAll @IntRange(min = 3, max = 17) int w, @ForAll long seed) {
        int k = new int[] {1, 3, 5, 7}[kernelChoice];
        ConvSpec s = ConvSpec.square(k, stride, Math.min(pad, k - 1));
        Assume.that(Geometries.fits(s, h, w));
        Statistics.label("col2im bands").collect(stride > 1 ? (s.outH(h) * s.outW(w) > 7 ? "several" : "one") : "flipped");
        Geometries.checkConv(REF, SMALL, n, c, m, h, w, s, seed, TOL);
    }

    @Property(tries = 40)
    void generalPoolingMatchesReference(
            @ForAll boolean max, @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 4) int c,
            @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
            @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw,
            @ForAll @IntRange(min = 0, max = 3) int pt, @ForAll @IntRange(min = 0, max = 3) int pl,
            @ForAll @IntRange(min = 0, max = 3) int pb, @ForAll @IntRange(min = 0, max = 3) int pr,
            @ForAll @IntRange(min = 0, max = 2) int rounding, @ForAll boolean includePad,
            @ForAll @IntRange(min = 1, max = 15) int h, @ForAll @IntRange(min = 1, max = 15) int w, @ForAll long seed) {
        PoolSpec s = Geometries.poolSpec(max, kh, kw, sh, sw, pt, pl, pb, pr, rounding, includePad);
        Assume.that(Geometries.fits(s, h, w));
        Statistics.label("rounding").collect(s.rounding());
        Geometries.checkPool(REF, SMALL, n, c, h, w, s, seed, TOL);
    }

    /** Element-wise ops cut into per-thread chunks even for a handful of elements; must agree bit for bit. */
    @Property(tries = 30)
    void elementwiseOpsSplitAcrossThreadsMatchReference(@ForAll @IntRange(min = 1, max = 300) int size, @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = gaussian(r, size, 1), y = gaussian(r, size, 1);
        assertClose("relu", REF, SMALL, relu(x, size), 0);
        assertClose("relu backward", REF, SMALL, reluBackward(x, y, size), 0);
        assertClose("axpy", REF, SMALL, axpy(0.7f, x, y, size), 1e-6);
        assertClose("scale", REF, SMALL, scale(x, -1.3f, size), 0);
    }
}
