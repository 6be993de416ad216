package deepdream.kernels.engine;

import deepdream.engine.Arithmetic;
import deepdream.engine.Backend;
import deepdream.engine.PadSpec;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.ops.ConstantArithmetic;
import deepdream.engine.ops.Pad;
import deepdream.engine.ops.Sigmoid;
import deepdream.engine.testing.Differentiable;
import deepdream.engine.testing.GradientChecker;
import deepdream.kernels.cpu.CpuBackend;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static deepdream.kernels.BackendComparison.assertClose;
import static deepdream.kernels.BackendComparison.size;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sigmoid, arithmetic with a broadcast constant and Pad (ONNX): their gradients, hand-computed
 * values for the broadcast axes and the pad modes, and the cpu kernels against the reference.
 */
public class SigmoidArithmeticPadTest {
    static final Backend REF = new ReferenceBackend();
    /** Split across three threads even for a few elements, so chunk edges and vector tails both run. */
    static final CpuBackend CPU = new CpuBackend(3, new CpuBackend.Thresholds(1, 2048));
    /** Float32 exp of the cpu and opencl sigmoids against the reference's double one. */
    public static final double SIGMOID_TOL = 1e-6;

    @AfterContainer
    static void close() { CPU.close(); }

    /** The constant's shape for pattern 0 scalar, 1 per channel, 2 per position, 3 full sample. */
    public static int[] constantShape(int pattern, int c, int h, int w) {
        return switch (pattern) {
            case 0 -> new int[] {1, 1, 1, 1};
            case 1 -> new int[] {1, c, 1, 1};
            case 2 -> new int[] {1, 1, h, w};
            default -> new int[] {1, c, h, w};
        };
    }

    /** Values in ±[0.5, 2]: safe divisors and, for c / x, inputs away from the pole. */
    public static float[] awayFromZero(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (0.5f + 1.5f * r.nextFloat()) * (r.nextBoolean() ? 1 : -1);
        return a;
    }

    /** A padding for an h×w plane: pads 0..3 each, reflect's kept below the size it mirrors. */
    public static PadSpec padding(int mode, int top, int left, int bottom, int right, float value, int h, int w) {
        PadSpec.Mode m = PadSpec.Mode.values()[mode];
        if (m == PadSpec.Mode.REFLECT) {
            top = Math.min(top, h - 1); bottom = Math.min(bottom, h - 1);
            left = Math.min(left, w - 1); right = Math.min(right, w - 1);
        }
        return new PadSpec(m, top, left, bottom, right, value);
    }

    @Property(tries = 40)
    void sigmoidGradient(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 9) int c,
                         @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w, @ForAll long seed) {
        Random r = new Random(seed);
        float[] a = new float[n * c * h * w];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() * 8 - 4;
        new GradientChecker(REF).seed(seed).assertGradient(REF.upload(a, n, c, h, w), Differentiable.of(new Sigmoid()));
    }

    @Property(tries = 60)
    void arithmeticGradient(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 5) int c,
                            @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w,
                            @ForAll @IntRange(min = 0, max = 3) int op, @ForAll boolean constantFirst,
                            @ForAll @IntRange(min = 0, max = 3) int pattern, @ForAll long seed) {
        Random r = new Random(seed);
        int[] cs = constantShape(pattern, c, h, w);
        Tensor k = REF.upload(awayFromZero(r, size(cs)), cs), x = REF.upload(awayFromZero(r, n * c * h * w), n, c, h, w);
        new GradientChecker(REF).seed(seed).assertGradient(x, Differentiable.of(new ConstantArithmetic(Arithmetic.values()[op], constantFirst, k)));
    }

    @Property(tries = 60)
    void padGradient(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                     @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w,
                     @ForAll @IntRange(min = 0, max = 2) int mode, @ForAll @IntRange(min = 0, max = 3) int top, @ForAll @IntRange(min = 0, max = 3) int left,
                     @ForAll @IntRange(min = 0, max = 3) int bottom, @ForAll @IntRange(min = 0, max = 3) int right, @ForAll long seed) {
        PadSpec s = padding(mode, top, left, bottom, right, 0.5f, h, w);
        Random r = new Random(seed);
        float[] a = new float[n * c * h * w];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() * 2 - 1;
        new GradientChecker(REF).seed(seed).assertGradient(REF.upload(a, n, c, h, w), Differentiable.of(new Pad(s)));
    }

    @Property(tries = 40)
    void cpuMatchesReference(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 37) int c,
                             @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                             @ForAll @IntRange(min = 0, max = 3) int pattern, @ForAll @IntRange(min = 0, max = 2) int mode,
                             @ForAll @IntRange(min = 0, max = 3) int top, @ForAll @IntRange(min = 0, max = 3) int left,
                             @ForAll @IntRange(min = 0, max = 3) int bottom, @ForAll @IntRange(min = 0, max = 3) int right,
                             @ForAll boolean inPlace, @ForAll long seed) {
        compareWithReference(CPU, n, c, h, w, pattern, mode, top, left, bottom, right, inPlace, seed, 0);
    }

    /** Every new op of backend b against the reference within tol (0 for cpu; OpenCL's division and reordered pad sums may round differently), sigmoid within SIGMOID_TOL. */
    public static void compareWithReference(Backend b, int n, int c, int h, int w, int pattern, int mode, int top, int left, int bottom, int right,
                                            boolean inPlace, long seed, double tol) {
        Random r = new Random(seed);
        int[] shape = {n, c, h, w}, cs = constantShape(pattern, c, h, w);
        float[] x = awayFromZero(r, size(shape)), dy = LeakyReluClipTest.grid(r, size(shape)), k = awayFromZero(r, size(cs));
        assertClose("sigmoid", REF, b, LeakyReluClipTest.unary(x, shape, inPlace, Backend::sigmoid), SIGMOID_TOL);
        assertClose("sigmoidBackward", REF, b, LeakyReluClipTest.backward(x, dy, shape, inPlace, (be, t, g, dx) -> be.sigmoidBackward(t, g, dx)), tol);
        for (Arithmetic op : Arithmetic.values())
            for (boolean cf : new boolean[] {false, true}) {
                String what = op.describe(cf) + " with c " + deepdream.engine.Shapes.toString(cs);
                assertClose(what, REF, b, LeakyReluClipTest.unary(x, shape, inPlace, (be, xt, y) -> be.arithmetic(op, cf, xt, be.upload(k, cs), y)), tol);
                assertClose(what + " backward", REF, b,
                        LeakyReluClipTest.backward(x, dy, shape, inPlace, (be, xt, g, dx) -> be.arithmeticBackward(op, cf, xt, be.upload(k, cs), g, dx)), tol);
            }
        PadSpec s = padding(mode, top, left, bottom, right, dy[0], h, w);
        int[] out = {n, c, s.outH(h), s.outW(w)};
        float[] dOut = LeakyReluClipTest.grid(r, size(out));
        assertClose("pad " + s, REF, b, pad(x, shape, s), 0);
        assertClose("pad backward " + s, REF, b, padBackward(dOut, shape, s), tol);
    }

    public static Function<Backend, float[]> pad(float[] x, int[] shape, PadSpec s) {
        return b -> {
            Tensor y = b.allocate(shape[0], shape[1], s.outH(shape[2]), s.outW(shape[3]));
            b.pad(b.upload(x, shape), s, y);
            return y.toHost();
        };
    }

    public static Function<Backend, float[]> padBackward(float[] dy, int[] shape, PadSpec s) {
        return b -> {
            Tensor dx = b.allocate(shape);
            b.padBackward(b.upload(dy, shape[0], shape[1], s.outH(shape[2]), s.outW(shape[3])), s, dx);
            return dx.toHost();
        };
    }

    /** The broadcast axes, by hand: x is 1×2×2×3 = 0..11; c per channel, per position and full. */
    @Test
    void broadcastAxesByHand() {
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) x[i] = i;
        for (Backend b : List.of(REF, (Backend) CPU)) {
            Tensor t = b.upload(x, 1, 2, 2, 3), y = b.allocate(1, 2, 2, 3);
            b.arithmetic(Arithmetic.ADD, false, t, b.upload(new float[] {100, 200}, 1, 2, 1, 1), y);
            assertArrayEquals(new float[] {100, 101, 102, 103, 104, 105, 206, 207, 208, 209, 210, 211}, y.toHost(), b.name());
            b.arithmetic(Arithmetic.SUB, true, t, b.upload(new float[] {10, 20, 30, 40, 50, 60}, 1, 1, 2, 3), y);
            assertArrayEquals(new float[] {10, 19, 28, 37, 46, 55, 4, 13, 22, 31, 40, 49}, y.toHost(), b.name());
            b.arithmetic(Arithmetic.DIV, false, t, b.upload(new float[] {2}, 1, 1, 1, 1), y);
            assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f, 5, 5.5f}, y.toHost(), b.name());
            // Batch of two: both samples read the same full-sample constant.
            Tensor two = b.upload(new float[] {1, 2, 3, 4}, 2, 2, 1, 1), y2 = b.allocate(2, 2, 1, 1);
            b.arithmetic(Arithmetic.MUL, false, two, b.upload(new float[] {10, 100}, 1, 2, 1, 1), y2);
            assertArrayEquals(new float[] {10, 200, 30, 400}, y2.toHost(), b.name());
            b.arithmeticBackward(Arithmetic.DIV, true, two, b.upload(new float[] {2, 8}, 1, 2, 1, 1), b.upload(new float[] {1, 1, 1, 1}, 2, 2, 1, 1), y2);
            assertArrayEquals(new float[] {-2, -2, -2f / 9, -0.5f}, y2.toHost(), b.name());
        }
    }

    /** numpy.pad on a 1×1×2×3 plane [[1,2,3],[4,5,6]] with top 1, left 2, bottom 0, right 1. */
    @Test
    void padModesByHand() {
        float[] x = {1, 2, 3, 4, 5, 6};
        float[][] want = {
                {9, 9, 9, 9, 9, 9, /**/ 9, 9, 1, 2, 3, 9, /**/ 9, 9, 4, 5, 6, 9},
                {6, 5, 4, 5, 6, 5, /**/ 3, 2, 1, 2, 3, 2, /**/ 6, 5, 4, 5, 6, 5},
                {1, 1, 1, 2, 3, 3, /**/ 1, 1, 1, 2, 3, 3, /**/ 4, 4, 4, 5, 6, 6}};
        float[][] wantGrad = {{1, 1, 1, 1, 1, 1}, {1, 3, 2, 2, 6, 4}, {6, 2, 4, 3, 1, 2}};
        for (Backend b : List.of(REF, (Backend) CPU))
            for (PadSpec.Mode m : PadSpec.Mode.values()) {
                PadSpec s = new PadSpec(m, 1, 2, 0, 1, 9);
                Tensor y = b.allocate(1, 1, 3, 6), dx = b.allocate(1, 1, 2, 3);
                b.pad(b.upload(x, 1, 1, 2, 3), s, y);
                assertArrayEquals(want[m.ordinal()], y.toHost(), b.name() + " " + s);
                float[] ones = new float[18];
                java.util.Arrays.fill(ones, 1);
                b.padBackward(b.upload(ones, 1, 1, 3, 6), s, dx);
                assertArrayEquals(wantGrad[m.ordinal()], dx.toHost(), b.name() + " " + s + " backward (how many outputs copy each pixel)");
            }
    }

    @Test
    void sigmoidByHand() {
        for (Backend b : List.of(REF, (Backend) CPU)) {
            Tensor x = b.upload(new float[] {0, (float) Math.log(3), -100, 100}, 4), y = b.allocate(4), dx = b.allocate(4);
            b.sigmoid(x, y);
            assertArrayEquals(new float[] {0.5f, 0.75f, 0, 1}, y.toHost(), 1e-7f, b.name());
            b.sigmoidBackward(y, b.upload(new float[] {2, 2, 2, 2}, 4), dx);
            assertArrayEquals(new float[] {0.5f, 0.375f, 0, 0}, dx.toHost(), 1e-7f, b.name());
        }
    }

    @Test
    void refusals() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerSpec.ConstantArithmetic(Arithmetic.MUL, false)
                .outputShape(List.of(new int[] {1, 1, 5, 1}), new int[] {1, 3, 5, 7}));
        assertTrue(e.getMessage().contains("1×1×5×1") && e.getMessage().contains("1×3×5×7") && e.getMessage().contains("per channel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Pad(new PadSpec(PadSpec.Mode.REFLECT, 0, 3, 0, 0, 0))
                .outputShape(List.of(), new int[] {1, 3, 5, 3}));
        assertTrue(e.getMessage().contains("reflect") && e.getMessage().contains("5×3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PadSpec(PadSpec.Mode.CONSTANT, -1, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CPU.arithmetic(Arithmetic.ADD, false, CPU.allocate(1, 3, 2, 2), CPU.allocate(1, 2, 1, 1), CPU.allocate(1, 3, 2, 2)));
        assertTrue(e.getMessage().startsWith("arithmetic: constant of shape 1×2×1×1"), e.getMessage());
    }
}
