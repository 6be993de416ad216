package deepdream.kernels;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;

import java.util.Random;

import static deepdream.kernels.BackendComparison.assertClose;
import static deepdream.kernels.BackendComparison.conv2d;
import static deepdream.kernels.BackendComparison.conv2dBackwardData;
import static deepdream.kernels.BackendComparison.gaussian;
import static deepdream.kernels.BackendComparison.pool;
import static deepdream.kernels.BackendComparison.poolBackward;
import static deepdream.kernels.BackendComparison.poolBackwardAfterForward;
import static deepdream.kernels.BackendComparison.quantized;

/**
 * The generalised convolution and pooling semantics (asymmetric pads, dilation, groups, floor/ceil
 * rounding, count_include_pad) checked op by op against the reference, for any candidate backend:
 * the cpu and opencl property tests draw the parameters and call these.
 */
public final class Geometries {
    private Geometries() {}

    public static final PoolSpec.Rounding[] ROUNDINGS = PoolSpec.Rounding.values();

    /** Whether the spec gives at least one output pixel for an h×w input. */
    public static boolean fits(ConvSpec s, int h, int w) {
        try { s.outH(h); s.outW(w); return true; } catch (IllegalArgumentException e) { return false; }
    }

    public static boolean fits(PoolSpec s, int h, int w) {
        try { return s.outH(h) > 0 && s.outW(w) > 0; } catch (IllegalArgumentException e) { return false; }
    }

    /** Pool spec with every pad clamped below the kernel (the rule every framework has). */
    public static PoolSpec poolSpec(boolean max, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int rounding, boolean includePad) {
        return new PoolSpec(max ? PoolSpec.Method.MAX : PoolSpec.Method.AVE, kh, kw, sh, sw,
                Math.min(pt, kh - 1), Math.min(pl, kw - 1), Math.min(pb, kh - 1), Math.min(pr, kw - 1), ROUNDINGS[rounding], includePad);
    }

    /** Convolution forward (with bias) and backward-data of candidate against the reference. */
    public static void checkConv(Backend reference, Backend candidate, int n, int cg, int mg, int h, int w, ConvSpec s, long seed, double tol) {
        Random r = new Random(seed);
        int c = cg * s.groups(), m = mg * s.groups();
        int[] xs = {n, c, h, w}, ws = {m, cg, s.kernelH(), s.kernelW()}, ys = {n, m, s.outH(h), s.outW(w)};
        float[] x = gaussian(r, n * c * h * w, 1), wt = gaussian(r, m * cg * s.kernelH() * s.kernelW(), 0.3), bias = gaussian(r, m, 1);
        float[] dy = gaussian(r, ys[0] * ys[1] * ys[2] * ys[3], 1);
        String what = s + " on " + n + "×" + c + "×" + h + "×" + w;
        assertClose("conv2d " + what, reference, candidate, conv2d(x, xs, wt, ws, bias, s), tol);
        assertClose("conv2d backward " + what, reference, candidate, conv2dBackwardData(dy, wt, ws, xs, s), tol);
    }

    /** Pooling forward and backward of candidate against the reference; values with many ties (first-maximum rule). */
    public static void checkPool(Backend reference, Backend candidate, int n, int c, int h, int w, PoolSpec s, long seed, double tol) {
        Random r = new Random(seed);
        int[] xs = {n, c, h, w};
        float[] x = quantized(r, n * c * h * w, 3), dy = gaussian(r, n * c * s.outH(h) * s.outW(w), 1);
        String what = s + " on " + n + "×" + c + "×" + h + "×" + w;
        assertClose("pool " + what, reference, candidate, pool(x, xs, s), tol);
        assertClose("pool backward " + what, reference, candidate, poolBackward(x, xs, dy, s), tol);
        assertClose("pool backward after forward " + what, reference, candidate, poolBackwardAfterForward(x, xs, dy, s), tol);
    }
}
