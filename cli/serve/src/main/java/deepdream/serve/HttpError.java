package deepdream.serve;

/** A request the server refuses: answered as {@code {"error": message}} with this status. */
final class HttpError extends RuntimeException {
    final int status;
    /** Seconds for a Retry-After header, or 0 for none. */
    final int retryAfter;

    HttpError(int status, String message) { this(status, message, 0); }

    HttpError(int status, String message, int retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }
}
