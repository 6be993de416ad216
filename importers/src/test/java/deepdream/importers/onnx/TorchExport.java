package deepdream.importers.onnx;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/python/export_torchvision.py with Debian's python3-torch into target/torch-export/NAME
 * (kept between runs while the script and the cases are unchanged). Without python3-torch the tests
 * skip, except under CI, where .ci/run installs it and its absence is a failure.
 */
final class TorchExport {
    private TorchExport() {}

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("src/test/python/export_torchvision.py");

    static Path run(String name, List<String> cases) throws Exception {
        Path out = Path.of("target/torch-export", name);
        Path stamp = out.resolve("done");
        String key = Files.readString(SCRIPT) + cases;
        if (Files.exists(stamp) && Files.readString(stamp).equals(key)) return out;
        if (!torchAvailable()) {
            String why = "python3-torch and python3-torchvision are needed to export the torchvision nets (apt-get install python3-torch python3-torchvision)";
            if (System.getenv("CI") != null) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        Files.createDirectories(out);
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), out.toString()));
        cmd.addAll(cases);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("export.log").toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("export failed: " + cmd + "\n" + Files.readString(out.resolve("export.log")));
        }
        Files.writeString(stamp, key);
        return out;
    }

    static boolean torchAvailable() throws Exception {
        if (!Files.isExecutable(PYTHON)) return false;
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    }
}
