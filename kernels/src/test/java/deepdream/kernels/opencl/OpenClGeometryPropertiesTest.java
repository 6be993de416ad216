package deepdream.kernels.opencl;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.kernels.Geometries;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static deepdream.kernels.BackendComparison.TOLERANCE;

/**
 * The OpenCL kernels on the generalised geometry — asymmetric pads, dilation, groups, N &gt; 1 for
 * convolutions (both tilings: the device's own and the GPU's local-memory tiles); every pooling
 * rounding with count_include_pad both ways and ceil-mode overhang — against the reference.
 */
class OpenClGeometryPropertiesTest {
    static final Backend REF = new ReferenceBackend();

    @Property(tries = 25)
    void generalConvolutionMatchesReference(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int groups,
            @ForAll @IntRange(min = 1, max = 5) int cg, @ForAll @IntRange(min = 1, max = 9) int mg,
            @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
            @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw,
            @ForAll @IntRange(min = 0, max = 3) int pt, @ForAll @IntRange(min = 0, max = 3) int pl,
            @ForAll @IntRange(min = 0, max = 3) int pb, @ForAll @IntRange(min = 0, max = 3) int pr,
            @ForAll @IntRange(min = 1, max = 3) int dh, @ForAll @IntRange(min = 1, max = 3) int dw,
            @ForAll @IntRange(min = 1, max = 13) int h, @ForAll @IntRange(min = 1, max = 13) int w,
            @ForAll boolean gpuTiles, @ForAll long seed) {
        ConvSpec s = new ConvSpec(kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups);
        Assume.that(Geometries.fits(s, h, w));
        Backend cl = gpuTiles ? OpenClTestDevice.gpuTiles() : OpenClTestDevice.backend();
        Geometries.checkConv(REF, cl, n, cg, mg, h, w, s, seed, TOLERANCE);
    }

    @Property(tries = 20)
    void addMatchesReferenceInAndOutOfPlace(@ForAll @IntRange(min = 1, max = 3000) int size, @ForAll boolean inPlace, @ForAll long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] a = deepdream.kernels.BackendComparison.gaussian(r, size, 1), b = deepdream.kernels.BackendComparison.gaussian(r, size, 1);
        deepdream.kernels.BackendComparison.assertClose("add", REF, OpenClTestDevice.backend(), be -> {
            deepdream.engine.Tensor ta = be.upload(a, size), tb = be.upload(b, size), y = inPlace ? ta : be.allocate(size);
            be.add(ta, tb, y);
            return y.toHost();
        }, 0);
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
        Geometries.checkPool(REF, OpenClTestDevice.backend(), n, c, h, w, s, seed, TOLERANCE);
    }
}
