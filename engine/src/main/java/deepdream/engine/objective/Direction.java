package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/**
 * Lucid's direction objective: the mean over N, C, H, W of a[n][c][y][x]·v[c], i.e. the mean
 * projection of the activation vectors onto v, divided by C as Lucid's reduce_mean does. A unit
 * vector of channel k gives the channel objective / C; mixtures visualize how channels combine.
 */
final class Direction implements Objective {
    private final float[] vector;

    Direction(float[] vector) {
        if (vector.length == 0) throw new IllegalArgumentException("a direction needs at least one component");
        for (float v : vector) if (!Float.isFinite(v)) throw new IllegalArgumentException("direction components must be finite, got " + v);
        this.vector = vector.clone();
    }

    private double count(Tensor a) {
        if (a.c() != vector.length)
            throw new IllegalArgumentException("a direction of " + vector.length + " components for a blob of " + a.c() + " channels");
        return (double) a.n() * a.c() * a.h() * a.w();
    }

    @Override
    public double value(Backend b, Tensor a) {
        double n = count(a), s = 0;
        for (int c = 0; c < vector.length; c++) if (vector[c] != 0) s += vector[c] * b.sumChannel(a, c);
        return s / n;
    }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) {
        double n = count(a);
        b.fill(grad, 0f);
        for (int c = 0; c < vector.length; c++) if (vector[c] != 0) b.fillChannel(grad, c, (float) (vector[c] / n));
    }

    @Override public double tileScale(int tilePositions, int wholePositions) { return (double) tilePositions / wholePositions; }

    @Override public String toString() { return "direction"; }
}
