package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

import java.util.List;

/**
 * A batch where sample n has its own objective: value = Σ_n objective_n(a[n]), each computed on
 * sample n alone as a batch of one. So sample n's gradient is bit for bit the gradient a run of
 * that image by itself gets (a mean over N would scale it by 1/N and round differently), which is
 * what lets a visualization grid run batched and still give the one-at-a-time pixels.
 * The slices go through the host: activations at a visualized layer are small.
 */
final class PerSample implements Objective {
    private final List<Objective> objectives;

    PerSample(List<Objective> objectives) {
        if (objectives.isEmpty()) throw new IllegalArgumentException("per-sample objective: no samples");
        this.objectives = List.copyOf(objectives);
    }

    private void check(Tensor a) {
        if (a.n() != objectives.size())
            throw new IllegalArgumentException("per-sample objective for " + objectives.size() + " samples, but the batch has " + a.n());
    }

    @Override
    public double value(Backend b, Tensor a) {
        check(a);
        float[] data = b.download(a);
        int[] one = sampleShape(a);
        int size = data.length / a.n();
        double sum = 0;
        for (int n = 0; n < a.n(); n++) {
            Tensor s = b.upload(java.util.Arrays.copyOfRange(data, n * size, (n + 1) * size), one);
            try {
                sum += objectives.get(n).value(b, s);
            } finally {
                s.release();
            }
        }
        return sum;
    }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) { valueAndGradient(b, a, grad); }

    @Override
    public double valueAndGradient(Backend b, Tensor a, Tensor grad) {
        check(a);
        float[] data = b.download(a), g = new float[data.length];
        int[] one = sampleShape(a);
        int size = data.length / a.n();
        double sum = 0;
        for (int n = 0; n < a.n(); n++) {
            Tensor s = b.upload(java.util.Arrays.copyOfRange(data, n * size, (n + 1) * size), one), sg = b.allocate(one);
            try {
                sum += objectives.get(n).valueAndGradient(b, s, sg);
                System.arraycopy(b.download(sg), 0, g, n * size, size);
            } finally {
                s.release();
                sg.release();
            }
        }
        Tensor up = b.upload(g, a.shape());
        try {
            b.copy(up, grad);
        } finally {
            up.release();
        }
        return sum;
    }

    private static int[] sampleShape(Tensor a) {
        int[] s = a.shape().clone();
        s[0] = 1;
        return s;
    }

    /** Positionwise only when every sample's objective is. */
    @Override public boolean isPositionwise() { return objectives.stream().allMatch(Objective::isPositionwise); }

    @Override public String toString() { return "per sample " + objectives; }
}
