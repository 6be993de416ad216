package deepdream.importers.caffe;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real BVLC GoogLeNet weights for tests: $DEEPDREAM_WEIGHTS, else the shared copy beside the
 * repository. In CI (env CI set) missing weights fail the test; elsewhere the test is skipped.
 */
public final class RealWeights {
    private RealWeights() {}

    public static Path weightsOrSkip() {
        String env = System.getenv("DEEPDREAM_WEIGHTS");
        Path p = env != null && !env.isBlank() ? Path.of(env) : repoRoot().resolve("../shared/weights/bvlc_googlenet/bvlc_googlenet.caffemodel").normalize();
        if (!Files.isRegularFile(p)) {
            String why = "real GoogLeNet weights not found (" + p + "); set DEEPDREAM_WEIGHTS";
            if (System.getenv("CI") != null) throw new AssertionError(why);
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        return p;
    }

    /** The reference outputs: ../shared/reference relative to the weights' shared/ folder or the repository root. */
    public static Path referenceDirOrSkip() {
        Path w = weightsOrSkip().toAbsolutePath();
        Path fromWeights = w.getParent() == null ? null : w.getParent().resolve("../../reference").normalize();
        Path fromRepo = repoRoot().resolve("../shared/reference").normalize();
        for (Path p : new Path[] {fromWeights, fromRepo})
            if (p != null && Files.isDirectory(p.resolve("eagle-224"))) return p;
        String why = "reference outputs not found (" + fromWeights + ", " + fromRepo + ")";
        if (System.getenv("CI") != null) throw new AssertionError(why);
        System.out.println("SKIPPED: " + why);
        Assumptions.abort(why);
        return null;
    }

    /**
     * A file of the shared test data (e.g. "images/eagle.jpg"): beside the weights' shared/ folder,
     * else ../shared/ relative to the repository root. Fails in CI, skips elsewhere, when missing.
     */
    public static Path sharedFileOrSkip(String relative) {
        Path w = weightsOrSkip().toAbsolutePath();
        Path fromWeights = w.getParent() == null ? null : w.getParent().resolve("../..").resolve(relative).normalize();
        Path fromRepo = repoRoot().resolve("../shared").resolve(relative).normalize();
        for (Path p : new Path[] {fromWeights, fromRepo})
            if (p != null && Files.exists(p)) return p;
        String why = "shared test file " + relative + " not found (" + fromWeights + ", " + fromRepo + ")";
        if (System.getenv("CI") != null) throw new AssertionError(why);
        System.out.println("SKIPPED: " + why);
        Assumptions.abort(why);
        return null;
    }

    /** The repository root: the nearest ancestor of the working directory with the launcher. */
    public static Path repoRoot() {
        Path d = Path.of("").toAbsolutePath();
        for (Path p = d; p != null; p = p.getParent()) if (Files.isRegularFile(p.resolve("deepdream")) && Files.isDirectory(p.resolve("engine"))) return p;
        return d.getParent() == null ? d : d.getParent();
    }
}
