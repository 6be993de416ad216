package deepdream.kernels;

import deepdream.engine.Backend;
import deepdream.kernels.cpu.CpuBackend;
import deepdream.kernels.opencl.OpenClSelection;
import deepdream.kernels.reference.ReferenceBackend;

import java.util.List;

/** Creates backends by their command-line name. To add a backend: one entry in {@link #NAMES} and one case. */
public final class Backends {
    private Backends() {}

    /** The backend used when the user names none: the fast multi-threaded host backend. */
    public static final String DEFAULT = "cpu";

    /** Known backend names, in the order shown to users. */
    public static final List<String> NAMES = List.of("cpu", "reference", "opencl", "auto");

    /** A backend and a line saying how it was chosen (for "auto"), which the CLI can print; note is null otherwise. */
    public record Selection(Backend backend, String note) {}

    /**
     * Like {@link #create(String, int)}, plus a note when the choice was automatic. "opencl" takes the
     * best device (GPU, then accelerator, then CPU), "opencl:N" device N; "auto" takes an OpenCL GPU
     * if there is one, else the fastest host backend.
     */
    public static Selection select(String name, int threads) {
        String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!key.equals("auto")) return new Selection(create(name, threads), null);
        String fallback = DEFAULT;
        return OpenClSelection.gpuOrElse(() -> create(fallback, threads), fallback);
    }

    /** The backend with this name, using all available processors where that applies. */
    public static Backend create(String name) { return create(name, Runtime.getRuntime().availableProcessors()); }

    /** The backend with this name; threads is ignored by single-threaded backends. */
    public static Backend create(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (key) {
            case "cpu" -> new CpuBackend(threads);
            case "reference" -> new ReferenceBackend();
            case "auto" -> select(key, threads).backend();
            default -> key.equals("opencl") || key.startsWith("opencl:") ? OpenClSelection.open(key) : unknown(name);
        };
    }

    private static Backend unknown(String name) {
        throw new IllegalArgumentException("unknown backend '" + name + "'; known backends: " + String.join(", ", NAMES)
                + " (opencl:N picks OpenCL device N)");
    }
}
