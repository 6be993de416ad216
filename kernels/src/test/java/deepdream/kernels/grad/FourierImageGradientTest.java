package deepdream.kernels.grad;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.testing.Differentiable;
import deepdream.engine.testing.GradientChecker;
import deepdream.engine.visualize.FourierImage;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

/**
 * The Fourier parameterisation's backward pass (adjoint FFT, colour matrix transposed, sigmoid')
 * against central differences of its render, through the project's one gradient checker: odd and
 * even sizes (Nyquist column or not), every parameter checked up to 160 of them.
 */
class FourierImageGradientTest {
    private final Backend b = new ReferenceBackend();

    static Differentiable of(FourierImage fi) {
        return new Differentiable() {
            private double[] params(Tensor x) {
                float[] f = x.backend().download(x);
                double[] p = new double[f.length];
                for (int i = 0; i < f.length; i++) p[i] = f[i];
                return p;
            }

            @Override public Tensor forward(Tensor x) {
                PlanarImage img = fi.render(params(x)).netInput();
                return x.backend().upload(img.data(), img.nchw());
            }

            @Override public Tensor backward(Tensor x, Tensor r) {
                FourierImage.Rendered rendered = fi.render(params(x));
                double[] g = fi.backward(rendered, new PlanarImage(3, fi.height(), fi.width(), r.backend().download(r)));
                float[] gf = new float[g.length];
                for (int i = 0; i < g.length; i++) gf[i] = (float) g[i];
                return x.backend().upload(gf, x.shape());
            }

            @Override public String toString() { return "Fourier image " + fi.width() + "x" + fi.height(); }
        };
    }

    @Property(tries = 30)
    void backwardIsTheTransposeOfRender(@ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 6) int w,
                                        @ForAll @IntRange(min = 0, max = 2) int decay, @ForAll long seed) {
        FourierImage fi = new FourierImage(h, w, decay, new float[] {104, 117, 123});
        // Parameters of a visualization in progress (Lucid starts at 0.01 and Adam moves them by ~0.05 a step).
        double[] p = fi.randomParameters(new SplittableRandom(seed), 0.05);
        float[] pf = new float[p.length];
        for (int i = 0; i < p.length; i++) pf[i] = (float) p[i];
        Tensor x = b.upload(pf, 1, p.length);
        new GradientChecker(b).seed(seed).step(1e-3).assertGradient(x, of(fi));
        x.release();
    }
}
