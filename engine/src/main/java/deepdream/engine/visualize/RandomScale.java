package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Lucid's random_scale: resize the image by a factor drawn uniformly from a list (the size
 * changes: round(H·s) × round(W·s)), bilinear with pixel centres aligned; the adjoint is the
 * resize's exact transpose.
 */
final class RandomScale implements ImageTransform {
    private final double[] scales;

    RandomScale(double[] scales) {
        if (scales.length == 0) throw new IllegalArgumentException("random scale needs at least one factor");
        for (double s : scales) if (!(s > 0) || !Double.isFinite(s)) throw new IllegalArgumentException("scale factors must be positive, got " + s);
        this.scales = scales.clone();
    }

    @Override
    public Instance sample(int height, int width, SplittableRandom random) {
        double s = scales[random.nextInt(scales.length)];
        BilinearMap map = BilinearMap.resize(height, width, Math.max(1, (int) Math.round(height * s)), Math.max(1, (int) Math.round(width * s)));
        return new Instance() {
            @Override public PlanarImage forward(PlanarImage image) { return map.forward(image); }
            @Override public PlanarImage adjoint(PlanarImage gradient) { return map.adjoint(gradient); }
        };
    }

    @Override public String toString() { return "random scale " + Arrays.toString(scales); }
}
