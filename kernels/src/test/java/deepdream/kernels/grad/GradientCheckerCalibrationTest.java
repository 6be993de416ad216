package deepdream.kernels.grad;

import deepdream.engine.Backend;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.testing.GradientChecker;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The measurement behind the checker's defaults (see {@link GradientChecker}'s javadoc): random cases
 * of every op on the reference backend, where the analytic gradients are right, so every difference
 * is rounding or truncation. Prints, per op and step h, the worst error relative to the noise estimate
 * (K = 1) and relative to the gradient scale; then asserts that at the default settings no correct
 * gradient uses more than a quarter of its allowance (headroom that keeps the property tests from flaking).
 */
class GradientCheckerCalibrationTest {
    private final Backend b = new ReferenceBackend();

    @Test
    void defaultsLeaveHeadroomOnCorrectGradients() {
        double worstAtDefaults = 0;
        String worstCase = "";
        for (double h : new double[] {1e-1, 1e-2, 1e-3}) {
            Map<String, double[]> stats = new TreeMap<>();   // op -> {coords, max err/noise1, max err/scale, max err/allowed}
            for (GradCases.Case c : cases(h, 60)) {
                GradientChecker.Report r = new GradientChecker(b).step(h).seed(c.name().hashCode()).check(c.x(), c.f());
                double[] st = stats.computeIfAbsent(c.name().split(" ")[0], k -> new double[4]);
                for (int i = 0; i < r.coordinates().length; i++) {
                    GradientChecker.Coordinate co = r.coordinates()[i];
                    double noise1 = r.noise()[i] / r.noiseFactor();
                    double scale = Math.max(Math.abs(co.analytic()), Math.abs(co.numeric())) + r.meanAbsAnalytic();
                    st[0]++;
                    st[1] = Math.max(st[1], noise1 == 0 ? (co.error() == 0 ? 0 : Double.POSITIVE_INFINITY) : co.error() / noise1);
                    st[2] = Math.max(st[2], scale == 0 ? 0 : co.error() / scale);
                    st[3] = Math.max(st[3], co.ratio());
                }
                if (h == GradientChecker.DEFAULT_STEP && r.worst().ratio() > worstAtDefaults) {
                    worstAtDefaults = r.worst().ratio();
                    worstCase = r.message();
                }
            }
            System.out.printf(Locale.ROOT, "gradient checker calibration, h = %.0e (rtol %.0e, K %.0f):%n", h,
                    GradientChecker.DEFAULT_RTOL, GradientChecker.DEFAULT_NOISE_FACTOR);
            for (Map.Entry<String, double[]> e : stats.entrySet())
                System.out.printf(Locale.ROOT, "  %-9s %6.0f coords   max err/noise(K=1) %.2e   max err/(|a|+mean|a|) %.2e   max err/allowed %.2e%n",
                        e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]);
        }
        System.out.println("worst at defaults: " + worstCase);
        assertTrue(worstAtDefaults <= 0.25, "a correct gradient used " + worstAtDefaults + " of its allowance: " + worstCase);
    }

    /** Random cases of every op; ReLU and max pooling only where h respects the kink margins of {@link GradCases}. */
    private List<GradCases.Case> cases(double h, int rounds) {
        Random rnd = new Random(1);
        List<GradCases.Case> cs = new ArrayList<>();
        for (int t = 0; t < rounds; t++) {
            long seed = rnd.nextLong();
            int n = 1 + rnd.nextInt(2), c = 1 + rnd.nextInt(6), hh = 1 + rnd.nextInt(7), ww = 1 + rnd.nextInt(7);
            int k = 1 + rnd.nextInt(3), s = 1 + rnd.nextInt(2), p = rnd.nextInt(k);
            boolean kinksSafe = h <= GradCases.H;
            if (hh + 2 * p >= k && ww + 2 * p >= k) {
                cs.add(GradCases.conv(b, seed, n, 1 + rnd.nextInt(2), c, 1 + rnd.nextInt(3), k, k, s, p, hh, ww, rnd.nextBoolean()));
                cs.add(GradCases.pool(b, seed, PoolSpec.ave(k, s, p), n, c, hh, ww));
                if (kinksSafe) cs.add(GradCases.pool(b, seed, PoolSpec.max(k, s, p), n, c, hh, ww));
            }
            if (kinksSafe) cs.add(GradCases.relu(b, seed, n, c, hh, ww));
            cs.add(GradCases.lrn(b, seed, new LrnSpec(1 + 2 * rnd.nextInt(3), (float) (0.1 + 2 * rnd.nextDouble()), 0.75f, 1f), n, c + 3, hh, ww));
            cs.add(GradCases.lrn(b, seed, LrnSpec.caffe(5, 1e-4f, 0.75f), n, c + 3, hh, ww));
            cs.add(GradCases.softmax(b, seed, n, c + 1, hh, ww));
            cs.add(GradCases.innerProduct(b, seed, n, c, hh, ww, 1 + rnd.nextInt(10), rnd.nextBoolean()));
            cs.add(GradCases.concat(b, seed, n, new int[] {c, 2, 3}, rnd.nextInt(3), hh, ww));
            cs.add(GradCases.dropout(b, seed, n, c, hh, ww));
        }
        return cs;
    }
}
