package deepdream.batch;

import java.io.Serializable;

/**
 * What became of one input: {@code status} is {@link #DONE} (dreamed now), {@link #SKIPPED} (a finished
 * output with the same parameters was already there) or {@link #FAILED} ({@code error} says why).
 * {@code executor} (pid@host) and {@code netsInJvm} (how many nets that JVM had built by then) show that
 * the net is loaded once per executor JVM, not per image.
 */
public record FileResult(String relative, String output, String status, double seconds, long seed, String error,
                         int width, int height, String executor, int netsInJvm) implements Serializable {
    public static final String DONE = "done", SKIPPED = "skipped", FAILED = "failed";

    public boolean failed() { return FAILED.equals(status); }
}
