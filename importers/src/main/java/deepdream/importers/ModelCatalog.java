package deepdream.importers;

import deepdream.engine.model.Preprocessing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The models deepdream knows, of any format: the bundled manifest weights/models.properties. Per
 * model: its format ({@code NAME.format}, default caffe, see {@link ModelImporters}), the bundled
 * architecture, where its weights come from, and its preprocessing: {@code NAME.channel_order}
 * (BGR), {@code NAME.mean} ({@code NAME.mean_bgr} for Caffe's BGR files), {@code NAME.std} (1),
 * {@code NAME.scale} (1), {@code NAME.input_size} (the prototxt's); its checksum {@code NAME.sha256}
 * (or {@code NAME.sha1}), and the blob a dream amplifies by default, {@code NAME.dream_layer}.
 */
public final class ModelCatalog {
    public static final String RESOURCE = "/deepdream/weights/models.properties";

    /** One known model: where its weights come from and how to check and use them. */
    public record Entry(String name, String format, String title, String prototxtResource, String fileName, String url, String sha1,
                        String sha256, long size, String license, Preprocessing preprocessing, String labelsFile, String labelsUrl,
                        String dreamLayer) {
        /** The checksum a download is verified against: "sha256", "sha1", or "" when the source publishes none. */
        public String checksumAlgorithm() { return !sha256.isEmpty() ? "sha256" : !sha1.isEmpty() ? "sha1" : ""; }

        /** The expected hex digest of {@link #checksumAlgorithm()}, "" when none. */
        public String checksum() { return !sha256.isEmpty() ? sha256 : sha1; }

        /** The BGR mean of a Caffe-style model (see {@link Preprocessing#isCaffeStyle}). */
        public float[] meanBgr() {
            if (!preprocessing.isCaffeStyle()) throw new UnsupportedOperationException("model " + name + " is not preprocessed Caffe's way: " + preprocessing);
            return preprocessing.mean();
        }

        /** The bundled architecture's text. */
        public String prototxt() {
            try (InputStream in = ModelCatalog.class.getResourceAsStream("/deepdream/weights/" + prototxtResource)) {
                if (in == null) throw new IllegalStateException("bundled prototxt " + prototxtResource + " missing from the jar");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read bundled prototxt " + prototxtResource + ": " + e.getMessage(), e);
            }
        }
    }

    private final Map<String, Entry> entries;
    private final String defaultName;

    public ModelCatalog(Map<String, Entry> entries, String defaultName) {
        this.entries = new LinkedHashMap<>(entries);
        this.defaultName = defaultName;
    }

    /** The catalog bundled with deepdream. */
    public static ModelCatalog bundled() {
        try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("model manifest " + RESOURCE + " missing from the jar");
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return parse(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read model manifest: " + e.getMessage(), e);
        }
    }

    /** A catalog from a models.properties file of the same format. */
    public static ModelCatalog read(java.nio.file.Path file) {
        try (var r = java.nio.file.Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return parse(p);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model catalog " + file + ": " + e.getMessage(), e);
        }
    }

    static ModelCatalog parse(Properties p) {
        TreeSet<String> names = new TreeSet<>();
        for (String k : p.stringPropertyNames()) if (k.endsWith(".url")) names.add(k.substring(0, k.length() - 4));
        Map<String, Entry> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, new Entry(n, p.getProperty(n + ".format", "caffe"), p.getProperty(n + ".title", n), p.getProperty(n + ".prototxt", n + ".prototxt"),
                    p.getProperty(n + ".file", n + ".caffemodel"), p.getProperty(n + ".url"), p.getProperty(n + ".sha1", "").trim(),
                    p.getProperty(n + ".sha256", "").trim(), Long.parseLong(p.getProperty(n + ".size", "-1").trim()),
                    p.getProperty(n + ".license", "see the model's source"), preprocessing(p, n),
                    p.getProperty(n + ".labels_file", "synset_words.txt"), p.getProperty(n + ".labels_url"),
                    p.getProperty(n + ".dream_layer", deepdream.engine.dream.DreamParams.DEFAULT_LAYER).trim()));
        }
        return new ModelCatalog(m, p.getProperty("default", names.isEmpty() ? null : names.first()));
    }

    private static Preprocessing preprocessing(Properties p, String n) {
        try {
            Preprocessing.ChannelOrder order = Preprocessing.ChannelOrder.valueOf(p.getProperty(n + ".channel_order", "BGR").trim().toUpperCase(java.util.Locale.ROOT));
            float[] mean = floats(p.getProperty(n + ".mean", p.getProperty(n + ".mean_bgr", "104,117,123")));
            float[] std = floats(p.getProperty(n + ".std", "1,1,1"));
            float scale = Float.parseFloat(p.getProperty(n + ".scale", "1").trim());
            String[] size = p.getProperty(n + ".input_size", "0x0").trim().split("x");
            return new Preprocessing(order, mean, std, scale, Integer.parseInt(size[0].trim()), Integer.parseInt(size[1].trim()));
        } catch (RuntimeException e) {
            throw new ModelFormatException("model catalog entry '" + n + "': bad preprocessing (" + e.getMessage()
                    + "); expected channel_order RGB|BGR, mean/std as 3 numbers a,b,c, scale a number, input_size HxW");
        }
    }

    private static float[] floats(String list) {
        String[] parts = list.split(",");
        float[] f = new float[parts.length];
        for (int i = 0; i < parts.length; i++) f[i] = Float.parseFloat(parts[i].trim());
        return f;
    }

    public List<Entry> entries() { return new ArrayList<>(entries.values()); }

    public Optional<Entry> find(String name) { return Optional.ofNullable(entries.get(name)); }

    public Entry defaultModel() { return entries.get(defaultName); }

    /** The entry or an error listing the known names. */
    public Entry require(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new ModelFormatException("unknown model '" + name + "'; known models: " + String.join(", ", entries.keySet()));
        return e;
    }

    @Override public String toString() { return "ModelCatalog" + Arrays.toString(entries.keySet().toArray()); }
}
