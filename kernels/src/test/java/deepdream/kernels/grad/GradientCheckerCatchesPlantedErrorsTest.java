package deepdream.kernels.grad;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.engine.objective.Objective;
import deepdream.engine.ops.Conv2d;
import deepdream.engine.ops.Op;
import deepdream.engine.ops.Pool;
import deepdream.engine.ops.Relu;
import deepdream.engine.testing.Differentiable;
import deepdream.engine.testing.GradientChecker;
import deepdream.engine.testing.RandomTensors;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checker must fail on wrong gradients; otherwise every gradient test above could not fail. */
class GradientCheckerCatchesPlantedErrorsTest {
    private final Backend b = new ReferenceBackend();
    private final RandomTensors random = new RandomTensors(b, 7);

    /** Delegates to an op but negates its input gradient. */
    private static Op flippedSign(Op inner) {
        return new Op() {
            @Override public String type() { return "flipped " + inner.type(); }
            @Override public int[] outputShape(int[]... in) { return inner.outputShape(in); }
            @Override public void forward(Backend be, Tensor[] in, Tensor out) { inner.forward(be, in, out); }

            @Override
            public void backward(Backend be, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
                inner.backward(be, in, out, gradOut, gradIn);
                be.scale(gradIn[0], -1f);
            }
        };
    }

    /**
     * Max pooling whose backward looks for the maximum in a window one row too short (hend − 1), a
     * typical off-by-one: whenever the true maximum is in the window's last row, the gradient goes
     * to the wrong pixel.
     */
    private static Op offByOneMaxPool(PoolSpec s) {
        Pool good = new Pool(s);
        return new Op() {
            @Override public String type() { return "off-by-one MaxPool"; }
            @Override public int[] outputShape(int[]... in) { return good.outputShape(in); }
            @Override public void forward(Backend be, Tensor[] in, Tensor out) { good.forward(be, in, out); }

            @Override
            public void backward(Backend be, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
                Tensor x = in[0];
                float[] xd = x.toHost(), dy = gradOut.toHost(), dx = new float[x.size()];
                int h = x.h(), w = x.w(), oh = out.h(), ow = out.w();
                for (int plane = 0; plane < x.n() * x.c(); plane++)
                    for (int py = 0; py < oh; py++)
                        for (int px = 0; px < ow; px++) {
                            int y0 = py * s.strideH() - s.padTop(), x0 = px * s.strideW() - s.padLeft();
                            int y1 = Math.min(y0 + s.kernelH() - 1, h), x1 = Math.min(x0 + s.kernelW(), w);   // bug: - 1
                            y0 = Math.max(y0, 0); x0 = Math.max(x0, 0);
                            int arg = -1;
                            for (int iy = y0; iy < y1; iy++)
                                for (int ix = x0; ix < x1; ix++)
                                    if (arg < 0 || xd[plane * h * w + iy * w + ix] > xd[plane * h * w + arg]) arg = iy * w + ix;
                            if (arg >= 0) dx[plane * h * w + arg] += dy[(plane * oh + py) * ow + px];
                        }
                Tensor t = be.upload(dx, x.shape());
                be.copy(t, gradIn[0]);
                t.release();
            }
        };
    }

    @Test
    void correctGradientsPassTheSameChecks() {
        Tensor x = random.distinct(4 * GradCases.H, 2, 3, 7, 7);
        assertTrue(new GradientChecker(b).check(x, Differentiable.of(new Pool(PoolSpec.max(3, 2, 1)))).passed());
        assertTrue(new GradientChecker(b).check(x, Differentiable.of(new Relu())).passed());
    }

    @Test
    void flippedSignFails() {
        Tensor x = random.awayFromZero(0.1, 2, 1, 4, 5, 5);
        GradientChecker.Report r = new GradientChecker(b).check(x, Differentiable.of(flippedSign(new Relu())));
        assertFalse(r.passed(), r.message());
        System.out.println("planted sign flip (ReLU): " + r.message());
        AssertionError e = assertThrows(AssertionError.class,
                () -> new GradientChecker(b).assertGradient(x, Differentiable.of(flippedSign(new Relu()))));
        assertTrue(e.getMessage().contains("worst index") && e.getMessage().contains("analytic"), e.getMessage());

        Conv2d conv = new Conv2d(random.uniform(-1, 1, 4, 3, 3, 3), random.uniform(-1, 1, 4), ConvSpec.square(3, 2, 1));
        Tensor cx = random.uniform(-1, 1, 1, 3, 7, 6);
        assertTrue(new GradientChecker(b).check(cx, Differentiable.of(conv)).passed());
        GradientChecker.Report rc = new GradientChecker(b).check(cx, Differentiable.of(flippedSign(conv)));
        assertFalse(rc.passed(), rc.message());
        System.out.println("planted sign flip (conv): " + rc.message());
    }

    @Test
    void offByOneMaxPoolWindowFails() {
        PoolSpec s = PoolSpec.max(3, 2, 0);
        Tensor x = random.distinct(4 * GradCases.H, 1, 3, 9, 9);
        GradientChecker.Report r = new GradientChecker(b).check(x, Differentiable.of(offByOneMaxPool(s)));
        assertFalse(r.passed(), r.message());
        System.out.println("planted off-by-one max-pool window: " + r.message());
        assertThrows(AssertionError.class, () -> new GradientChecker(b).assertGradient(x, Differentiable.of(offByOneMaxPool(s))));
    }

    @Test
    void nanGradientFails() {
        Op nanAtOne = new Op() {
            private final Relu relu = new Relu();
            @Override public String type() { return "ReLU with one NaN gradient"; }
            @Override public int[] outputShape(int[]... in) { return relu.outputShape(in); }
            @Override public void forward(Backend be, Tensor[] in, Tensor out) { relu.forward(be, in, out); }

            @Override
            public void backward(Backend be, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
                relu.backward(be, in, out, gradOut, gradIn);
                be.set(gradIn[0], 3, Float.NaN);
            }
        };
        GradientChecker.Report r = new GradientChecker(b).check(random.awayFromZero(0.1, 2, 1, 2, 3, 3), Differentiable.of(nanAtOne));
        assertFalse(r.passed(), r.message());
        assertTrue(r.worst().index() == 3, r.message());
    }

    @Test
    void wrongObjectiveGradientFails() {
        Objective wrong = new Objective() {
            @Override public double value(Backend be, Tensor a) { return 0.5 * be.sumSquares(a); }
            @Override public void gradient(Backend be, Tensor a, Tensor grad) { be.copy(a, grad); be.scale(grad, 1.01f); }
            @Override public String toString() { return "L2 with a 1% gradient error"; }
        };
        Tensor a = random.uniform(-2, 2, 1, 5, 4, 4);
        GradientChecker.Report r = new GradientChecker(b).check(a, wrong);
        assertFalse(r.passed(), r.message());
        System.out.println("planted 1% objective gradient error: " + r.message());
    }
}
