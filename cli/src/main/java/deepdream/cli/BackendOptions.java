package deepdream.cli;

import deepdream.engine.Backend;
import deepdream.kernels.Backends;
import picocli.CommandLine.Option;

/** {@code --backend NAME --threads N --device N}: which backend computes, a mixin for every command that runs the net. */
public final class BackendOptions {
    /** The default backend: the fastest CPU one. Falls back to "reference" while "cpu" is not registered. */
    public static final String DEFAULT_BACKEND = "cpu";
    public static final String FALLBACK_BACKEND = "reference";
    /** Read by the opencl backend: which OpenCL device (index in its device list). */
    public static final String DEVICE_PROPERTY = "deepdream.opencl.device";

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Compute backend: reference, cpu or opencl (default: cpu, or reference where cpu is not available).")
    public String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads for the cpu backend (default: all processors).")
    public Integer threads;

    @Option(names = "--device", paramLabel = "N", description = "OpenCL device index (opencl backend; default: the first GPU, else the first device).")
    public Integer device;

    public static String defaultBackend() {
        return Backends.NAMES.contains(DEFAULT_BACKEND) ? DEFAULT_BACKEND : FALLBACK_BACKEND;
    }

    public String name() { return backend == null ? defaultBackend() : backend; }

    public Backend create() {
        if (threads != null && threads < 1) throw new UserException("--threads must be at least 1, got " + threads);
        if (device != null) {
            if (device < 0) throw new UserException("--device must be 0 or more, got " + device);
            System.setProperty(DEVICE_PROPERTY, Integer.toString(device));
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try {
            Backends.Selection chosen = Backends.select(name(), n);
            // "auto" says what it picked and why (e.g. no OpenCL GPU: the cpu backend).
            if (chosen.note() != null) System.err.println("deepdream: " + chosen.note());
            return chosen.backend();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            throw new UserException("cannot start the " + name() + " backend: " + Errors.message(e)
                    + (name().equals(FALLBACK_BACKEND) ? "" : " (try --backend " + FALLBACK_BACKEND + ")"), e);
        }
    }
}
