package deepdream.batch;

import deepdream.cli.DreamOptions;
import deepdream.cli.UserException;
import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.image.PlanarImage;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The work of one partition of a batch, as a plain function with no Spark in it: dreams each input
 * and writes {@code OUT/relative.png} (temp file, then rename: a task that runs twice under retries or
 * speculation writes the same bytes), skips inputs whose finished output has the same parameters
 * (resume), and turns a bad input into a {@link FileResult#FAILED} result instead of an exception.
 * Each file's seed comes from the batch seed and its relative path ({@link FileSeeds}), so the PNG's
 * recorded {@code deepdream dream ... --seed S} command repeats it exactly.
 */
public final class BatchDreamer {
    private final BatchJob job;
    private final InputFetcher fetcher;

    public BatchDreamer(BatchJob job, InputFetcher fetcher) {
        this.job = job;
        this.fetcher = fetcher;
    }

    /** Dreams every item in order; {@code afterEach} sees each result as soon as it is known (progress). */
    public List<FileResult> dream(Iterator<BatchItem> items, Consumer<FileResult> afterEach) {
        DreamSettings s = DreamSettings.parse(job.dreamArgs());
        int threads = s.backend.threads != null ? s.backend.threads : job.threadsPerTask();
        DreamParams params = s.dream.params(0, s.imageLimit.maxPixels);   // the guide is read once per partition
        List<FileResult> results = new ArrayList<>();
        NetCache.Lease lease = null;
        try {
            while (items.hasNext()) {
                BatchItem item = items.next();
                long t0 = System.nanoTime();
                long seed = FileSeeds.seed(job.batchSeed(), item.relative());
                Path out = Path.of(job.outputRoot()).resolve(item.output());
                Map<String, String> meta = metadata(s, params.withSeed(seed), item, out);
                FileResult r;
                if (finished(out, meta)) {
                    r = result(s, threads, item, FileResult.SKIPPED, t0, seed, null, 0, 0);
                } else {
                    try {
                        if (lease == null) lease = NetCache.borrow(s, threads);   // not before a file needs it: a resumed batch loads nothing
                        PlanarImage dreamt = dreamOne(s, lease, params.withSeed(seed), item);
                        ImageWriter.write(out, dreamt, meta);
                        r = result(s, threads, item, FileResult.DONE, t0, seed, null, dreamt.width(), dreamt.height());
                    } catch (UserException | IllegalArgumentException | IOException e) {
                        r = result(s, threads, item, FileResult.FAILED, t0, seed, e.getMessage(), 0, 0);
                    } catch (OutOfMemoryError e) {
                        r = result(s, threads, item, FileResult.FAILED, t0, seed, "out of memory: use --max-size, --tile, or give the executors more memory", 0, 0);
                    }
                }
                results.add(r);
                afterEach.accept(r);
            }
        } finally {
            if (lease != null) lease.close();
        }
        return results;
    }

    private PlanarImage dreamOne(DreamSettings s, NetCache.Lease lease, DreamParams p, BatchItem item) throws IOException {
        InputFetcher.Local local = fetcher.fetch(item.source());
        try {
            PlanarImage img = s.dream.fitToMaxSize(ImageFiles.read(local.path(), s.imageLimit.maxPixels), null);
            // As 'deepdream dream' does: the model's octave floor, and --channels strong:N|weak:N ranked on this photo.
            DreamParams q = lease.dreamer.resolveChannels(img, s.dream.forModel(p, lease.def));
            return lease.dreamer.dream(img, q, DreamListener.NONE);
        } catch (UserException e) {
            // A fetched copy has a temporary name: say which input it was.
            throw local.temporary() ? new UserException(e.getMessage().replace(local.path().toString(), item.source()), e) : e;
        } finally {
            if (local.temporary()) Files.deleteIfExists(local.path());
        }
    }

    /** An output counts as finished when it is there with the parameters this batch would record. */
    static boolean finished(Path out, Map<String, String> meta) {
        if (!Files.isRegularFile(out)) return false;
        try {
            Map<String, String> old = ImageWriter.readText(out);
            return meta.entrySet().stream().filter(e -> !REPRODUCTION_ONLY.contains(e.getKey()))
                    .allMatch(e -> Objects.equals(old.get(e.getKey()), e.getValue()));
        } catch (UserException e) {
            return false;   // unreadable: dream it again
        }
    }

    /** Entries that can differ between runs of the same dream (version, how the paths were spelt). */
    private static final List<String> REPRODUCTION_ONLY = List.of("Software", "deepdream.command");

    /** The PNG text of one output: the parameters, and the single-image command that repeats it. */
    static Map<String, String> metadata(DreamSettings s, DreamParams p, BatchItem item, Path out) {
        Map<String, String> m = new LinkedHashMap<>();
        String version = BatchDreamer.class.getPackage().getImplementationVersion();
        m.put("Software", "deepdream " + (version == null ? "dev" : version));
        m.put("deepdream.input", item.relative());
        m.put("deepdream.model", s.model.model == null ? "bvlc_googlenet (bundled)" : s.model.model.toString());
        s.dream.record(p, p.seed(), m);
        m.put("deepdream.backend", s.backend.name());
        StringBuilder c = new StringBuilder("deepdream dream ").append(DreamOptions.quote(displayPath(item.source())))
                .append(" -o ").append(DreamOptions.quote(out.toString()));
        s.dream.appendTo(c, p);
        if (s.model.model != null) c.append(" --model ").append(DreamOptions.quote(s.model.model.toString()));
        c.append(" --backend ").append(s.backend.name());
        if (s.imageLimit.maxPixels != ImageFiles.DEFAULT_MAX_PIXELS) c.append(" --max-pixels ").append(s.imageLimit.maxPixels);
        m.put("deepdream.command", c.toString());
        return m;
    }

    /** A local path for file: URIs (what {@code deepdream dream} takes), the URI otherwise. */
    static String displayPath(String source) {
        URI uri = URI.create(source);
        return "file".equals(uri.getScheme()) ? Path.of(uri).toString() : source;
    }

    private static final String EXECUTOR = ManagementFactory.getRuntimeMXBean().getName();

    private static FileResult result(DreamSettings s, int threads, BatchItem item, String status, long t0, long seed, String error, int w, int h) {
        return new FileResult(item.relative(), item.output(), status, (System.nanoTime() - t0) / 1e9, seed, error, w, h, EXECUTOR, NetCache.built(s, threads));
    }
}
