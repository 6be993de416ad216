package deepdream.importers;

/**
 * A model file that cannot be used: unreadable, malformed, or not matching its prototxt. The message
 * is written for the user (what, which file or layer, what to do) and is shown without a stack trace.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) { super(message); }
    public ModelFormatException(String message, Throwable cause) { super(message, cause); }
}
