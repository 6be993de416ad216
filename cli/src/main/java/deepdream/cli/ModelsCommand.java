package deepdream.cli;

import deepdream.cli.io.AtomicFiles;
import deepdream.engine.model.NetDef;
import deepdream.importers.ModelCatalog;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.onnx.OnnxExporter;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.ModelLocator;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** {@code deepdream models list|fetch NAME}: the known models, and downloading their weights into the cache. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Known models and their weights: 'models list', 'models fetch bvlc_googlenet', 'models convert W.caffemodel -o W.onnx'.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Fetch.class, ModelsCommand.Convert.class})
public final class ModelsCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { new ListModels().print(spec.commandLine().getOut()); }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the known models and whether their weights and labels are present.")
    static final class ListModels implements Runnable {
        @Mixin VerboseOption verbose;
        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() { print(spec.commandLine().getOut()); }

        void print(PrintWriter out) {
            ModelCatalog catalog = ModelOptions.catalog();
            ModelLocator locator = ModelLocator.system();
            String env = System.getenv(ModelLocator.ENV_WEIGHTS);
            for (ModelCatalog.Entry e : catalog.entries()) {
                boolean isDefault = e == catalog.defaultModel();
                out.println(e.name() + (isDefault ? " (default)" : "") + ": " + e.title());
                Path cached = locator.cachedWeights(e);
                out.println("  weights: " + (Files.isRegularFile(cached) ? "present, " + cached
                        : "not downloaded (./deepdream models fetch " + e.name() + ")"));
                if (isDefault && env != null && !env.isBlank() && !Boolean.getBoolean(ModelLocator.IGNORE_ENV_PROPERTY))
                    out.println("  $" + ModelLocator.ENV_WEIGHTS + ": " + env + (Files.isRegularFile(Path.of(env)) ? " (used)" : " (missing!)"));
                Path labels = locator.cachedLabels(e);
                out.println("  labels:  " + (Files.isRegularFile(labels) ? "present, " + labels : "not downloaded"));
                out.println("  source:  " + e.url() + (e.sha1().isEmpty() ? "" : " (sha1 " + e.sha1() + ")"));
                out.println("  license: " + e.license());
            }
            out.println("cache: " + locator.cacheDir());
            out.flush();
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download a model's weights (checked against their sha1) and labels into the cache.")
    static final class Fetch implements Runnable {
        @Mixin VerboseOption verbose;
        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", defaultValue = "bvlc_googlenet", description = "Model name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--force", description = "Download again even if the weights are already in the cache.")
        boolean force;

        @Override
        public void run() {
            ModelCatalog.Entry e = ModelOptions.wrap(() -> ModelOptions.catalog().require(name));
            ModelLocator locator = ModelLocator.system();
            PrintWriter out = spec.commandLine().getOut();
            Path weights = locator.cachedWeights(e);
            if (Files.isRegularFile(weights) && !force) {
                out.println("weights already in the cache: " + weights + " (--force downloads them again)");
            } else {
                download(URI.create(e.url()), weights, e.sha1(), e.size());
                out.println("weights: " + weights + (e.sha1().isEmpty() ? "" : " (sha1 " + e.sha1() + " verified)"));
            }
            Path labels = locator.cachedLabels(e);
            if (e.labelsUrl() != null && (!Files.isRegularFile(labels) || force)) {
                download(URI.create(e.labelsUrl()), labels, "", -1);
                out.println("labels:  " + labels);
            }
            out.flush();
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert a Caffe model to ONNX (opset 13): weights, blob names and preprocessing kept, so dreaming with "
                    + "--model OUTPUT.onnx gives the same pixels.")
    static final class Convert implements Runnable {
        @Mixin VerboseOption verbose;
        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "CAFFEMODEL", description = "Caffe weights, e.g. bvlc_googlenet.caffemodel.")
        Path input;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT.onnx", description = "The ONNX file to write.")
        Path output;

        @Option(names = "--prototxt", paramLabel = "DEPLOY.prototxt",
                description = "The architecture (default: the bundled prototxt of the known model whose weights file has INPUT's name).")
        Path prototxt;

        @Override
        public void run() {
            String inName = input.getFileName() == null ? "" : input.getFileName().toString();
            if (!inName.toLowerCase(java.util.Locale.ROOT).endsWith(".caffemodel"))
                throw new UserException("models convert reads Caffe weights (a .caffemodel), got " + input
                        + "; the architecture goes with --prototxt");
            String outName = output.getFileName() == null ? "" : output.getFileName().toString();
            if (!outName.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx"))
                throw new UserException("the output " + output + " must end in .onnx (deepdream recognises ONNX models by that name)");
            if (!Files.isRegularFile(input)) throw new UserException("Caffe weights " + input + " do not exist");
            NetDef def = ModelOptions.wrap(() -> prototxt != null ? CaffeImporter.load(prototxt, input) : loadKnown(inName));
            ModelProto m = ModelOptions.wrap(() -> {
                try {
                    return OnnxExporter.write(def, output);
                } catch (IOException e) {
                    throw new UserException("cannot write " + output + ": " + Errors.message(e), e);
                }
            });
            long size;
            try {
                size = Files.size(output);
            } catch (IOException e) {
                throw new UserException("cannot read back " + output + ": " + Errors.message(e), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            int nodes = m.getGraph().getNodeCount();
            out.printf(java.util.Locale.ROOT, "%s: %.1f MB (%d bytes), %d node%s, opset %d%n", output, size / 1e6, size,
                    nodes, nodes == 1 ? "" : "s", OnnxExporter.OPSET);
            out.flush();
        }

        /** INPUT with the bundled architecture of the catalog model whose weights file has its name, as --model resolution does. */
        private NetDef loadKnown(String weightsName) {
            ModelCatalog catalog = ModelOptions.catalog();
            for (ModelCatalog.Entry e : catalog.entries()) {
                if (!e.fileName().equals(weightsName)) continue;
                if (e == catalog.defaultModel()) return CaffeImporter.loadDefault(input);
                try (InputStream in = Files.newInputStream(input)) {
                    return CaffeImporter.load(e.prototxt(), in);
                } catch (IOException x) {
                    throw new UserException("cannot read " + input + ": " + Errors.message(x), x);
                }
            }
            throw new UserException(input + " is not the weights file of a known model (known: "
                    + String.join(", ", catalog.entries().stream().map(ModelCatalog.Entry::fileName).toList())
                    + "); give its architecture with --prototxt DEPLOY.prototxt");
        }
    }

    /**
     * Streams url into target with a progress bar: into a temp file beside it, checked against sha1
     * (when given), then moved into place atomically, so the cache never holds half a file.
     */
    static void download(URI url, Path target, String sha1, long expectedSize) {
        Path tmp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build();
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new UserException("download of " + url + " failed: HTTP " + r.statusCode());
            }
            long length = r.headers().firstValueAsLong("content-length").orElse(expectedSize);
            tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".part");
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            ProgressBarBuilder bar = new ProgressBarBuilder().setTaskName(target.getFileName().toString()).setInitialMax(length)
                    .setUnit(" MB", 1 << 20).setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err));
            try (InputStream in = ProgressBar.wrap(r.body(), bar); OutputStream o = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    o.write(buf, 0, n);
                }
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!sha1.isEmpty() && !got.equalsIgnoreCase(sha1))
                throw new UserException("the file downloaded from " + url + " has sha1 " + got + ", expected " + sha1
                        + ": the download was damaged or the file changed. Nothing was saved; try again.");
            AtomicFiles.move(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new UserException("download of " + url + " failed: " + Errors.message(e)
                    + ". Check the network, or download the file yourself and use --weights FILE", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("download of " + url + " interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort */ }
        }
    }
}
