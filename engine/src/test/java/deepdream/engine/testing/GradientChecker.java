package deepdream.engine.testing;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.engine.objective.Objective;

import java.util.Locale;
import java.util.Random;

/**
 * The one gradient checker of the project: compares an analytic input gradient with central
 * differences, on any backend.
 *
 * <h2>What is compared</h2>
 * For a {@link Differentiable} f and a fixed random upstream gradient r (uniform in [-1, 1], seeded),
 * the analytic gradient is the backward pass Jᵀr; the numeric one is the central difference of the
 * scalar F(x) = Σ r·f(x), with F evaluated in double from the downloaded float32 outputs:
 * {@code n_i = (F(x + h·e_i) − F(x − h·e_i)) / (x_i⁺ − x_i⁻)}, where x_i± are the float32 values actually
 * stored (so the rounding of x_i ± h does not bias the quotient). Small inputs (≤ {@value #ALL_COORDINATES_UP_TO}
 * elements) are checked at every coordinate, larger ones at {@value #SAMPLED_COORDINATES} random ones.
 * An {@link Objective} is checked the same way with F = value().
 *
 * <h2>Tolerance, and why</h2>
 * A coordinate passes when {@code |a − n| ≤ rtol·(max(|a|, |n|) + mean|a|) + noise}, with
 * {@code noise = K·eps32·Σ_j |r_j|·max(|y⁺_j|, |y⁻_j|, mean|y|) / (x⁺ − x⁻)} summed over the outputs
 * the perturbation changed.
 * <ul>
 *   <li>noise is the float32 rounding of the forward pass seen through the difference quotient:
 *       outputs that did not change cancel exactly in F⁺ − F⁻, each changed output carries a rounding
 *       error of order eps32 times its magnitude, and mean|y| stands in for the size of the terms
 *       summed into an output that happens to be near zero (cancellation). It grows as 1/h.</li>
 *   <li>rtol covers the truncation error of the central difference, h²·f'''/6: zero for the
 *       piecewise-linear ops (conv, ReLU, pooling, concat, inner product), of order h² for LRN and
 *       softmax. mean|a| (over the whole analytic gradient) keeps coordinates whose gradient is
 *       nearly zero from being judged by a meaningless relative error.</li>
 * </ul>
 * Measured on the reference backend by kernels' GradientCheckerCalibrationTest (prints the table; 60
 * random cases of each op, 2 700–7 000 coordinates per op, inputs of magnitude ≈ 1):
 * <ul>
 *   <li>with K = 1, the largest |a − n| / noise for the linear ops was 0.76 at h = 1e-2 and 0.99 at
 *       h = 1e-3 (pure rounding: the estimate is tight but not exceeded);</li>
 *   <li>the largest |a − n| / (max(|a|,|n|) + mean|a|) was 1.3e-4 at h = 1e-2 (LRN with alpha ≈ 2,
 *       truncation), 1.3e-2 at h = 0.1 (truncation, LRN fails there), 5e-4 at h = 1e-3 (rounding
 *       of conv / inner product takes over).</li>
 * </ul>
 * Hence h = 1e-2, rtol = 2e-3 (15× above the worst truncation) and K = 8 (≈ 10× above the worst
 * rounding of the double-accumulating reference; float32-accumulating backends round a few times
 * more). At these defaults the worst correct gradient used 6% of its allowance, while a sign flip
 * (error 2|a|) or a gradient routed to the wrong pixel (error ≈ |a| there) exceeds it many times over
 * (GradientCheckerCatchesPlantedErrorsTest).
 *
 * <h2>Kinks</h2>
 * ReLU and max pooling are not differentiable everywhere; a difference quotient straddling a kink is
 * wrong, not noisy. Inputs must keep |x| &gt; h where a ReLU reads them and keep the values of a pooling
 * window apart by more than 2h ({@link RandomTensors#awayFromZero}, {@link RandomTensors#distinct}).
 */
public final class GradientChecker {
    public static final double EPS32 = Math.ulp(1f);
    public static final int ALL_COORDINATES_UP_TO = 160;
    public static final int SAMPLED_COORDINATES = 48;
    public static final double DEFAULT_STEP = 1e-2;
    public static final double DEFAULT_RTOL = 2e-3;
    public static final double DEFAULT_NOISE_FACTOR = 8;

    private final Backend backend;
    private double step = DEFAULT_STEP;
    private double rtol = DEFAULT_RTOL;
    private double noiseFactor = DEFAULT_NOISE_FACTOR;
    private long seed = 42;

    public GradientChecker(Backend backend) { this.backend = backend; }

    /** Finite-difference step h (inputs should be of magnitude ≈ 1). */
    public GradientChecker step(double h) { this.step = h; return this; }
    public GradientChecker rtol(double r) { this.rtol = r; return this; }
    public GradientChecker noiseFactor(double k) { this.noiseFactor = k; return this; }
    /** Seed of the upstream gradient r and of the coordinate sample. */
    public GradientChecker seed(long s) { this.seed = s; return this; }

    public double step() { return step; }

    /** One checked coordinate. */
    public record Coordinate(int index, double analytic, double numeric, double allowed) {
        public double error() { return Math.abs(analytic - numeric); }
        public double relError() { double m = Math.max(Math.abs(analytic), Math.abs(numeric)); return m == 0 ? 0 : error() / m; }
        /** error / allowed: ≤ 1 passes. */
        public double ratio() { return allowed == 0 ? (error() == 0 ? 0 : Double.POSITIVE_INFINITY) : error() / allowed; }
    }

    /**
     * The outcome of one check: every coordinate, the worst one (largest error / allowed), and a
     * message naming it. noise[k] is the noise part of coordinate k's allowance (K included).
     */
    public record Report(String what, int[] shape, Coordinate[] coordinates, Coordinate worst,
                         double meanAbsAnalytic, double noiseFactor, double[] noise) {
        public boolean passed() { return worst == null || worst.ratio() <= 1; }

        public String message() {
            if (worst == null) return what + ": nothing checked";
            int[] pos = unflatten(worst.index, shape);
            return String.format(Locale.ROOT,
                    "%s gradient %s (%d coordinates of x %s checked): worst index %d %s: analytic %.8g, numeric %.8g, |diff| %.3g, allowed %.3g (%.2f×)",
                    what, passed() ? "ok" : "WRONG", coordinates.length, Shapes.toString(shape),
                    worst.index, java.util.Arrays.toString(pos), worst.analytic, worst.numeric, worst.error(), worst.allowed, worst.ratio());
        }

        /** Throws an AssertionError with {@link #message()} unless passed. */
        public Report assertPassed() {
            if (!passed()) throw new AssertionError(message());
            return this;
        }
    }

    /** Checks f's backward at x; fails with the worst coordinate in the message. */
    public Report assertGradient(Tensor x, Differentiable f) { return check(x, f).assertPassed(); }

    /** Checks an objective's gradient() against central differences of value() at activation a. */
    public Report assertGradient(Tensor a, Objective objective) { return check(a, objective).assertPassed(); }

    /** Compares Jᵀr with central differences of Σ r·f(x); never throws on a mismatch. */
    public Report check(Tensor x, Differentiable f) {
        requireOwn(x);
        Tensor y0 = f.forward(x);
        float[] yBase = backend.download(y0);
        int[] yShape = y0.shape();
        y0.release();
        double[] r = new double[yBase.length];
        float[] rf = new float[yBase.length];
        Random rnd = new Random(seed);
        for (int j = 0; j < r.length; j++) { rf[j] = (float) (2 * rnd.nextDouble() - 1); r[j] = rf[j]; }
        double meanAbsY = meanAbs(yBase);

        Tensor rt = backend.upload(rf, yShape);
        Tensor g = f.backward(x, rt);
        rt.release();
        Shapes.requireSame("gradient from " + f, g, x);
        float[] analytic = backend.download(g);
        g.release();
        double meanAbsA = meanAbs(analytic);

        int[] coords = coordinates(x.size(), rnd);
        Coordinate[] out = new Coordinate[coords.length];
        double[] noises = new double[coords.length];
        Tensor xw = backend.allocate(x.shape());
        backend.copy(x, xw);
        try {
            for (int k = 0; k < coords.length; k++) {
                int i = coords[k];
                float xi = backend.get(xw, i);
                float xp = (float) (xi + step), xm = (float) (xi - step);
                float[] yp = evalAt(f, xw, i, xp), ym = evalAt(f, xw, i, xm);
                backend.set(xw, i, xi);
                double fp = 0, fm = 0, scale = 0;
                for (int j = 0; j < r.length; j++) {
                    fp += r[j] * yp[j];
                    fm += r[j] * ym[j];
                    if (yp[j] != ym[j]) scale += Math.abs(r[j]) * Math.max(meanAbsY, Math.max(Math.abs(yp[j]), Math.abs(ym[j])));
                }
                double dx = (double) xp - xm;
                double numeric = (fp - fm) / dx;
                double noise = noiseFactor * EPS32 * scale / dx;
                double a = analytic[i];
                noises[k] = noise;
                out[k] = new Coordinate(i, a, numeric, rtol * (Math.max(Math.abs(a), Math.abs(numeric)) + meanAbsA) + noise);
            }
        } finally {
            xw.release();
        }
        return new Report(f.toString(), x.shape(), out, worst(out), meanAbsA, noiseFactor, noises);
    }

    /** Objective version: analytic = gradient(), numeric = central difference of value() (a double). */
    public Report check(Tensor a, Objective objective) {
        requireOwn(a);
        Tensor g = backend.allocate(a.shape());
        objective.gradient(backend, a, g);
        float[] analytic = backend.download(g);
        g.release();
        double meanAbsA = meanAbs(analytic);
        Random rnd = new Random(seed);
        int[] coords = coordinates(a.size(), rnd);
        Coordinate[] out = new Coordinate[coords.length];
        double[] noises = new double[coords.length];
        Tensor aw = backend.allocate(a.shape());
        backend.copy(a, aw);
        try {
            for (int k = 0; k < coords.length; k++) {
                int i = coords[k];
                float ai = backend.get(aw, i);
                float ap = (float) (ai + step), am = (float) (ai - step);
                backend.set(aw, i, ap);
                double fp = objective.value(backend, aw);
                backend.set(aw, i, am);
                double fm = objective.value(backend, aw);
                backend.set(aw, i, ai);
                double dx = (double) ap - am;
                double numeric = (fp - fm) / dx;
                // value() sums in double; its rounding is ≈ 1e-16 relative, the float32 gradient's 6e-8.
                double noise = noiseFactor * Math.ulp(1.0) * (Math.abs(fp) + Math.abs(fm)) / dx;
                noises[k] = noise;
                out[k] = new Coordinate(i, analytic[i], numeric, rtol * (Math.max(Math.abs(analytic[i]), Math.abs(numeric)) + meanAbsA) + noise);
            }
        } finally {
            aw.release();
        }
        return new Report("objective " + objective, a.shape(), out, worst(out), meanAbsA, noiseFactor, noises);
    }

    private float[] evalAt(Differentiable f, Tensor xw, int i, float value) {
        backend.set(xw, i, value);
        Tensor y = f.forward(xw);
        float[] host = backend.download(y);
        y.release();
        return host;
    }

    private void requireOwn(Tensor x) {
        if (x.backend() != backend)
            throw new IllegalArgumentException("checker runs on " + backend.name() + " but x lives on " + x.backend().name());
    }

    private static int[] coordinates(int size, Random rnd) {
        if (size <= ALL_COORDINATES_UP_TO) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) all[i] = i;
            return all;
        }
        // A random sample without repeats (partial Fisher–Yates), sorted for readable reports.
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) perm[i] = i;
        for (int i = 0; i < SAMPLED_COORDINATES; i++) {
            int j = i + rnd.nextInt(size - i);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        int[] pick = java.util.Arrays.copyOf(perm, SAMPLED_COORDINATES);
        java.util.Arrays.sort(pick);
        return pick;
    }

    private static double meanAbs(float[] a) {
        double s = 0;
        for (float v : a) s += Math.abs(v);
        return s / a.length;
    }

    private static Coordinate worst(Coordinate[] cs) {
        Coordinate w = null;
        for (Coordinate c : cs) if (w == null || c.ratio() > w.ratio()) w = c;
        return w;
    }

    static int[] unflatten(int index, int[] shape) {
        int[] pos = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            pos[d] = index % shape[d];
            index /= shape[d];
        }
        return pos;
    }
}
