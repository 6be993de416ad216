package deepdream.batch;

import deepdream.cli.BackendOptions;
import deepdream.cli.DreamOptions;
import deepdream.cli.MaxPixelsOption;
import deepdream.cli.ModelOptions;
import deepdream.cli.UserException;
import deepdream.cli.VerboseOption;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.NetDef;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code deepdream batch IN -o OUT [dream options] [--master URL]}: every image of a folder or list, on Apache Spark. */
@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Dream every image of a folder (recursive) or of a text file of paths/URIs, on Apache Spark:",
                "local mode on this machine by default, a cluster with --master spark://HOST:7077 (or spark-submit).",
                "OUT mirrors the input's relative paths as .png files that record every parameter. Each file's seed comes",
                "from --seed and its relative path (listed in OUT/_batch.json), so 'deepdream dream FILE --seed S' repeats it.",
                "A rerun skips finished outputs; a bad file is reported in OUT/_batch.json and never stops the batch."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every input dreamed (or already done)", "1:the batch could not run (bad option, no inputs, the Spark job failed)",
                "2:bad usage", "3:the batch ran, but some inputs failed (see OUT/_batch.json)"})
public final class BatchCommand implements Callable<Integer> {
    public static final int ALL_DONE = 0, SOME_FAILED = 3;

    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "A folder, a text file of paths or URIs (file:, hdfs:, s3a: ...), or one image.")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output folder, created if needed. On a cluster: a path every executor can write (a shared mount).")
    Path output;

    // The same mixins as 'deepdream dream' (field names as DreamSettings.MIXINS lists them).
    @Mixin DreamOptions dream;
    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;
    @Mixin MaxPixelsOption imageLimit;

    @Option(names = "--master", paramLabel = "URL",
            description = {"Spark master: local[N] (retried as local[N,3]), spark://HOST:PORT, yarn, k8s://... (default: spark-submit's, else "
                    + SparkSetup.DEFAULT_MASTER + ")."})
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark partitions (default: one per file, so progress, retries and load balance go file by file).")
    Integer partitions;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable), e.g. --conf spark.executor.memory=3g.")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Option(names = "--ui", description = "Start the Spark web UI (off by default; local mode binds it to 127.0.0.1).")
    boolean ui;

    static final int MAX_DEFAULT_PARTITIONS = 10_000;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        PrintStream err = System.err;
        PrintWriter out = spec.commandLine().getOut();
        if (partitions != null && partitions < 1) throw new UserException("--partitions must be at least 1, got " + partitions);
        if (InputListing.isUri(output.toString()) && !output.toString().startsWith("file:"))
            throw new UserException("-o " + output + ": the output must be a folder path every executor can write (a local disk in local mode, "
                    + "a shared mount on a cluster); Hadoop file system outputs are not supported");
        dream.validate();
        DreamParams checked = dream.params(0, imageLimit.maxPixels);   // bad options and the guide fail here, before Spark starts
        checkLayers(checked);
        Path outRoot = output.toAbsolutePath().normalize();
        List<String> words = executorWords();

        Long previous = BatchReport.previousSeed(outRoot);
        long seed = dream.seed != null ? dream.seed : previous != null ? previous : dream.seedOrRandom();
        if (dream.seed == null) err.println(previous != null ? "batch: resuming with seed " + seed + " from " + outRoot.resolve(BatchReport.FILE)
                : "batch: seed " + seed + " (pass --seed " + seed + " to repeat this batch)");

        SparkConf conf = SparkSetup.conf(master, sparkConf, ui, SparkSetup.appJar());
        String usedMaster = conf.get("spark.master");
        List<BatchItem> items;
        int threadsPerTask = conf.getInt("spark.task.cpus", 1);
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            if (verbose.verbose) jsc.setLogLevel("INFO");
            items = InputListing.list(input, outRoot, jsc.hadoopConfiguration());
            if (!SparkSetup.isLocal(usedMaster)) shipModelFiles(jsc, words);
            int n = partitions != null ? partitions : Math.min(items.size(), MAX_DEFAULT_PARTITIONS);
            Map<String, Object> header = header(usedMaster, seed, items.size());
            BatchReport.started(outRoot, header);
            removeStaleTemporaries(outRoot);
            err.println("batch: " + items.size() + " files on " + usedMaster + " in " + n + " partition" + (n > 1 ? "s" : "")
                    + (ui && jsc.sc().uiWebUrl().isDefined() ? ", Spark UI at " + jsc.sc().uiWebUrl().get() : ""));
            BatchJob job = new BatchJob(words, seed, outRoot.toString(), threadsPerTask);
            LongAccumulator finished = jsc.sc().longAccumulator("files finished"), dreamed = jsc.sc().longAccumulator("files dreamed"),
                    failed = jsc.sc().longAccumulator("files failed");
            List<FileResult> results;
            long jobStart = System.nanoTime();
            try (BatchProgress progress = new BatchProgress(err, items.size(), finished::value, dreamed::value, failed::value)) {
                results = jsc.parallelize(items, n).mapPartitions(new DreamPartition(job, finished, dreamed, failed)).collect();
            } catch (Exception e) {   // Spark's SparkException is checked in Java, thrown unchecked from Scala
                if (e instanceof RuntimeException r && !(e.getCause() instanceof SparkException)) throw r;
                throw new UserException("the Spark job failed (finished outputs are kept; run the same command again to resume): "
                        + firstLine(e.getMessage()), e);
            }
            double jobSeconds = (System.nanoTime() - jobStart) / 1e9;
            removeStaleTemporaries(outRoot);   // attempts killed mid-write (lost executors, speculation) leave theirs
            long done = results.stream().filter(r -> r.status().equals(FileResult.DONE)).count();
            long skipped = results.stream().filter(r -> r.status().equals(FileResult.SKIPPED)).count();
            List<FileResult> failures = results.stream().filter(FileResult::failed).toList();
            double perMinute = jobSeconds > 0 ? done * 60 / jobSeconds : 0;
            BatchReport.finished(outRoot, header, results, (System.nanoTime() - t0) / 1e9, perMinute);
            for (FileResult f : failures) err.println("batch: failed: " + f.relative() + ": " + f.error());
            err.flush();
            out.println(String.format(Locale.ROOT, "batch: %d files in %s: %d dreamed, %d already done, %d failed (%.1f images/min); report %s",
                    results.size(), BatchProgress.duration((System.nanoTime() - t0) / 1e9), done, skipped, failures.size(), perMinute,
                    outRoot.resolve(BatchReport.FILE)));
            out.flush();
            return failures.isEmpty() ? ALL_DONE : SOME_FAILED;
        }
    }

    /**
     * The dream options as words for the executors, with every file option made absolute (an executor's
     * working folder is not the driver's) and the weights named explicitly (executors do not see the
     * driver's DEEPDREAM_WEIGHTS).
     */
    private List<String> executorWords() {
        List<String> words = new java.util.ArrayList<>(DreamSettings.wordsOf(spec, spec.commandLine().getParseResult()));
        for (int i = 0; i + 1 < words.size(); i++)
            if (DreamPartition.FILE_OPTIONS.contains(words.get(i))) words.set(i + 1, Path.of(words.get(i + 1)).toAbsolutePath().toString());
        if (!words.contains("--weights")) {
            words.add("--weights");
            words.add(model.weightsPath().toAbsolutePath().toString());
        }
        return words;
    }

    /** A cluster's executors may not see the driver's files: ship them (SparkFiles), used where the path is missing. */
    private static void shipModelFiles(JavaSparkContext jsc, List<String> words) {
        for (int i = 0; i + 1 < words.size(); i++) if (DreamPartition.FILE_OPTIONS.contains(words.get(i))) jsc.addFile(words.get(i + 1));
    }

    /** A --layer naming no blob of the model fails now, not once per file. */
    private void checkLayers(DreamParams p) {
        NetDef def = model.loadArchitecture();
        Set<String> blobs = new HashSet<>();
        blobs.add(def.inputBlob());
        for (LayerDef l : def.layers()) blobs.add(l.top());
        for (DreamParams.Layer l : p.layers())
            if (!blobs.contains(l.blob())) throw new UserException("--layer " + l.blob() + ": the model has no such blob; 'deepdream layers' lists them");
    }

    private Map<String, Object> header(String usedMaster, long seed, int files) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("input", input);
        h.put("output", output.toAbsolutePath().normalize().toString());
        h.put("master", usedMaster);
        h.put("seed", seed);
        h.put("files_total", files);
        h.put("started", Instant.now().toString());
        h.put("exit_codes", Map.of("0", "every input dreamed or already done", "3", "some inputs failed"));
        return h;
    }

    /** AtomicFiles' temporaries (.NAME.png.123.tmp, ._batch.json.123.tmp) of attempts that died mid-write. */
    static void removeStaleTemporaries(Path outRoot) {
        if (!Files.isDirectory(outRoot)) return;
        try (Stream<Path> files = Files.walk(outRoot)) {
            for (Path f : (Iterable<Path>) files::iterator)
                if (f.getFileName().toString().matches("\\..+\\.(png|json)\\.\\d+\\.tmp")) Files.deleteIfExists(f);
        } catch (IOException e) {
            System.err.println("batch: could not remove temporary files in " + outRoot + ": " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
