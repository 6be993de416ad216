package deepdream.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import deepdream.cli.DreamOptions;
import deepdream.cli.UserException;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.image.Clouds;
import deepdream.engine.image.PlanarImage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code params} JSON of POST /api/jobs, checked and turned into the dream's parameters through
 * the command line's own {@link DreamOptions}, so the page and {@code deepdream dream} accept the same
 * values with the same messages. Every mistake is a 400 naming the parameter.
 */
final class DreamRequest {
    static final int MAX_OCTAVES = 8, MAX_ITERATIONS = 100, MAX_CLOUDS_SIDE = 1600;
    static final int DEFAULT_CLOUDS_WIDTH = 640, DEFAULT_CLOUDS_HEIGHT = 480;
    static final Set<String> KNOWN = Set.of("layer", "layers", "octaves", "octaveScale", "iterations", "step", "jitter",
            "channel", "seed", "maxSize", "cloudsWidth", "cloudsHeight");

    final DreamOptions options = new DreamOptions();
    int cloudsWidth = DEFAULT_CLOUDS_WIDTH, cloudsHeight = DEFAULT_CLOUDS_HEIGHT;

    /** Parses and range-checks the JSON; {@code maxSide} caps maxSize (and is its default). */
    static DreamRequest parse(ObjectMapper json, String text, int maxSide) {
        JsonNode root;
        try {
            root = text == null || text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (Exception e) {
            throw new HttpError(400, "params is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!root.isObject()) throw new HttpError(400, "params must be a JSON object such as {\"iterations\": 10}");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN.contains(f)) throw new HttpError(400, "unknown parameter '" + f + "'; known: " + String.join(", ", new java.util.TreeSet<>(KNOWN)));
        }
        DreamRequest r = new DreamRequest();
        DreamOptions o = r.options;
        if (root.has("layer")) o.layers.add(text(root, "layer"));
        if (root.has("layers")) {
            JsonNode a = root.get("layers");
            if (!a.isArray()) throw new HttpError(400, "parameter 'layers' must be a list such as [\"inception_4c/output\", \"inception_3b/output:0.5\"]");
            for (JsonNode n : a) {
                if (!n.isTextual()) throw new HttpError(400, "parameter 'layers' must hold strings, got " + n);
                o.layers.add(n.asText());
            }
        }
        o.octaves = integer(root, "octaves", o.octaves, 1, MAX_OCTAVES);
        o.iterations = integer(root, "iterations", o.iterations, 1, MAX_ITERATIONS);
        o.jitter = integer(root, "jitter", o.jitter, 0, 1000);
        o.octaveScale = number(root, "octaveScale", o.octaveScale);
        o.step = number(root, "step", o.step);
        if (present(root, "channel")) o.channel = integer(root, "channel", 0, 0, Integer.MAX_VALUE);
        if (present(root, "seed")) o.seed = (long) integer(root, "seed", 0, 0, Integer.MAX_VALUE);
        o.maxSize = integer(root, "maxSize", maxSide, 1, maxSide);
        r.cloudsWidth = integer(root, "cloudsWidth", DEFAULT_CLOUDS_WIDTH, 16, MAX_CLOUDS_SIDE);
        r.cloudsHeight = integer(root, "cloudsHeight", DEFAULT_CLOUDS_HEIGHT, 16, MAX_CLOUDS_SIDE);
        return r;
    }

    /** The algorithm's parameters with this seed; the guide (already a decoded upload's temp file) under the pixel limit. */
    DreamParams params(long seed, Path guideFile, long maxPixels) {
        options.guide = guideFile;
        try {
            options.validate();
            return options.params(seed, maxPixels);
        } catch (UserException e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    PlanarImage clouds() { return Clouds.generate(cloudsHeight, cloudsWidth, 0); }

    /** Every parameter as PNG text entries, and the command line that repeats the dream. */
    Map<String, String> metadata(DreamParams p, String inputName, String guideName, String model, String backend) {
        Map<String, String> m = new LinkedHashMap<>();
        String version = DreamRequest.class.getPackage().getImplementationVersion();
        m.put("Software", "deepdream " + (version == null ? "dev" : version) + " (serve)");
        m.put("deepdream.input", inputName == null ? "generated clouds " + cloudsWidth + "x" + cloudsHeight : inputName);
        m.put("deepdream.model", model);
        options.guide = guideName == null ? null : Path.of(guideName);   // the name the user knows, not our temp file
        options.record(p, p.seed(), m);
        m.put("deepdream.backend", backend);
        StringBuilder c = new StringBuilder("deepdream dream");
        if (inputName != null) c.append(' ').append(DreamOptions.quote(inputName));
        c.append(" -o dream.png");
        options.appendTo(c, p);
        if (inputName == null) c.append(" --size ").append(cloudsWidth).append('x').append(cloudsHeight);
        c.append(" --backend ").append(backend);
        m.put("deepdream.command", c.toString());
        return m;
    }

    List<String> blobs() {
        List<String> b = new ArrayList<>();
        for (String l : options.layers) b.add(DreamOptions.parseLayer(l).blob());
        if (b.isEmpty()) b.add(DreamParams.DEFAULT_LAYER);
        return b;
    }

    private static boolean present(JsonNode root, String f) { return root.has(f) && !root.get(f).isNull(); }

    private static String text(JsonNode root, String f) {
        JsonNode n = root.get(f);
        if (!n.isTextual()) throw new HttpError(400, "parameter '" + f + "' must be a string, got " + n);
        return n.asText();
    }

    private static int integer(JsonNode root, String f, int dflt, int min, int max) {
        if (!present(root, f)) return dflt;
        JsonNode n = root.get(f);
        if (!n.canConvertToInt() || !(n.isIntegralNumber() || n.isDouble() && n.asDouble() == Math.rint(n.asDouble())))
            throw new HttpError(400, "parameter '" + f + "' must be a whole number, got " + n);
        int v = n.asInt();
        if (v < min || v > max) throw new HttpError(400, "parameter '" + f + "' must be between " + min + " and " + max + ", got " + v);
        return v;
    }

    private static double number(JsonNode root, String f, double dflt) {
        if (!present(root, f)) return dflt;
        JsonNode n = root.get(f);
        if (!n.isNumber()) throw new HttpError(400, "parameter '" + f + "' must be a number, got " + n);
        return n.asDouble();
    }
}
