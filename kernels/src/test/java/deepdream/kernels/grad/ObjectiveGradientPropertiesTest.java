package deepdream.kernels.grad;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.objective.Objective;
import deepdream.engine.testing.GradientChecker;
import deepdream.engine.testing.RandomTensors;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each objective's gradient() against central differences of its value(), on random activations. */
class ObjectiveGradientPropertiesTest {
    private final Backend b = new ReferenceBackend();

    private Tensor activation(long seed, int n, int c, int h, int w) {
        return new RandomTensors(b, seed).uniform(-2, 2, n, c, h, w);
    }

    @Property(tries = 50)
    void l2(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 17) int c,
            @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
        Tensor a = activation(seed, n, c, h, w);
        new GradientChecker(b).seed(seed).assertGradient(a, Objective.l2());
        assertEquals(0.5 * b.sumSquares(a), Objective.l2().value(b, a), 1e-12);
    }

    @Property(tries = 50)
    void channelMean(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 17) int c,
                     @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w,
                     @ForAll @IntRange(min = 0, max = 16) int channel, @ForAll long seed) {
        Tensor a = activation(seed, n, c, h, w);
        new GradientChecker(b).seed(seed).assertGradient(a, Objective.channelMean(channel % c));
    }

    @Property(tries = 50)
    void unit(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 17) int c,
              @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w,
              @ForAll @IntRange(min = 0, max = 100) int pick, @ForAll long seed) {
        Tensor a = activation(seed, n, c, h, w);
        new GradientChecker(b).seed(seed).assertGradient(a, Objective.unit(pick % c, (pick / c) % h, (pick / (c * h)) % w));
    }

    @Property(tries = 50)
    void unitOfAClassScoreVector(@ForAll @IntRange(min = 1, max = 40) int classes, @ForAll @IntRange(min = 0, max = 39) int pick,
                                 @ForAll long seed) {
        Tensor scores = new RandomTensors(b, seed).uniform(-2, 2, 1, classes);
        new GradientChecker(b).seed(seed).assertGradient(scores, Objective.unit(pick % classes, 0, 0));
    }

    @Property(tries = 50)
    void dot(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 17) int c,
             @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
        Tensor a = activation(seed, n, c, h, w);
        Tensor target = new RandomTensors(b, seed + 1).uniform(-1, 1, n, c, h, w);
        new GradientChecker(b).seed(seed).assertGradient(a, Objective.dot(target));
    }

    /**
     * The guided-dream objective Σ_p max_m a_p·g_m. It is piecewise linear, so the check only holds
     * away from argmax ties: the step changes any dot product by at most step·max|g| = 0.01, so a
     * gap of 0.1 between the best and second-best match keeps every position's choice fixed.
     */
    @Property(tries = 50)
    void guide(@ForAll @IntRange(min = 1, max = 17) int c, @ForAll @IntRange(min = 1, max = 5) int h,
               @ForAll @IntRange(min = 1, max = 5) int w, @ForAll @IntRange(min = 1, max = 9) int guides, @ForAll long seed) {
        RandomTensors random = new RandomTensors(b, seed);
        float[] g = random.uniformHost(c * guides, -1, 1);   // C×M (CHW order of a 1×C×1×M guide blob)
        Tensor a = random.uniform(-2, 2, 1, c, h, w);
        float[] ah = b.download(a);
        int positions = h * w;
        double expected = 0, minGap = Double.POSITIVE_INFINITY;
        for (int p = 0; p < positions; p++) {
            double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < guides; m++) {
                double d = 0;
                for (int k = 0; k < c; k++) d += (double) ah[k * positions + p] * g[k * guides + m];
                if (d > best) { second = best; best = d; } else if (d > second) second = d;
            }
            expected += best;
            minGap = Math.min(minGap, best - second);
        }
        Assume.that(minGap > 0.1);
        Objective guide = Objective.guide(g, c);
        assertEquals(expected, guide.value(b, a), 1e-4 * (1 + Math.abs(expected)));
        new GradientChecker(b).seed(seed).assertGradient(a, guide);
    }

    /** Total variation (the visualization's image prior), for quadratic and edge-preserving exponents. */
    @Property(tries = 60)
    void totalVariation(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                        @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 7) int w,
                        @ForAll @IntRange(min = 0, max = 3) int betaIndex, @ForAll long seed) {
        double beta = new double[] {1, 1.5, 2, 3}[betaIndex];
        Tensor a = activation(seed, n, c, h, w);
        new GradientChecker(b).seed(seed).assertGradient(a, Objective.totalVariation(beta, 0.5));
    }

    /** TV's value on a hand-computed 2×2 image: only the differences inside the image count. */
    @org.junit.jupiter.api.Test
    void totalVariationValueByHand() {
        // [[1, 3], [4, 4]]: (dx, dy) = (2, 3) at (0,0), (0, 1) at (0,1), (0, 0) at (1,0) and (1,1).
        Tensor a = b.upload(new float[] {1, 3, 4, 4}, 1, 1, 2, 2);
        assertEquals(4 + 9 + 1, Objective.totalVariation(2, 0).value(b, a), 1e-9);
        assertEquals(Math.sqrt(13 + 0.25) + Math.sqrt(1 + 0.25) + 2 * 0.5, Objective.totalVariation(1, 0.5).value(b, a), 1e-9);
        Tensor flat = b.upload(new float[] {5, 5, 5, 5, 5, 5}, 1, 1, 2, 3);
        assertEquals(0, Objective.totalVariation(2, 0).value(b, flat), 0);
    }

    /** Lucid's direction: mean over N, C, H, W of a·v[c]. */
    @Property(tries = 50)
    void direction(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 17) int c,
                   @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w, @ForAll long seed) {
        Tensor a = activation(seed, n, c, h, w);
        float[] v = new RandomTensors(b, seed + 1).uniformHost(c, -1, 1);
        new GradientChecker(b).seed(seed).assertGradient(a, Objective.direction(v));
        float[] host = b.download(a);
        double want = 0;
        for (int i = 0; i < host.length; i++) want += (double) host[i] * v[(i / (h * w)) % c];
        assertEquals(want / host.length, Objective.direction(v).value(b, a), 1e-9);
    }

    /** Lucid's diversity of a batch (normalized Gram matrices compared pairwise), on ReLU-like (positive) activations. */
    @Property(tries = 40)
    void diversity(@ForAll @IntRange(min = 2, max = 3) int n, @ForAll @IntRange(min = 1, max = 5) int c,
                   @ForAll @IntRange(min = 1, max = 4) int h, @ForAll @IntRange(min = 1, max = 4) int w, @ForAll long seed) {
        Tensor a = new RandomTensors(b, seed).uniform(0.1, 2, n, c, h, w);
        new GradientChecker(b).seed(seed).assertGradient(a, Objective.diversity());
    }

    /** Diversity's value by hand: identical images give N−1 (every cosine 1); images on disjoint channels give 0. */
    @org.junit.jupiter.api.Test
    void diversityValueByHand() {
        Tensor same = b.upload(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, 3, 2, 1, 2);
        assertEquals(2, Objective.diversity().value(b, same), 1e-12);
        Tensor apart = b.upload(new float[] {1, 2, 0, 0, 0, 0, 3, 4}, 2, 2, 1, 2);
        assertEquals(0, Objective.diversity().value(b, apart), 1e-12);
        // Two images with Grams [[1,0],[0,0]] and [[1,1],[1,1]]/... : cosine 1/2, value (1/2 + 1/2)/2.
        Tensor half = b.upload(new float[] {1, 0, 1, 1}, 2, 2, 1, 1);
        assertEquals(0.5, Objective.diversity().value(b, half), 1e-12);
    }

    /** A batch with one objective per sample (batched grids): central differences, and each sample's gradient is its batch-of-one gradient bit for bit. */
    @Property(tries = 40)
    void perSample(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 9) int c,
                   @ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int w,
                   @ForAll @IntRange(min = 0, max = 100) int pick, @ForAll long seed) {
        Tensor a = activation(seed, n, c, h, w);
        java.util.List<Objective> each = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = pick + 7 * i;
            float[] v = new float[c];
            v[k % c] = 1;
            each.add(switch (i % 3) {
                case 0 -> Objective.channelMean(k % c);
                case 1 -> Objective.unit(k % c, (k / c) % h, (k / (c * h)) % w);
                default -> Objective.direction(v);
            });
        }
        Objective batch = Objective.perSample(each);
        new GradientChecker(b).seed(seed).assertGradient(a, batch);
        float[] data = b.download(a), g = new float[data.length];
        Tensor grad = b.allocate(a.shape());
        double value = batch.valueAndGradient(b, a, grad);
        g = b.download(grad);
        int size = c * h * w;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Tensor one = b.upload(java.util.Arrays.copyOfRange(data, i * size, (i + 1) * size), 1, c, h, w), og = b.allocate(1, c, h, w);
            sum += each.get(i).valueAndGradient(b, one, og);
            org.junit.jupiter.api.Assertions.assertArrayEquals(b.download(og), java.util.Arrays.copyOfRange(g, i * size, (i + 1) * size),
                    "sample " + i + " of " + n + ": its gradient alone, bit for bit");
        }
        assertEquals(sum, value, 0.0, "value: the sum of the samples' values");
    }
}
