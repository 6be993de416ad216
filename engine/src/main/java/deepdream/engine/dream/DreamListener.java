package deepdream.engine.dream;

/** Progress of a dream, called on the dreaming thread. Every method has an empty default. */
public interface DreamListener {
    /** octave counts from 1 (smallest) to octaves; tile is 0 when the octave runs untiled. */
    default void octaveStarted(int octave, int octaves, int height, int width, int tile) {}

    /** After each iteration: iteration counts from 1; objective is the value before the step. */
    default void stepDone(int octave, int octaves, int iteration, int iterations, double objective) {}

    DreamListener NONE = new DreamListener() {};
}
