package deepdream.kernels.opencl;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The tilings {@code bench --backend opencl} measured best, one per device and driver, in
 * {@code ~/.cache/deepdream/opencl-tuning.properties} ($XDG_CACHE_HOME respected; the property
 * {@value #PROPERTY} names another file). A new driver version is a new key: it is measured again.
 * Reading never fails a run: a missing, unreadable or damaged file means "use the default tuning".
 */
public final class OpenClTuningCache {
    public static final String PROPERTY = "deepdream.openclTuning";
    private final Path file;

    public OpenClTuningCache(Path file) { this.file = file; }

    /** The cache of this user. */
    public static OpenClTuningCache system() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) return new OpenClTuningCache(Path.of(given));
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new OpenClTuningCache(base.resolve("deepdream").resolve("opencl-tuning.properties"));
    }

    public Path file() { return file; }

    /** "platform | device | driver", with what Properties keys cannot hold replaced. */
    static String key(OpenClDevices.Device d) {
        return (d.platform() + " | " + d.name() + " | driver " + d.driverVersion()).replaceAll("[=:#!\\\\\\s]+", "_");
    }

    public Optional<OpenClTuning> lookup(OpenClDevices.Device d) {
        Properties p = read();
        OpenClTuning t = p == null ? null : OpenClTuning.parse(p.getProperty(key(d), ""));
        return t != null && t.fits(d) ? Optional.of(t) : Optional.empty();
    }

    /** Records the winner for this device (temp file, then move: a crash leaves the old cache). */
    public void store(OpenClDevices.Device d, OpenClTuning t) throws IOException {
        Properties p = read();
        if (p == null) p = new Properties();
        p.setProperty(key(d), t.encode());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "OpenCL convolution tilings measured best by 'deepdream bench --backend opencl' (delete to measure again)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Properties read() {
        if (!Files.isRegularFile(file)) return null;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return p;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
