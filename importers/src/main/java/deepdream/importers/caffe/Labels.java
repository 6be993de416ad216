package deepdream.importers.caffe;

import deepdream.importers.ModelFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Class labels, one line per output unit in order (Caffe's synset_words.txt: "n01440764 tench, Tinca tinca"). */
public final class Labels {
    private final List<String> lines;

    public Labels(List<String> lines) { this.lines = List.copyOf(lines); }

    /** Reads a label file; blank trailing lines are dropped. */
    public static Labels read(Path file) {
        try {
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
            if (lines.isEmpty()) throw new ModelFormatException("label file " + file + " is empty");
            return new Labels(lines.stream().map(String::strip).toList());
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("label file not found: " + file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ModelFormatException("label file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read label file " + file + ": " + e.getMessage(), e);
        }
    }

    public int size() { return lines.size(); }

    /** The label line of class i, or "class i" past the end of the list. */
    public String get(int i) { return i >= 0 && i < lines.size() ? lines.get(i) : "class " + i; }

    /**
     * The classes a name refers to: the classes one of whose comma-separated names (or synset id)
     * equals the query, ignoring case, when there are any ("tiger" is not "tiger cat"); else every
     * class whose label line contains the query. Empty when nothing matches.
     */
    public List<Integer> matching(String query) {
        String q = query.strip().toLowerCase(java.util.Locale.ROOT);
        List<Integer> exact = new java.util.ArrayList<>(), partial = new java.util.ArrayList<>();
        if (q.isEmpty()) return exact;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).toLowerCase(java.util.Locale.ROOT);
            if (!line.contains(q)) continue;
            partial.add(i);
            int space = line.indexOf(' ');
            boolean named = space > 0 && line.substring(0, space).equals(q);   // the synset id
            for (String name : (space > 0 ? line.substring(space + 1) : line).split(","))
                named |= name.strip().equals(q);
            if (named) exact.add(i);
        }
        return exact.isEmpty() ? partial : exact;
    }

    /** Fails unless there is one label per class. */
    public Labels requireCount(int classes, Path source) {
        if (lines.size() != classes)
            throw new ModelFormatException("label file " + source + " has " + lines.size() + " lines, but the net has " + classes
                    + " classes; use the synset_words.txt that belongs to the model (--labels FILE)");
        return this;
    }
}
