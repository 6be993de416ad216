package deepdream.cli;

import deepdream.engine.Backend;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.ModelCatalog;
import deepdream.importers.ModelLocator;
import deepdream.kernels.Backends;
import deepdream.kernels.bench.StepBenchmark;
import deepdream.kernels.bench.SyntheticGoogLeNet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code deepdream bench}: times DeepDream steps (forward to a layer, L2 objective, backward to the
 * input) per image size and prints one line per size; {@code --profile} adds a per-layer table.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time DeepDream steps: forward to a layer, then backward to the input, as one dream step does.",
                "Prints one line per size with the median step time and GFLOP/s (forward + backward-data multiply-adds x2)."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin VerboseOption verbose;

    @Option(names = "--size", split = ",", paramLabel = "WxH", defaultValue = "224x224,512x512,1024x768",
            description = "Image sizes, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--layer", defaultValue = SyntheticGoogLeNet.TARGET, description = "Blob to dream on (default: ${DEFAULT-VALUE}).")
    String layer;

    @Option(names = "--backend", defaultValue = Backends.DEFAULT, description = "Backend: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = BackendNames.class)
    String backend;

    @Option(names = "--threads", description = "Worker threads for the cpu backend (default: all cores).")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps per size first; the JIT compiles the kernels during these (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps per size; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--profile", description = "Also print a per-layer table (ms, GFLOP/s, share of the step).")
    boolean profile;

    @Option(names = "--retune", description = "With --backend opencl: measure the convolution tilings again (done once per device and driver, then cached).")
    boolean retune;

    @Option(names = "--model", paramLabel = "MODEL", description = "Another net, as dream's --model: a known model's name, an .onnx with its weights, or a Caffe deploy .prototxt with --weights (default: the bundled BVLC GoogLeNet); --layer names one of its blobs.")
    Path model;

    @Option(names = "--weights", paramLabel = "FILE", description = "bvlc_googlenet.caffemodel (default: $DEEPDREAM_WEIGHTS, then the model cache).")
    Path weights;

    @Option(names = "--random-weights", description = "GoogLeNet's layers up to inception_4c with random weights: no download needed, same work per step (also used, with a note, when no weights are installed).")
    boolean randomWeights;

    static final class BackendNames extends ArrayList<String> {
        BackendNames() { super(Backends.NAMES); }
    }

    @Override
    public Integer call() {
        if (steps < 1) throw new UserException("--steps must be at least 1, got " + steps);
        if (warmup < 0) throw new UserException("--warmup cannot be negative, got " + warmup);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) throw new UserException("--threads must be at least 1, got " + n);
        List<int[]> parsed = new ArrayList<>();
        for (String s : sizes) parsed.add(parseSize(s));
        NetDef def = loadModel();
        PrintStream out = System.out;
        String key = backend.toLowerCase(java.util.Locale.ROOT);
        if (key.equals("opencl") || key.startsWith("opencl:")) tuneOpenCl(key, def, out);
        Backend b;
        try {
            b = Backends.create(backend, n);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
        try (b; Net net = Net.build(def, b)) {
            if (!net.hasBlob(layer)) {
                try {
                    net.requireBlob(layer);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage(), e);
                }
            }
            if (verbose.verbose) out.println("model: " + def.name() + "; backend: " + b.describe());
            for (int[] wh : parsed) {
                StepBenchmark.Result r;
                try {
                    r = StepBenchmark.run(net, layer, wh[0], wh[1], warmup, steps, profile);
                } catch (IllegalArgumentException e) {
                    throw new UserException("size " + wh[0] + "x" + wh[1] + ": " + e.getMessage(), e);
                }
                out.println(r.summary() + " threads=" + n);
                if (profile) out.print(r.profileTable());
                out.flush();
            }
        }
        return 0;
    }

    /**
     * The first opencl bench on a device (or --retune) measures the GEMM tilings on this net at
     * 224x224 and caches the winner, which every later opencl run on the device uses.
     */
    private void tuneOpenCl(String key, NetDef def, PrintStream out) {
        try {
            deepdream.kernels.opencl.OpenClDevices.Device device = deepdream.kernels.opencl.OpenClSelection.device(key);
            deepdream.kernels.opencl.OpenClTuningCache cache = deepdream.kernels.opencl.OpenClTuningCache.system();
            if (!retune && cache.lookup(device).isPresent()) {
                out.println("opencl tuning: " + cache.lookup(device).get().describeTiles() + " from " + cache.file() + " (--retune measures again)");
                return;
            }
            deepdream.kernels.opencl.OpenClAutotune.run(device, def, layer, 224, 224, 2, 3, cache, out);
        } catch (IllegalArgumentException | deepdream.kernels.opencl.OpenClUnavailableException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    private NetDef loadModel() {
        if (model != null) {
            // The zoo's nets (docs/models.md): the same loading as dream, so a step here is a step there.
            if (randomWeights) throw new UserException("--model and --random-weights exclude each other (--random-weights is the bundled GoogLeNet's)");
            ModelOptions m = new ModelOptions();
            m.model = model;
            m.weights = weights;
            return m.loadNet();
        }
        if (randomWeights) {
            if (weights != null) throw new UserException("--weights and --random-weights exclude each other");
            return SyntheticGoogLeNet.build(1);
        }
        ModelCatalog catalog = ModelCatalog.bundled();
        ModelLocator locator = ModelLocator.system();
        if (weights == null && noWeightsInstalled(locator, catalog.defaultModel())) {
            // A step costs the same with any weights: measure rather than refuse on a fresh checkout.
            System.err.println("deepdream: no GoogLeNet weights installed: benchmarking its layers up to " + SyntheticGoogLeNet.TARGET
                    + " with random weights (the same work per step; ./deepdream models fetch " + catalog.defaultModel().name() + " for the real ones)");
            return SyntheticGoogLeNet.build(1);
        }
        Path file = locator.findWeights(weights, catalog.defaultModel());
        return CaffeImporter.loadDefault(file);
    }

    /** Neither $DEEPDREAM_WEIGHTS nor the model cache has weights (a set but wrong variable is still an error). */
    private static boolean noWeightsInstalled(ModelLocator locator, ModelCatalog.Entry model) {
        String env = Boolean.getBoolean(ModelLocator.IGNORE_ENV_PROPERTY) ? null : System.getenv(ModelLocator.ENV_WEIGHTS);
        return (env == null || env.isBlank()) && !java.nio.file.Files.isRegularFile(locator.cachedWeights(model));
    }

    static int[] parseSize(String s) {
        String[] p = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
                if (w >= 1 && h >= 1 && (long) w * h <= 64L * 1024 * 1024) return new int[] {w, h};
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new UserException("--size expects WIDTHxHEIGHT such as 512x512 (positive, at most 64 megapixels), got '" + s + "'");
    }
}
