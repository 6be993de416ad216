package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.SplittableRandom;

/**
 * Pads every side with the given number of pixels of value 0, which in the net's input space
 * (BGR − mean) is the mean colour (Lucid pads with grey 0.5; 0 keeps the map linear); the adjoint
 * crops the padding away. Not random: it gives the later jitter and rotation room at the edges.
 */
final class Pad implements ImageTransform {
    private final int pixels;

    Pad(int pixels) {
        if (pixels < 0) throw new IllegalArgumentException("padding must be 0 or more pixels, got " + pixels);
        this.pixels = pixels;
    }

    @Override
    public Instance sample(int height, int width, SplittableRandom random) {
        return new Instance() {
            @Override public PlanarImage forward(PlanarImage image) {
                PlanarImage out = new PlanarImage(image.channels(), height + 2 * pixels, width + 2 * pixels);
                PlanarImage.copyRegion(image, 0, 0, out, pixels, pixels, height, width);
                return out;
            }
            @Override public PlanarImage adjoint(PlanarImage gradient) { return gradient.crop(pixels, pixels, height, width); }
        };
    }

    @Override public String toString() { return "pad " + pixels + " px"; }
}
