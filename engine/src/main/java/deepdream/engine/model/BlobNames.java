package deepdream.engine.model;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "unknown layer 'x' — did you mean ...": edit-distance suggestions for mistyped blob names. */
public final class BlobNames {
    private BlobNames() {}

    public static String unknownMessage(String name, Collection<String> known) {
        List<String> close = closest(name, known, 3);
        return "unknown layer '" + name + "'" + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?")
                + " (run 'deepdream layers' to list all)";
    }

    public static List<String> closest(String name, Collection<String> known, int k) {
        String q = name.toLowerCase();
        return known.stream()
                .sorted(Comparator.comparingInt((String s) -> distance(q, s.toLowerCase())).thenComparing(s -> s))
                .limit(k).toList();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
