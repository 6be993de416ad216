package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.SplittableRandom;

/** Zoom about the centre by s, log-uniform in [1/(1+f), 1+f], keeping the size; edge pixels repeat when zooming out. */
final class ScaleJitter implements ImageTransform {
    private final double range;

    ScaleJitter(double range) {
        if (!(range >= 0) || !(range < 1)) throw new IllegalArgumentException("scale jitter must be in [0, 1), e.g. 0.1, got " + range);
        this.range = range;
    }

    @Override
    public Instance sample(int height, int width, SplittableRandom random) {
        double s = Math.exp((2 * random.nextDouble() - 1) * Math.log1p(range));
        BilinearMap map = BilinearMap.zoom(height, width, s);
        return new Instance() {
            @Override public PlanarImage forward(PlanarImage image) { return map.forward(image); }
            @Override public PlanarImage adjoint(PlanarImage gradient) { return map.adjoint(gradient); }
        };
    }

    @Override public String toString() { return "scale jitter " + range; }
}
