package deepdream.importers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a model's weights and labels are: {@code --weights FILE}, else {@code $DEEPDREAM_WEIGHTS},
 * else the user cache ({@code ~/.cache/deepdream/models/}, where {@code models fetch} puts them).
 * Labels: {@code --labels FILE}, else the label file beside the weights, else the one in the cache.
 */
public final class ModelLocator {
    public static final String ENV_WEIGHTS = "DEEPDREAM_WEIGHTS";
    /** System property overriding the cache directory (tests, and users who want the cache elsewhere). */
    public static final String CACHE_PROPERTY = "deepdream.cache";
    /** System property that makes the locator ignore $DEEPDREAM_WEIGHTS (tests of the no-weights path). */
    public static final String IGNORE_ENV_PROPERTY = "deepdream.ignoreEnv";

    private final Map<String, String> env;
    private final Path cacheDir;
    private final boolean envApplies;   // $DEEPDREAM_WEIGHTS names the default model's weights only

    public ModelLocator(Map<String, String> env, Path cacheDir) { this(env, cacheDir, true); }

    private ModelLocator(Map<String, String> env, Path cacheDir, boolean envApplies) {
        this.env = Map.copyOf(env);
        this.cacheDir = cacheDir;
        this.envApplies = envApplies;
    }

    /** The locator for this process: real environment, real cache. */
    public static ModelLocator system() {
        Map<String, String> env = Boolean.getBoolean(IGNORE_ENV_PROPERTY) ? Map.of() : System.getenv();
        return new ModelLocator(env, defaultCacheDir(env));
    }

    static Path defaultCacheDir(Map<String, String> env) {
        String prop = System.getProperty(CACHE_PROPERTY);
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("deepdream").resolve("models");
    }

    public Path cacheDir() { return cacheDir; }

    /** This locator without $DEEPDREAM_WEIGHTS, which names the default model's weights only. */
    public ModelLocator withoutEnv() { return new ModelLocator(Map.of(), cacheDir, false); }

    public Path cachedWeights(ModelCatalog.Entry model) { return cacheDir.resolve(model.fileName()); }

    public Path cachedLabels(ModelCatalog.Entry model) { return cacheDir.resolve(model.labelsFile()); }

    /** The weights file to use; an error that says how to get them when there is none. */
    public Path findWeights(Path explicit, ModelCatalog.Entry model) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) throw new ModelFormatException("weights file not found: " + explicit + " (given with --weights)");
            return explicit;
        }
        String fromEnv = env.get(ENV_WEIGHTS);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Path.of(fromEnv);
            if (!Files.isRegularFile(p))
                throw new ModelFormatException("$" + ENV_WEIGHTS + " points at " + p + ", which is not a file. Fix or unset it, or fetch the weights: "
                        + "./deepdream models fetch " + model.name());
            return p;
        }
        Path cached = cachedWeights(model);
        if (Files.isRegularFile(cached)) return cached;
        throw new ModelFormatException(missingWeightsMessage(model));
    }

    public String missingWeightsMessage(ModelCatalog.Entry model) {
        return "no weights found for " + model.name() + ". Download them (" + (model.size() > 0 ? model.size() / 1_000_000 + " MB, " : "")
                + "once) with:\n    ./deepdream models fetch " + model.name()
                + "\nor use a " + model.fileName() + " you already have: --weights FILE" + (envApplies ? ", or export " + ENV_WEIGHTS + "=FILE." : ".")
                + "\n(searched: --weights not given; " + (envApplies ? "$" + ENV_WEIGHTS + " not set; " : "") + cachedWeights(model) + " does not exist)";
    }

    /** The label file to use, or null when there is none (then classes are shown by index). */
    public Path findLabels(Path explicit, Path weights, ModelCatalog.Entry model) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) throw new ModelFormatException("label file not found: " + explicit + " (given with --labels)");
            return explicit;
        }
        String name = model == null ? "synset_words.txt" : model.labelsFile();
        if (weights != null) {
            Path beside = weights.toAbsolutePath().resolveSibling(name);
            if (Files.isRegularFile(beside)) return beside;
        }
        Path cached = cacheDir.resolve(name);
        return Files.isRegularFile(cached) ? cached : null;
    }
}
