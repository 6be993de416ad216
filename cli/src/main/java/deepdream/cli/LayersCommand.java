package deepdream.cli;

import deepdream.engine.Backend;
import deepdream.engine.model.Net;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.NetDef;
import deepdream.engine.ops.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code deepdream layers [--size WxH]}: every blob name with its shape at that input size. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = {"List every blob of the net with its shape at an input size (no weights needed).",
                "Each line: NAME NxCxHxW. Blob names are what --layer takes."})
public final class LayersCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Mixin ModelOptions model;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--size", paramLabel = "WxH", description = "Input width x height (default: the model's, 224x224).")
    String size;

    @Override
    public void run() {
        NetDef def = model.loadArchitecture();
        int[] input = def.inputShape().clone();
        if (size != null) {
            int[] wh = parseSize(size);
            input[3] = wh[0];
            input[2] = wh[1];
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        // Shape inference only; the reference backend holds the zero weights without starting threads or devices.
        try (Backend b = deepdream.kernels.Backends.create(BackendOptions.FALLBACK_BACKEND, 1); Net net = Net.build(def, b)) {
            inferShapes(def, net.ops(), input, shapes, failed);
        }
        int width = shapes.keySet().stream().mapToInt(String::length).max().orElse(0);
        PrintWriter out = spec.commandLine().getOut();
        for (var e : shapes.entrySet()) out.printf("%-" + width + "s  %s%n", e.getKey(), e.getValue() == null ? "n/a" : shape(e.getValue()));
        if (!failed.isEmpty())
            spec.commandLine().getErr().println("deepdream: not computable at " + input[3] + "x" + input[2] + ": "
                    + String.join(", ", failed.keySet()) + " (" + failed.values().iterator().next() + ")");
        out.flush();
    }

    /**
     * Every blob's shape, in order of first appearance. Unlike Net.blobShapes this goes on past a layer
     * that cannot run at this size (the classifier wants 224x224): its blob and those depending on it are null.
     */
    static void inferShapes(NetDef def, List<Op> ops, int[] input, Map<String, int[]> shapes, Map<String, String> failed) {
        Map<String, int[]> current = new HashMap<>();
        current.put(def.inputBlob(), input);
        shapes.put(def.inputBlob(), input);
        for (int i = 0; i < ops.size(); i++) {
            LayerDef l = def.layers().get(i);
            int[][] in = new int[l.bottoms().size()][];
            boolean ok = true;
            for (int k = 0; k < in.length; k++) ok &= (in[k] = current.get(l.bottoms().get(k))) != null;
            int[] out = null;
            if (ok) {
                try {
                    out = ops.get(i).outputShape(in);
                } catch (IllegalArgumentException e) {
                    failed.putIfAbsent(l.top(), "layer '" + l.name() + "': " + e.getMessage());
                }
            } else {
                failed.putIfAbsent(l.top(), "depends on a blob that is not computable");
            }
            current.put(l.top(), out);
            shapes.put(l.top(), out);
        }
    }

    static String shape(int[] s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) sb.append(i == 0 ? "" : "x").append(s[i]);
        return sb.toString();
    }

    /** "WxH" (also W×H, W,H) → {w, h}. */
    static int[] parseSize(String s) {
        String[] p = s.trim().split("[x×X,]");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
                if (w >= 1 && h >= 1) return new int[] {w, h};
            }
        } catch (NumberFormatException ignored) { /* fall through to the message */ }
        throw new UserException("--size must be WIDTHxHEIGHT with positive numbers, e.g. 224x224; got '" + s + "'");
    }
}
