package deepdream.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import deepdream.cli.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code OUT/_batch.json}: written when the batch starts (status "running", with the batch seed, so
 * a rerun after a crash resumes with the same seed) and again at the end with every input's status,
 * seconds, seed and error message.
 */
final class BatchReport {
    static final String FILE = "_batch.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BatchReport() {}

    /** The seed of an earlier run of this batch into {@code out}, or null. */
    static Long previousSeed(Path out) {
        Path f = out.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode seed = JSON.readTree(f.toFile()).get("seed");
            return seed != null && seed.canConvertToLong() ? seed.asLong() : null;
        } catch (IOException e) {
            return null;   // a damaged report: start with a new seed
        }
    }

    static void started(Path out, Map<String, Object> header) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "running");
        m.putAll(header);
        write(out, m);
    }

    static void finished(Path out, Map<String, Object> header, List<FileResult> results, double seconds, double imagesPerMinute) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "finished");
        m.putAll(header);
        m.put("finished", Instant.now().toString());
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        m.put("images_per_minute", Math.round(imagesPerMinute * 10) / 10.0);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String s : List.of(FileResult.DONE, FileResult.SKIPPED, FileResult.FAILED))
            counts.put(s, results.stream().filter(r -> r.status().equals(s)).count());
        m.put("counts", counts);
        Map<String, Integer> nets = new TreeMap<>();   // executor JVM -> nets it built: one per task slot, not per image
        for (FileResult r : results) nets.merge(r.executor(), r.netsInJvm(), Math::max);
        m.put("nets_per_executor", nets);
        List<Map<String, Object>> files = new ArrayList<>();
        for (FileResult r : results) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("input", r.relative());
            f.put("output", r.output());
            f.put("status", r.status());
            f.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
            f.put("seed", r.seed());
            if (r.width() > 0) f.put("size", r.width() + "x" + r.height());
            if (r.error() != null) f.put("error", r.error());
            f.put("executor", r.executor());
            files.add(f);
        }
        m.put("files", files);
        write(out, m);
    }

    private static void write(Path out, Map<String, Object> m) {
        AtomicFiles.write(out.resolve(FILE), os -> {
            os.write(JSON.writeValueAsBytes(m));
            os.write('\n');
        });
    }
}
