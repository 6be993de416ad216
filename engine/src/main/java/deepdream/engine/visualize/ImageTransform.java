package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.SplittableRandom;

/**
 * A random linear map applied to the image before the net sees it, drawn anew at every step
 * (transformation robustness, Olah et al.): the image is optimized so the objective holds under
 * all of them, which suppresses patterns that only work at one exact position or scale.
 * Because the map is linear, the gradient with respect to the image is the {@link Instance#adjoint}
 * of the gradient with respect to the transformed image.
 */
public interface ImageTransform {
    /** One draw of the transform for an image of this size. */
    Instance sample(int height, int width, SplittableRandom random);

    /** A fixed linear map: forward and its exact transpose. */
    interface Instance {
        PlanarImage forward(PlanarImage image);
        PlanarImage adjoint(PlanarImage gradient);
    }

    /** Random circular shift of up to ±pixels each way (DeepDream's jitter); its adjoint shifts back. */
    static ImageTransform jitter(int pixels) { return new Jitter(pixels); }

    /** Random zoom about the centre by a factor drawn log-uniformly from [1/(1+f), 1+f], same size. */
    static ImageTransform scaleJitter(double f) { return new ScaleJitter(f); }

    /** Pad every side with pixels of value 0 (the mean colour in the net's input space); not random. */
    static ImageTransform pad(int pixels) { return new Pad(pixels); }

    /** Lucid's jitter: a random (H − d) × (W − d) crop. */
    static ImageTransform cropJitter(int pixels) { return new RandomCrop(pixels); }

    /** Resize by a factor drawn uniformly from the list (the size changes). */
    static ImageTransform randomScale(double... factors) { return new RandomScale(factors); }

    /** Rotate about the centre by an angle (degrees) drawn uniformly from the list; outside reads 0. */
    static ImageTransform randomRotate(double... degrees) { return new RandomRotate(degrees); }

    /**
     * Lucid's standard_transforms: pad 12, jitter 8, scale 0.90, 0.92, …, 1.10, rotate −10…10° (0
     * weighted six times, as Lucid's list has five extra zeros), jitter 4.
     */
    static java.util.List<ImageTransform> lucid() {
        double[] scales = new double[11];
        for (int i = 0; i < 11; i++) scales[i] = 1 + (i - 5) / 50.0;
        double[] angles = new double[26];
        for (int i = 0; i < 21; i++) angles[i] = i - 10;
        return new java.util.ArrayList<>(java.util.List.of(pad(12), cropJitter(8), randomScale(scales), randomRotate(angles), cropJitter(4)));
    }

    /** Resize to a fixed size (a classifier only runs at its input size, e.g. 224×224). Not random. */
    static ImageTransform fitTo(int height, int width) { return new FitTo(height, width); }
}
