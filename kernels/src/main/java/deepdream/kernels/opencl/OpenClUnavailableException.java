package deepdream.kernels.opencl;

/** No usable OpenCL runtime or device; the message says what to install or choose instead. */
public final class OpenClUnavailableException extends RuntimeException {
    public OpenClUnavailableException(String message) { super(message); }

    public OpenClUnavailableException(String message, Throwable cause) { super(message, cause); }
}
