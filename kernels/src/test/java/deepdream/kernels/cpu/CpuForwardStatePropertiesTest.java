package deepdream.kernels.cpu;

import deepdream.engine.Backend;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.kernels.Geometries;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.Random;

import static deepdream.kernels.BackendComparison.*;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The cpu backend's max-pool backward reads the argmax its forward recorded, and its LRN backward
 * the forward's scale, per input tensor ({@link ForwardState}). These interleave forwards and
 * backwards on several inputs so a backward that used another tensor's record, or one from before
 * its input was written, would send the gradient to the wrong pixels: forward A, forward B,
 * backward in either order; a third input never forwarded (the recompute path); an input
 * overwritten after its forward. Every gradient must equal the reference's on the input as it is
 * at the backward: exactly for max pooling (the same float sums in the same order), to 1e-4 for LRN.
 */
class CpuForwardStatePropertiesTest {
    static final Backend REF = new ReferenceBackend();
    static final CpuBackend CPU = new CpuBackend(2);

    @AfterContainer
    static void close() { CPU.close(); }

    @Property(tries = 80)
    void maxPoolBackwardUsesItsOwnForward(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 4) int c,
            @ForAll @IntRange(min = 1, max = 30) int h, @ForAll @IntRange(min = 1, max = 45) int w,
            @ForAll @IntRange(min = 1, max = 4) int kh, @ForAll @IntRange(min = 1, max = 4) int kw,
            @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw,
            @ForAll @IntRange(min = 0, max = 3) int pt, @ForAll @IntRange(min = 0, max = 3) int pl,
            @ForAll @IntRange(min = 0, max = 3) int pb, @ForAll @IntRange(min = 0, max = 3) int pr,
            @ForAll @IntRange(min = 0, max = 2) int rounding, @ForAll boolean bFirst, @ForAll long seed) {
        PoolSpec s = Geometries.poolSpec(true, kh, kw, sh, sw, pt, pl, pb, pr, rounding, false);
        Assume.that(Geometries.fits(s, h, w));
        Random r = new Random(seed);
        int[] xs = {n, c, h, w}, ys = {n, c, s.outH(h), s.outW(w)};
        // Quantized: many ties, so the first-maximum rule decides where most gradients go.
        float[] a = quantized(r, size(xs), 2), b = quantized(r, size(xs), 2), d = quantized(r, size(xs), 2);
        float[] dyA = gaussian(r, size(ys), 1), dyB = gaussian(r, size(ys), 1);
        String what = " x=" + java.util.Arrays.toString(xs) + " " + s;

        Tensor ta = CPU.upload(a, xs), tb = CPU.upload(b, xs), td = CPU.upload(d, xs), y = CPU.allocate(ys), dx = CPU.allocate(xs);
        Tensor ga = CPU.upload(dyA, ys), gb = CPU.upload(dyB, ys);
        try {
            CPU.pool(ta, s, y);
            CPU.pool(tb, s, y);
            if (bFirst) {
                check("backward B after forwards A, B" + what, b, dyB, xs, s, tb, gb, dx);
                check("backward A after forwards A, B" + what, a, dyA, xs, s, ta, ga, dx);
            } else {
                check("backward A after forwards A, B" + what, a, dyA, xs, s, ta, ga, dx);
                check("backward B after forwards A, B" + what, b, dyB, xs, s, tb, gb, dx);
            }
            check("backward without a forward" + what, d, dyA, xs, s, td, ga, dx);
            // A written after its forward (with D's values): its record is stale and must not be used.
            CPU.copy(td, ta);
            check("backward after the input was overwritten" + what, d, dyA, xs, s, ta, ga, dx);
        } finally {
            for (Tensor t : new Tensor[] {ta, tb, td, y, dx, ga, gb}) t.release();
        }
    }

    /** A released input's arrays serve the next step's forward of the same size: a warm step allocates none. */
    @Example
    void keptArraysAreReusedOnceTheirInputIsReleased() {
        ForwardState kept = new ForwardState();
        PoolSpec s = PoolSpec.max(3, 2, 0);
        Tensor x = CPU.allocate(1, 2, 7, 7), other = CPU.allocate(1, 2, 7, 7);
        int[] a = kept.takeInts(x, 18);
        kept.keepInts(x, s, a);
        assertSame(a, kept.ints(x, s, 18));
        assertNull(kept.ints(other, s, 18), "another tensor has no record");
        assertNotSame(a, kept.takeInts(other, 18), "a live input's array is not handed out");
        x.release();
        kept.forget(x);   // what CpuBackend.recycle does
        Tensor next = CPU.allocate(1, 2, 7, 7);
        assertSame(a, kept.takeInts(next, 18), "the released input's array is reused");
        float[] f = kept.takeFloats(next, 98);
        kept.keepFloats(next, s, f);
        kept.forget(next);
        assertSame(f, kept.takeFloats(other, 98));
        other.release();
        next.release();
    }

    private static void check(String what, float[] x, float[] dy, int[] xs, PoolSpec s, Tensor tx, Tensor tdy, Tensor dx) {
        CPU.poolBackward(tx, tdy, s, dx);
        assertCloseTo(what, dx.toHost(), poolBackward(x, xs, dy, s).apply(REF), 0);
    }

    @Property(tries = 40)
    void lrnBackwardUsesItsOwnForward(
            @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 19) int c,
            @ForAll @IntRange(min = 1, max = 20) int h, @ForAll @IntRange(min = 1, max = 23) int w,
            @ForAll @IntRange(min = 0, max = 3) int sizeChoice, @ForAll boolean caffeBeta, @ForAll boolean bFirst, @ForAll long seed) {
        LrnSpec s = new LrnSpec(new int[] {1, 3, 5, 7}[sizeChoice], caffeBeta ? 1e-4f : 0.3f, caffeBeta ? 0.75f : 0.6f, 1f);
        Random r = new Random(seed);
        int[] xs = {n, c, h, w};
        double sigma = caffeBeta ? 60 : 1;
        float[] a = gaussian(r, size(xs), sigma), b = gaussian(r, size(xs), sigma), d = gaussian(r, size(xs), sigma);
        float[] dy = gaussian(r, size(xs), 1);
        String what = " x=" + java.util.Arrays.toString(xs) + " " + s;

        Tensor ta = CPU.upload(a, xs), tb = CPU.upload(b, xs), td = CPU.upload(d, xs);
        Tensor ya = CPU.allocate(xs), yb = CPU.allocate(xs), yd = CPU.allocate(xs), g = CPU.upload(dy, xs), dx = CPU.allocate(xs);
        try {
            CPU.lrn(ta, s, ya);
            CPU.lrn(tb, s, yb);
            CPU.lrn(td, s, yd);   // yd: D's output, used as y below without D's record
            if (bFirst) {
                check("backward B after forwards A, B" + what, b, dy, xs, s, tb, yb, g, dx);
                check("backward A after forwards A, B" + what, a, dy, xs, s, ta, ya, g, dx);
            } else {
                check("backward A after forwards A, B" + what, a, dy, xs, s, ta, ya, g, dx);
                check("backward B after forwards A, B" + what, b, dy, xs, s, tb, yb, g, dx);
            }
            // A overwritten with D's values after its forward: the kept scale is A's, so it must be recomputed.
            CPU.copy(td, ta);
            check("backward after the input was overwritten" + what, d, dy, xs, s, ta, yd, g, dx);
            Tensor fresh = CPU.upload(d, xs);
            try {
                check("backward without a forward" + what, d, dy, xs, s, fresh, yd, g, dx);
            } finally {
                fresh.release();
            }
        } finally {
            for (Tensor t : new Tensor[] {ta, tb, td, ya, yb, yd, g, dx}) t.release();
        }
    }

    private static void check(String what, float[] x, float[] dy, int[] xs, LrnSpec s, Tensor tx, Tensor ty, Tensor tdy, Tensor dx) {
        CPU.lrnBackward(tx, ty, tdy, s, dx);
        float[] y = lrn(x, xs, s).apply(REF);
        assertCloseTo(what, dx.toHost(), lrnBackward(x, y, dy, xs, s).apply(REF), 1e-4);
    }
}
