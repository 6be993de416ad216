package deepdream.importers.caffe;

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

/** The models deepdream knows: the bundled manifest weights/models.properties. */
public final class ModelCatalog {
    public static final String RESOURCE = "/deepdream/weights/models.properties";

    /** One known model: where its weights come from and how to check and use them. */
    public record Entry(String name, String title, String prototxtResource, String fileName, String url, String sha1,
                        long size, String license, float[] meanBgr, String labelsFile, String labelsUrl) {
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

    static ModelCatalog parse(Properties p) {
        TreeSet<String> names = new TreeSet<>();
        for (String k : p.stringPropertyNames()) if (k.endsWith(".url")) names.add(k.substring(0, k.length() - 4));
        Map<String, Entry> m = new LinkedHashMap<>();
        for (String n : names) {
            String[] mean = p.getProperty(n + ".mean_bgr", "104,117,123").split(",");
            float[] meanBgr = new float[3];
            for (int i = 0; i < 3; i++) meanBgr[i] = Float.parseFloat(mean[i].trim());
            m.put(n, new Entry(n, p.getProperty(n + ".title", n), p.getProperty(n + ".prototxt", n + ".prototxt"),
                    p.getProperty(n + ".file", n + ".caffemodel"), p.getProperty(n + ".url"), p.getProperty(n + ".sha1", ""),
                    Long.parseLong(p.getProperty(n + ".size", "-1")), p.getProperty(n + ".license", "see the model's source"),
                    meanBgr, p.getProperty(n + ".labels_file", "synset_words.txt"), p.getProperty(n + ".labels_url")));
        }
        return new ModelCatalog(m, p.getProperty("default", names.isEmpty() ? null : names.first()));
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
