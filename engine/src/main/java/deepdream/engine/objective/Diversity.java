package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/**
 * Lucid's diversity objective on a batch of N images: with G_i = F_i·F_iᵀ the Gram matrix of image
 * i's activation (F_i: C × HW) and Ĝ_i = G_i / ‖G_i‖ (Frobenius, floor 1e-10 on ‖G‖² as Lucid's
 * l2_normalize), value = (1/N)·Σ_i Σ_{j≠i} ⟨Ĝ_i, Ĝ_j⟩: how alike the images' feature statistics are.
 * Used with a negative weight, it pushes the images of a batch apart (Olah et al. 2017, "diversity").
 * <p>Gradient: with S_i = Σ_{j≠i} Ĝ_j, ∂value/∂G_i = (2/N)(S_i − Ĝ_i⟨Ĝ_i, S_i⟩)/‖G_i‖ =: M_i
 * (symmetric), and ∂value/∂F_i = 2·M_i·F_i. Computed on the host in double.
 */
final class Diversity implements Objective {
    static final double EPSILON = 1e-10;

    private record Grams(int n, int c, int p, double[][] f, double[][] unit, double[] norm) {}

    private static Grams grams(Backend b, Tensor a) {
        if (a.shape().length != 4) throw new IllegalArgumentException("diversity needs a 4-D blob (N, C, H, W), got " + a.shape().length + "-D");
        int n = a.n(), c = a.c(), p = a.h() * a.w();
        float[] data = b.download(a);
        double[][] f = new double[n][c * p], unit = new double[n][c * c];
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            double[] fi = f[i], gi = unit[i];
            for (int k = 0; k < c * p; k++) fi[k] = data[i * c * p + k];
            double sq = 0;
            for (int r = 0; r < c; r++)
                for (int s = r; s < c; s++) {
                    double d = 0;
                    for (int q = 0; q < p; q++) d += fi[r * p + q] * fi[s * p + q];
                    gi[r * c + s] = gi[s * c + r] = d;
                    sq += r == s ? d * d : 2 * d * d;
                }
            norm[i] = Math.sqrt(Math.max(sq, EPSILON));
            for (int k = 0; k < c * c; k++) gi[k] /= norm[i];
        }
        return new Grams(n, c, p, f, unit, norm);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) s += x[k] * y[k];
        return s;
    }

    @Override
    public double value(Backend b, Tensor a) {
        Grams g = grams(b, a);
        double s = 0;
        for (int i = 0; i < g.n; i++)
            for (int j = 0; j < g.n; j++) if (i != j) s += dot(g.unit[i], g.unit[j]);
        return s / g.n;
    }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) { valueAndGradient(b, a, grad); }

    @Override
    public double valueAndGradient(Backend b, Tensor a, Tensor grad) {
        Grams g = grams(b, a);
        int n = g.n, c = g.c, p = g.p;
        float[] out = new float[n * c * p];
        double value = 0;
        double[] sum = new double[c * c], m = new double[c * c];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(sum, 0);
            for (int j = 0; j < n; j++)
                if (j != i) for (int k = 0; k < c * c; k++) sum[k] += g.unit[j][k];
            double along = dot(g.unit[i], sum);
            value += along;
            for (int k = 0; k < c * c; k++) m[k] = 2.0 / n * (sum[k] - g.unit[i][k] * along) / g.norm[i];
            double[] fi = g.f[i];
            for (int r = 0; r < c; r++)
                for (int q = 0; q < p; q++) {
                    double d = 0;
                    for (int s = 0; s < c; s++) d += m[r * c + s] * fi[s * p + q];
                    out[i * c * p + r * p + q] = (float) (2 * d);
                }
        }
        Tensor up = b.upload(out, a.shape());
        b.copy(up, grad);
        up.release();
        return value / n;
    }

    /** Compares images with each other: not a sum over positions, and needs the whole batch. */
    @Override public boolean isPositionwise() { return false; }

    @Override public String toString() { return "diversity"; }
}
