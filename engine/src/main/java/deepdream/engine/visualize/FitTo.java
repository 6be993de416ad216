package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.SplittableRandom;

/** Bilinear resize to a fixed size; the identity when the size already matches. */
final class FitTo implements ImageTransform {
    private final int height, width;

    FitTo(int height, int width) {
        if (height < 1 || width < 1) throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
        this.height = height;
        this.width = width;
    }

    @Override
    public Instance sample(int h, int w, SplittableRandom random) {
        if (h == height && w == width) return IDENTITY;
        BilinearMap map = BilinearMap.resize(h, w, height, width);
        return new Instance() {
            @Override public PlanarImage forward(PlanarImage image) { return map.forward(image); }
            @Override public PlanarImage adjoint(PlanarImage gradient) { return map.adjoint(gradient); }
        };
    }

    private static final Instance IDENTITY = new Instance() {
        @Override public PlanarImage forward(PlanarImage image) { return image; }
        @Override public PlanarImage adjoint(PlanarImage gradient) { return gradient; }
    };

    @Override public String toString() { return "fit to " + width + "x" + height; }
}
