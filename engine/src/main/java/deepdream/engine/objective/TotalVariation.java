package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/**
 * Total variation of an image (Mahendran &amp; Vedaldi's V^β prior), per channel:
 * TV = Σ_{n,c,y,x} (dx² + dy² + ε²)^(β/2) with forward differences dx = a[y][x+1] − a[y][x] and
 * dy = a[y+1][x] − a[y][x] (zero past the last column and row). Small for smooth images, large for
 * noise and checkerboards: as a penalty it removes high frequencies. β = 2 is a quadratic
 * smoothness (a diffusion); β = 1 is the classic edge-preserving TV, ε keeping it differentiable.
 *
 * <p>Gradient, with φ = β·(dx² + dy² + ε²)^(β/2 − 1) at each position: the term at (y, x) adds
 * −φ·(dx + dy) to a[y][x], φ·dx to a[y][x+1] and φ·dy to a[y+1][x].
 *
 * <p>Meant for the input image (a few hundred thousand values): computed on the host.
 */
final class TotalVariation implements Objective {
    private final double beta, epsilon;

    TotalVariation(double beta, double epsilon) {
        if (!(beta >= 1) || !Double.isFinite(beta)) throw new IllegalArgumentException("TV exponent beta must be at least 1, got " + beta);
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) throw new IllegalArgumentException("TV epsilon must be 0 or more, got " + epsilon);
        if (beta < 2 && epsilon == 0) throw new IllegalArgumentException("TV with beta < 2 needs epsilon > 0 to be differentiable");
        this.beta = beta;
        this.epsilon = epsilon;
    }

    @Override
    public double value(Backend b, Tensor a) { return compute(b.download(a), a, null); }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) { valueAndGradient(b, a, grad); }

    @Override
    public double valueAndGradient(Backend b, Tensor a, Tensor grad) {
        float[] g = new float[a.size()];
        double v = compute(b.download(a), a, g);
        Tensor up = b.upload(g, a.shape());
        b.copy(up, grad);
        up.release();
        return v;
    }

    /** The value; when g is not null, also the gradient into g. */
    private double compute(float[] x, Tensor shape, float[] g) {
        int planes = shape.n() * shape.c(), h = shape.h(), w = shape.w();
        double eps2 = epsilon * epsilon, half = beta / 2, sum = 0;
        boolean quadratic = beta == 2;
        for (int p = 0; p < planes; p++) {
            int o = p * h * w;
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++) {
                    int i = o + y * w + xx;
                    double dx = xx + 1 < w ? x[i + 1] - x[i] : 0, dy = y + 1 < h ? x[i + w] - x[i] : 0;
                    double s = dx * dx + dy * dy + eps2;
                    sum += quadratic ? s : Math.pow(s, half);
                    if (g == null) continue;
                    double phi = quadratic ? 2 : beta * Math.pow(s, half - 1);
                    g[i] -= (float) (phi * (dx + dy));
                    if (xx + 1 < w) g[i + 1] += (float) (phi * dx);
                    if (y + 1 < h) g[i + w] += (float) (phi * dy);
                }
        }
        return sum;
    }

    @Override public String toString() { return "total variation (beta " + beta + ", epsilon " + epsilon + ")"; }
}
