package deepdream.cli;

import deepdream.importers.caffe.Labels;

import java.util.List;

/** {@code --class K|NAME}: a class index, or a name looked up in the labels (visualize, saliency). */
final class ClassChoice {
    private ClassChoice() {}

    /** Most matches listed when a name is ambiguous. */
    static final int LISTED = 12;

    /** The class index for spec; labels may be null (then only indices work). */
    static int resolve(String spec, Labels labels, int classes) {
        String s = spec.strip();
        if (s.matches("\\d+")) {
            int k;
            try {
                k = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                k = Integer.MAX_VALUE;
            }
            if (k >= classes) throw new UserException("--class " + s + " is out of range: the net has " + classes + " classes (0.." + (classes - 1) + ")");
            return k;
        }
        if (labels == null)
            throw new UserException("--class " + s + ": there is no label file to look the name up in (synset_words.txt beside the weights, or --labels FILE); give the class index instead (0.." + (classes - 1) + ")");
        List<Integer> found = labels.matching(s);
        if (found.size() == 1) return found.get(0);
        if (found.isEmpty())
            throw new UserException("--class " + s + " matches no class label; give part of a label (e.g. --class goldfish) or the class index (0.." + (classes - 1) + ")");
        StringBuilder m = new StringBuilder("--class " + s + " is ambiguous: it matches " + found.size() + " classes:");
        for (int i = 0; i < Math.min(LISTED, found.size()); i++) m.append("\n  ").append(found.get(i)).append("  ").append(labels.get(found.get(i)));
        if (found.size() > LISTED) m.append("\n  ... and ").append(found.size() - LISTED).append(" more");
        m.append("\nName one of them more exactly, or give its index (e.g. --class ").append(found.get(0)).append(')');
        throw new UserException(m.toString());
    }

    /** "goldfish (class 1)": the first name of the label, or the index alone. */
    static String describe(int k, Labels labels) {
        if (labels == null) return "class " + k;
        String line = labels.get(k);
        int space = line.indexOf(' ');
        String names = space > 0 && line.substring(0, space).matches("n\\d+") ? line.substring(space + 1) : line;
        int comma = names.indexOf(',');
        return (comma > 0 ? names.substring(0, comma) : names) + " (class " + k + ")";
    }
}
