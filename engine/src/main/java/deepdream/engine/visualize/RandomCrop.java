package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.SplittableRandom;

/**
 * Lucid's jitter(d): a random crop of (H − d) × (W − d) pixels, its corner drawn uniformly from
 * 0..d each way (a shift that does not wrap around, unlike {@link Jitter}); the adjoint puts the
 * gradient back in place with zeros around.
 */
final class RandomCrop implements ImageTransform {
    private final int pixels;

    RandomCrop(int pixels) {
        if (pixels < 0) throw new IllegalArgumentException("crop jitter must be 0 or more pixels, got " + pixels);
        this.pixels = pixels;
    }

    @Override
    public Instance sample(int height, int width, SplittableRandom random) {
        if (height <= pixels || width <= pixels)
            throw new IllegalArgumentException("a crop jitter of " + pixels + " px needs an image larger than that, got " + width + "x" + height);
        int dy = random.nextInt(pixels + 1), dx = random.nextInt(pixels + 1);
        int h = height - pixels, w = width - pixels;
        return new Instance() {
            @Override public PlanarImage forward(PlanarImage image) { return image.crop(dy, dx, h, w); }
            @Override public PlanarImage adjoint(PlanarImage gradient) {
                PlanarImage out = new PlanarImage(gradient.channels(), height, width);
                PlanarImage.copyRegion(gradient, 0, 0, out, dy, dx, h, w);
                return out;
            }
        };
    }

    @Override public String toString() { return "crop jitter " + pixels + " px"; }
}
