package deepdream.cli;

/**
 * An error the user can fix: bad file, bad option, missing weights. Its message says what went
 * wrong, where, and what to do; it is printed without a stack trace (unless --verbose).
 */
public class UserException extends RuntimeException {
    public UserException(String message) { super(message); }
    public UserException(String message, Throwable cause) { super(message, cause); }
}
