package deepdream.importers.onnx;

import deepdream.engine.Backend;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.ops.Op;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decisions a backend's float32 run takes differently from PyTorch's float64 one: a max-pool window's winner, a
 * ReLU's sign, a ReLU6's (Clip's) bounds. The export lists, in CASE.decisions.txt, every max pooling, ReLU and
 * ReLU6 it ran (in execution order, with the input's shape), every window whose two largest float64 inputs are
 * closer than a few float32 ulps of the blob's largest value (with float64's winner) and every ReLU or ReLU6
 * input that close to zero or to a bound (with the side it is on). Each such
 * decision that float32 takes the other way sends a gradient elsewhere: one window at GoogLeNet 99's maxpool4
 * (1.2e-9 apart) moves the logits' input gradient by 2e-2, on both our backends alike, so comparing the cpu with
 * the reference cannot see it. {@link #flips} finds them in the backend's own float32 blobs (first maximum in
 * row-major order wins, as its pooling takes it; a ReLU passes x &gt; 0, a Clip min &lt; x &lt; max); {@link #rerouted} computes the
 * backend's gradient with those decisions taken float64's way, which must then match float64 to rounding.
 */
final class DecisionFlips {
    private DecisionFlips() {}

    /**
     * A decision the backend's float32 takes differently from float64: the layer's index, its input and output
     * blobs, the offset in the output whose gradient is routed, and the offsets in the input it goes to in float64
     * and in the backend (-1: nowhere, a ReLU that stops it).
     */
    record Flip(int layer, String bottom, String top, int outAt, int float64At, int oursAt) {}

    /** The listed decisions the backend's float32 takes differently from float64. */
    static List<Flip> flips(Path decisions, NetDef def, Backend backend, float[] input) throws IOException {
        Map<String, List<int[]>> shapesRun = new HashMap<>(), listed = new HashMap<>();
        for (String line : Files.readAllLines(decisions)) {
            String[] f = line.trim().split(" ");
            int[] v = Arrays.stream(f, 1, f[0].equals("tie") ? 7 : f.length).mapToInt(Integer::parseInt).toArray();
            switch (f[0]) {
                case "pool" -> shapesRun.computeIfAbsent("pool", k -> new ArrayList<>()).add(Arrays.copyOfRange(v, 1, v.length));
                case "relu" -> shapesRun.computeIfAbsent("relu", k -> new ArrayList<>()).add(Arrays.copyOfRange(v, 1, v.length));
                case "tie" -> listed.computeIfAbsent("pool", k -> new ArrayList<>()).add(v);
                case "clip" -> shapesRun.computeIfAbsent("clip", k -> new ArrayList<>()).add(Arrays.copyOfRange(v, 1, v.length));
                case "zero" -> listed.computeIfAbsent("relu", k -> new ArrayList<>()).add(v);
                case "edge" -> listed.computeIfAbsent("clip", k -> new ArrayList<>()).add(v);
                default -> throw new AssertionError(decisions + ": unknown line " + line);
            }
        }
        Map<String, List<Integer>> layers = Map.of(
                "pool", layerIndices(def, l -> l.spec() instanceof LayerSpec.Pooling p && p.geometry().method() == PoolSpec.Method.MAX),
                "relu", layerIndices(def, l -> l.spec() instanceof LayerSpec.Relu),
                "clip", layerIndices(def, l -> l.spec() instanceof LayerSpec.Clip));
        List<String> names = new ArrayList<>();
        for (List<Integer> ls : layers.values())
            for (int i : ls) {
                names.add(def.layers().get(i).bottoms().get(0));
                names.add(def.layers().get(i).top());
            }
        Map<String, float[]> blobs = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        try (Net net = Net.build(def, backend); Tape tape = Tape.noGrad(backend)) {
            Map<String, Var> vars = net.forward(tape, tape.leaf(backend.upload(input, def.inputShape()), false), names.stream().distinct().toList());
            for (String n : vars.keySet()) {
                blobs.put(n, backend.download(vars.get(n).value()));
                shapes.put(n, vars.get(n).shape());
            }
        }
        for (String kind : layers.keySet()) {
            List<Integer> ls = layers.get(kind);
            List<int[]> run = shapesRun.getOrDefault(kind, List.of());
            // PyTorch runs the whole net; the ONNX graph keeps only what feeds a tap, so it may hold fewer layers (never more).
            assertTrue(ls.size() <= run.size(), ls.size() + " " + kind + " layers in the graph, " + run.size() + " run by PyTorch");
            for (int k = 0; k < ls.size(); k++) {
                LayerDef l = def.layers().get(ls.get(k));
                assertEquals(Shapes.size(run.get(k)), Shapes.size(shapes.get(l.bottoms().get(0))),
                        kind + " " + k + " (" + l.name() + ") input size: the export's layers and the graph's differ in order");
            }
        }
        List<Flip> flips = new ArrayList<>();
        for (int[] t : listed.getOrDefault("pool", List.of())) {
            if (t[0] >= layers.get("pool").size()) continue;
            int layer = layers.get("pool").get(t[0]);
            LayerDef pool = def.layers().get(layer);
            int[] in = shapes.get(pool.bottoms().get(0)), out = shapes.get(pool.top());
            int ours = firstMaximum(blobs.get(pool.bottoms().get(0)), in, ((LayerSpec.Pooling) pool.spec()).geometry(), t[1], t[2], t[3]);
            int float64 = (t[1] * in[2] + t[4]) * in[3] + t[5];
            if (ours != float64)
                flips.add(new Flip(layer, pool.bottoms().get(0), pool.top(), (t[1] * out[2] + t[2]) * out[3] + t[3], float64, ours));
        }
        for (int[] z : listed.getOrDefault("relu", List.of())) {
            if (z[0] >= layers.get("relu").size()) continue;
            int layer = layers.get("relu").get(z[0]);
            LayerDef relu = def.layers().get(layer);
            boolean ours = blobs.get(relu.bottoms().get(0))[z[1]] > 0, float64 = z[2] > 0;
            if (ours != float64) flips.add(new Flip(layer, relu.bottoms().get(0), relu.top(), z[1], float64 ? z[1] : -1, ours ? z[1] : -1));
        }
        for (int[] e : listed.getOrDefault("clip", List.of())) {
            if (e[0] >= layers.get("clip").size()) continue;
            int layer = layers.get("clip").get(e[0]);
            LayerDef clip = def.layers().get(layer);
            LayerSpec.Clip bounds = (LayerSpec.Clip) clip.spec();
            float v = blobs.get(clip.bottoms().get(0))[e[1]];
            boolean ours = v > bounds.min() && v < bounds.max(), float64 = e[2] == 1;
            if (ours != float64) flips.add(new Flip(layer, clip.bottoms().get(0), clip.top(), e[1], float64 ? e[1] : -1, ours ? e[1] : -1));
        }
        return flips;
    }

    private static List<Integer> layerIndices(NetDef def, java.util.function.Predicate<LayerDef> which) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < def.layers().size(); i++) if (which.test(def.layers().get(i))) out.add(i);
        return out;
    }

    /** Offset in the (N = 1) input blob of the window's first float32 maximum, as the backends' max pooling takes it. */
    static int firstMaximum(float[] x, int[] shape, PoolSpec s, int channel, int oy, int ox) {
        int h = shape[2], w = shape[3], plane = channel * h * w;
        int y0 = oy * s.strideH() - s.padTop(), x0 = ox * s.strideW() - s.padLeft();
        int at = -1;
        for (int iy = Math.max(y0, 0); iy < Math.min(y0 + s.kernelH(), h); iy++)
            for (int ix = Math.max(x0, 0); ix < Math.min(x0 + s.kernelW(), w); ix++)
                if (at < 0 || x[plane + iy * w + ix] > x[at]) at = plane + iy * w + ix;
        return at;
    }

    /**
     * The backend's input gradient of sum(tap * seed) with each flipped decision taken float64's way. A backward
     * reads the gradient g arriving at each flipped layer's output; the next one seeds the layers' inputs with +g
     * where float64 routes it and -g where the backend did, beside the tap's own seed. A flip deeper in the net
     * changes the g arriving at shallower ones, so this repeats until the g read no longer changes (at most once
     * per flipped layer, deepest first in effect).
     */
    static float[] rerouted(NetDef def, Backend backend, float[] input, String tap, float[] seed, List<Flip> flips) {
        Map<String, float[]> arriving = new HashMap<>();
        long layers = flips.stream().map(Flip::layer).distinct().count();
        for (int pass = 0; ; pass++) {
            Map<String, float[]> read = new HashMap<>();
            float[] grad = backward(def, backend, input, tap, seed, flips, arriving, read);
            boolean settled = read.keySet().stream().allMatch(k -> Arrays.equals(read.get(k), arriving.get(k)));
            if (settled) return grad;
            assertTrue(pass <= layers, "rerouting did not settle after " + pass + " passes");
            arriving.clear();
            arriving.putAll(read);
        }
    }

    /** One backward with the reroutings of the gradients {@code arriving} at the flipped layers; fills {@code read} with the new ones. */
    private static float[] backward(NetDef def, Backend backend, float[] input, String tap, float[] seed, List<Flip> flips,
                                    Map<String, float[]> arriving, Map<String, float[]> read) {
        List<String> tops = flips.stream().map(Flip::top).distinct().toList();
        List<String> bottoms = flips.stream().map(Flip::bottom).distinct().toList();
        List<String> wanted = new ArrayList<>(List.of(tap));
        for (String s : concat(tops, bottoms)) if (!wanted.contains(s)) wanted.add(s);
        try (Net net = Net.build(def, backend); Tape tape = Tape.recording(backend)) {
            Var x = tape.leaf(backend.upload(input, def.inputShape()), true);
            Map<String, Var> vars = net.forward(tape, x, wanted);
            Map<Var, String> watched = new IdentityHashMap<>();
            for (String t : tops) watched.put(vars.get(t), t);
            tape.setListener(new Tape.OpListener() {
                @Override public void forwardDone(Op op, Var output, long nanos) {}
                @Override public void backwardDone(Op op, Var output, long nanos) {}
                @Override public void backwardStarting(Op op, Var output) {
                    if (watched.containsKey(output)) read.put(watched.get(output), backend.download(output.grad()));
                }
            });
            Map<String, float[]> deltas = new HashMap<>();
            for (Flip f : flips) {
                if (!arriving.containsKey(f.top())) continue;
                float g = arriving.get(f.top())[f.outAt()];
                float[] d = deltas.computeIfAbsent(f.bottom(), b -> new float[Shapes.size(vars.get(b).shape())]);
                if (f.float64At() >= 0) d[f.float64At()] += g;
                if (f.oursAt() >= 0) d[f.oursAt()] -= g;
            }
            Map<Var, Tensor> seeds = new IdentityHashMap<>();
            seeds.put(vars.get(tap), backend.upload(seed, vars.get(tap).shape()));
            for (String b : deltas.keySet()) seeds.put(vars.get(b), backend.upload(deltas.get(b), vars.get(b).shape()));
            tape.backward(seeds);
            float[] g = backend.download(x.grad());
            for (Tensor t : seeds.values()) t.release();
            return g;
        }
    }

    /** "layer ×count, …" in layer order, for the report. */
    static String where(NetDef def, List<Flip> flips) {
        Map<Integer, Long> perLayer = new java.util.TreeMap<>();
        for (Flip f : flips) perLayer.merge(f.layer(), 1L, Long::sum);
        StringBuilder out = new StringBuilder();
        perLayer.forEach((layer, n) -> out.append(out.length() == 0 ? "" : ", ").append(def.layers().get(layer).name()).append(" ×").append(n));
        return out.toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        for (String s : b) if (!all.contains(s)) all.add(s);
        return all;
    }
}
