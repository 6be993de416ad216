package deepdream.kernels.engine;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.ops.Clip;
import deepdream.engine.ops.LeakyRelu;
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
import static deepdream.kernels.BackendComparison.quantized;
import static deepdream.kernels.BackendComparison.size;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LeakyRelu and Clip (ONNX): their gradients, and the cpu kernels against the reference (exactly, ties at 0 and the bounds included). */
public class LeakyReluClipTest {
    static final Backend REF = new ReferenceBackend();
    /** Split across three threads even for a few elements, so chunk edges and vector tails both run. */
    static final CpuBackend CPU = new CpuBackend(3, new CpuBackend.Thresholds(1, 2048));
    /** Finite-difference step margin: inputs stay this far from a kink. */
    static final float KINK = 0.05f;

    @AfterContainer
    static void close() { CPU.close(); }

    /** Values on a 0.25 grid in [-2, 2]: many land exactly on 0 and on the clip bounds drawn from the same grid. */
    public static float[] grid(Random r, int n) {
        float[] a = quantized(r, n, 8);
        for (int i = 0; i < n; i++) a[i] /= 4;
        return a;
    }

    public static float alpha(int alphaIndex) { return new float[] {0.01f, 0.2f, 1.5f, -0.3f}[alphaIndex]; }

    /** Inputs uniform in [-2, 2] moved off the kinks (0 for LeakyRelu, min and max for Clip). */
    static Tensor awayFrom(Backend b, long seed, float[] kinks, int... shape) {
        Random r = new Random(seed);
        float[] a = new float[size(shape)];
        for (int i = 0; i < a.length; i++) {
            float v = r.nextFloat() * 4 - 2;
            for (float k : kinks) if (Math.abs(v - k) < KINK) v = k + (v < k ? -KINK : KINK);
            a[i] = v;
        }
        return b.upload(a, shape);
    }

    @Property(tries = 40)
    void leakyReluGradient(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 9) int c,
                           @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
                           @ForAll @IntRange(min = 0, max = 3) int alphaIndex, @ForAll long seed) {
        Tensor x = awayFrom(REF, seed, new float[] {0}, n, c, h, w);
        new GradientChecker(REF).seed(seed).assertGradient(x, Differentiable.of(new LeakyRelu(alpha(alphaIndex))));
    }

    @Property(tries = 40)
    void clipGradient(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 9) int c,
                      @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
                      @ForAll @IntRange(min = -6, max = 2) int lo, @ForAll @IntRange(min = 0, max = 6) int width, @ForAll long seed) {
        float min = lo / 4f, max = min + 0.25f + width / 4f;
        Tensor x = awayFrom(REF, seed, new float[] {min, max}, n, c, h, w);
        new GradientChecker(REF).seed(seed).assertGradient(x, Differentiable.of(new Clip(min, max)));
    }

    @Property(tries = 40)
    void cpuMatchesReferenceExactly(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 37) int c,
                                    @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                    @ForAll @IntRange(min = 0, max = 3) int alphaIndex, @ForAll @IntRange(min = -6, max = 2) int lo,
                                    @ForAll @IntRange(min = 0, max = 6) int width, @ForAll boolean inPlace, @ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = {n, c, h, w};
        float[] x = grid(r, size(shape)), dy = grid(r, size(shape));
        float alpha = alpha(alphaIndex), min = lo / 4f, max = min + width / 4f;
        assertClose("leakyRelu", REF, CPU, unary(x, shape, inPlace, (b, t, y) -> b.leakyRelu(t, alpha, y)), 0);
        assertClose("leakyReluBackward", REF, CPU, backward(x, dy, shape, inPlace, (b, t, g, dx) -> b.leakyReluBackward(t, alpha, g, dx)), 0);
        assertClose("clip", REF, CPU, unary(x, shape, inPlace, (b, t, y) -> b.clip(t, min, max, y)), 0);
        assertClose("clipBackward", REF, CPU, backward(x, dy, shape, inPlace, (b, t, g, dx) -> b.clipBackward(t, min, max, g, dx)), 0);
    }

    public interface Forward { void run(Backend b, Tensor x, Tensor y); }
    public interface Backward { void run(Backend b, Tensor x, Tensor dy, Tensor dx); }

    public static Function<Backend, float[]> unary(float[] x, int[] shape, boolean inPlace, Forward op) {
        return b -> {
            Tensor t = b.upload(x, shape), y = inPlace ? t : b.allocate(shape);
            op.run(b, t, y);
            return y.toHost();
        };
    }

    public static Function<Backend, float[]> backward(float[] x, float[] dy, int[] shape, boolean inPlace, Backward op) {
        return b -> {
            Tensor g = b.upload(dy, shape), dx = inPlace ? g : b.allocate(shape);
            op.run(b, b.upload(x, shape), g, dx);
            return dx.toHost();
        };
    }

    /** The conventions at the kinks, stated: LeakyRelu's gradient at 0 is alpha; Clip's is 0 at both bounds. */
    @Test
    void conventionsAtTheKinks() {
        for (Backend b : List.of(REF, (Backend) CPU)) {
            Tensor x = b.upload(new float[] {-1, 0, 0.5f, 6, 7}, 5), g = b.upload(new float[] {1, 1, 1, 1, 1}, 5);
            Tensor y = b.allocate(5), dx = b.allocate(5);
            b.leakyRelu(x, 0.1f, y);
            assertArrayEquals(new float[] {-0.1f, 0, 0.5f, 6, 7}, y.toHost());
            b.leakyReluBackward(x, 0.1f, g, dx);
            assertArrayEquals(new float[] {0.1f, 0.1f, 1, 1, 1}, dx.toHost());
            b.clip(x, 0, 6, y);
            assertArrayEquals(new float[] {0, 0, 0.5f, 6, 6}, y.toHost());
            b.clipBackward(x, 0, 6, g, dx);
            assertArrayEquals(new float[] {0, 0, 1, 0, 0}, dx.toHost());
        }
    }

    @Test
    void clipRefusesMinAboveMax() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Clip(2, 1));
        assertTrue(e.getMessage().contains("min 2.0") && e.getMessage().contains("max 1.0"), e.getMessage());
    }
}
