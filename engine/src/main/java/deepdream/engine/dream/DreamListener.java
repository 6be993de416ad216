package deepdream.engine.dream;

import deepdream.engine.image.PlanarImage;

/** Progress of a dream, called on the dreaming thread. Every method has an empty default. */
public interface DreamListener {
    /** octave counts from 1 (smallest) to octaves; tile is 0 when the octave runs untiled. */
    default void octaveStarted(int octave, int octaves, int height, int width, int tile) {}

    /** After each iteration: iteration counts from 1; objective is the value before the step. */
    default void stepDone(int octave, int octaves, int iteration, int iterations, double objective) {}

    /**
     * After each octave's last step: {@code rgb} gives that octave's image (RGB 0..255, the octave's
     * size) and is only valid during this call; it costs a conversion, so it is computed on demand.
     */
    default void octaveDone(int octave, int octaves, java.util.function.Supplier<PlanarImage> rgb) {}

    DreamListener NONE = new DreamListener() {};
}
