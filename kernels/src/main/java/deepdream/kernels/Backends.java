package deepdream.kernels;

import deepdream.engine.Backend;
import deepdream.kernels.reference.ReferenceBackend;

import java.util.List;

/** Creates backends by their command-line name. To add a backend: one entry in {@link #NAMES} and one case. */
public final class Backends {
    private Backends() {}

    /** Known backend names, in the order shown to users. */
    public static final List<String> NAMES = List.of("reference");

    /** The backend with this name, using all available processors where that applies. */
    public static Backend create(String name) { return create(name, Runtime.getRuntime().availableProcessors()); }

    /** The backend with this name; threads is ignored by single-threaded backends. */
    public static Backend create(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (key) {
            case "reference" -> new ReferenceBackend();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; known backends: " + String.join(", ", NAMES));
        };
    }
}
