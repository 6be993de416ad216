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
import java.nio.file.StandardOpenOption;
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
                out.println("  source:  " + e.url() + (e.checksum().isEmpty() ? " (no published checksum)" : " (" + e.checksumAlgorithm() + " " + e.checksum() + ")"));
                out.println("  license: " + e.license());
                out.println("  format:  " + e.format() + ", dream layer " + e.dreamLayer() + ", input " + e.preprocessing().channelOrder()
                        + " (pixel*" + fmt(e.preprocessing().scale()) + " - " + floats(e.preprocessing().mean()) + ") / " + floats(e.preprocessing().std())
                        + "   (--model " + e.name() + ")");
            }
            out.println("cache: " + locator.cacheDir());
            out.flush();
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download a model's weights (checked against their sha256 or sha1; an interrupted download resumes) and labels into the cache.")
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
                String sha = download(URI.create(e.url()), weights, e.checksumAlgorithm(), e.checksum(), e.size(), out);
                out.println("weights: " + weights + (e.checksum().isEmpty() ? " (the source publishes no checksum; sha256 of this download: " + sha + ")"
                        : " (" + e.checksumAlgorithm() + " " + e.checksum() + " verified)"));
            }
            Path labels = locator.cachedLabels(e);
            if (e.labelsUrl() != null && (!Files.isRegularFile(labels) || force)) {
                download(URI.create(e.labelsUrl()), labels, "", "", -1, out);
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
     * Downloads url into target with a progress bar, resuming a partial download: the bytes arrive
     * in {@code .NAME.part} beside the target, which survives an interrupted run (Ctrl-C, a dropped
     * connection), so the next run asks the server only for the rest (HTTP Range). The whole file is
     * checked against the checksum (algorithm "sha256" or "sha1"; none when "") and only then moved
     * into place atomically, so the cache never holds half a file or a damaged one.
     */
    static String download(URI url, Path target, String algorithm, String checksum, long expectedSize, PrintWriter out) {
        Path part = partFile(target);
        try {
            Files.createDirectories(part.getParent());
            MessageDigest md = MessageDigest.getInstance(algorithm.isEmpty() ? "SHA-256" : algorithm.equals("sha1") ? "SHA-1" : "SHA-256");
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build();
            HttpRequest.Builder req = HttpRequest.newBuilder(url).GET();
            if (have > 0) req.header("Range", "bytes=" + have + "-");
            HttpResponse<InputStream> r = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            boolean resumed = r.statusCode() == 206 && r.headers().firstValue("content-range").orElse("").startsWith("bytes " + have + "-");
            if (r.statusCode() == 416 && have > 0) {             // the part is already whole (or stale): start afresh once
                r.body().close();
                Files.delete(part);
                return download(url, target, algorithm, checksum, expectedSize, out);
            }
            if (r.statusCode() != 200 && !resumed) {
                r.body().close();
                throw new UserException("download of " + url + " failed: HTTP " + r.statusCode());
            }
            if (resumed) {
                out.println("resuming " + target.getFileName() + " after " + mb(have) + " downloaded earlier");
                out.flush();
                try (InputStream in = Files.newInputStream(part)) { digest(in, md, null); }
            } else {
                have = 0;                                         // a server that ignores Range sends it all again
            }
            long length = r.headers().firstValueAsLong("content-length").orElse(expectedSize < 0 ? -1 : expectedSize - have);
            ProgressBarBuilder bar = new ProgressBarBuilder().setTaskName(target.getFileName().toString()).setInitialMax(length < 0 ? -1 : have + length)
                    .setUnit(" MB", 1 << 20).setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(250)
                    .startsFrom(have, Duration.ZERO).setConsumer(new ConsoleProgressBarConsumer(System.err));
            try (InputStream in = ProgressBar.wrap(r.body(), bar);
                 OutputStream o = resumed ? Files.newOutputStream(part, StandardOpenOption.APPEND) : Files.newOutputStream(part)) {
                digest(in, md, o);
            } catch (IOException e) {
                long kept = Files.isRegularFile(part) ? Files.size(part) : 0;
                throw new UserException("download of " + url + " was interrupted: " + Errors.message(e) + ". The " + mb(kept)
                        + " received so far are kept in " + part + "; run the same command again to resume", e);
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!algorithm.isEmpty() && !got.equalsIgnoreCase(checksum)) {
                Files.deleteIfExists(part);
                throw new UserException("the file downloaded from " + url + " has " + algorithm + " " + got + ", expected " + checksum
                        + ": the download was damaged or the file changed. Nothing was saved; try again.");
            }
            AtomicFiles.move(part, target);
            return got;
        } catch (IOException e) {
            throw new UserException("download of " + url + " failed: " + Errors.message(e)
                    + ". Check the network, or download the file yourself and use --weights FILE", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("download of " + url + " interrupted; run the same command again to resume", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the bytes of target collect until they are complete and verified. */
    static Path partFile(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + ".part");
    }

    private static void digest(InputStream in, MessageDigest md, OutputStream copy) throws IOException {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            if (copy != null) copy.write(buf, 0, n);
        }
    }

    private static String fmt(float v) { return v == Math.rint(v) ? String.valueOf((int) v) : Float.toString(v); }

    private static String floats(float[] v) {
        StringBuilder b = new StringBuilder();
        for (float f : v) b.append(b.length() == 0 ? "" : ",").append(fmt(f));
        return b.toString();
    }

    private static String mb(long bytes) { return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0); }
}
