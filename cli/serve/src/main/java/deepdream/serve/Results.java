package deepdream.serve;

import deepdream.cli.UserException;
import deepdream.cli.io.ImageWriter;
import deepdream.engine.image.PlanarImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The results directory ({@code --results}): one PNG per finished dream, named by its job id and
 * carrying every parameter, so the gallery is rebuilt from the files alone after a restart.
 */
final class Results {
    /** Job ids are 16 hex digits we drew; nothing else a client sends ever becomes a file name. */
    static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    /** Newest results listed by GET /api/results. */
    static final int LISTED = 60;

    final Path dir;

    Results(Path dir) {
        this.dir = dir.toAbsolutePath();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UserException("cannot create the results directory " + dir + ": " + e.getMessage(), e);
        }
    }

    void write(String id, PlanarImage image, Map<String, String> metadata) {
        ImageWriter.write(file(id), image, metadata);
    }

    Optional<Path> find(String id) {
        if (!ID.matcher(id).matches()) return Optional.empty();
        Path f = file(id);
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    private Path file(String id) {
        if (!ID.matcher(id).matches()) throw new IllegalArgumentException("not a job id: " + id);
        return dir.resolve(id + ".png");
    }

    /** The newest results first: id, URL, time and the parameters recorded in each file. */
    List<Map<String, Object>> list() {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".png") && ID.matcher(n.substring(0, n.length() - 4)).matches();
            }).sorted(Comparator.comparing(Results::modified).reversed()).limit(LISTED).toList();
        } catch (IOException e) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString(), id = name.substring(0, name.length() - 4);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("url", "/api/jobs/" + id + "/result");
            m.put("created", modified(f).toString());
            try {
                Map<String, String> text = ImageWriter.readText(f);
                Map<String, String> params = new LinkedHashMap<>();
                text.forEach((k, v) -> { if (k.startsWith("deepdream.") && !k.equals("deepdream.command")) params.put(k.substring(10), v); });
                m.put("params", params);
            } catch (RuntimeException e) {
                continue;   // a file being replaced or damaged: left out of the listing, not fatal
            }
            out.add(m);
        }
        return out;
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
