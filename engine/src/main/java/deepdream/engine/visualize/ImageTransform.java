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

    /** Resize to a fixed size (a classifier only runs at its input size, e.g. 224×224). Not random. */
    static ImageTransform fitTo(int height, int width) { return new FitTo(height, width); }
}
