package deepdream.engine.testing;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

import java.util.Random;

/**
 * Seeded random tensors for tests, shaped to keep finite differences away from kinks (see
 * {@link GradientChecker}).
 */
public final class RandomTensors {
    private final Backend backend;
    private final Random rnd;

    public RandomTensors(Backend backend, long seed) {
        this.backend = backend;
        this.rnd = new Random(seed);
    }

    public Random random() { return rnd; }

    /** Uniform in [lo, hi). */
    public float[] uniformHost(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return a;
    }

    public Tensor uniform(double lo, double hi, int... shape) { return backend.upload(uniformHost(Shapes.size(shape), lo, hi), shape); }

    /** Gaussian with this standard deviation. */
    public Tensor gaussian(double std, int... shape) {
        float[] a = new float[Shapes.size(shape)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (std * rnd.nextGaussian());
        return backend.upload(a, shape);
    }

    /** Uniform magnitude in [minAbs, maxAbs) with a random sign: no value within minAbs of ReLU's kink. */
    public Tensor awayFromZero(double minAbs, double maxAbs, int... shape) {
        float[] a = uniformHost(Shapes.size(shape), minAbs, maxAbs);
        for (int i = 0; i < a.length; i++) if (rnd.nextBoolean()) a[i] = -a[i];
        return backend.upload(a, shape);
    }

    /**
     * All values pairwise at least 0.75·gap apart (a shuffled arithmetic sequence centred on 0 with
     * steps of gap, plus jitter within ±gap/8): no max-pooling window has a near-tie, so perturbing
     * one value by h &lt; 0.375·gap never changes an argmax.
     */
    public Tensor distinct(double gap, int... shape) {
        int n = Shapes.size(shape);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((i - (n - 1) / 2.0) * gap + (rnd.nextDouble() - 0.5) * gap / 4);
        shuffle(a);
        return backend.upload(a, shape);
    }

    private void shuffle(float[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }
}
