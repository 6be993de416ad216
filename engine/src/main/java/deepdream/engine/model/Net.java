package deepdream.engine.model;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.ops.Op;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network on one backend: weights uploaded once at build time as constants, shapes inferred per input size at
 * run time, so the same net runs at every octave size. Blob names resolve like Caffe's: an in-place
 * layer (top == bottom) rebinds the name to its output, so "conv1/7x7_s2" means the value after its ReLU.
 */
public final class Net implements AutoCloseable {
    private final NetDef def;
    private final Backend backend;
    private final List<Op> ops = new ArrayList<>();
    /** For each layer, the layer index producing each of its bottoms (-1 = the net input). */
    private final List<int[]> producers = new ArrayList<>();
    /** Blob name -> index of the last layer writing it (-1 = the input). */
    private final Map<String, Integer> finalProducer = new LinkedHashMap<>();
    private final List<Tensor> weights = new ArrayList<>();

    private Net(NetDef def, Backend backend) {
        this.def = def;
        this.backend = backend;
        Map<String, Integer> current = new HashMap<>();
        current.put(def.inputBlob(), -1);
        finalProducer.put(def.inputBlob(), -1);
        for (int i = 0; i < def.layers().size(); i++) {
            LayerDef l = def.layers().get(i);
            int arity = l.spec().inputs();
            if (arity > 0 ? l.bottoms().size() != arity : l.bottoms().isEmpty())
                throw new IllegalArgumentException("layer '" + l.name() + "' reads " + l.bottoms().size() + " blobs; a " + l.spec().type()
                        + " layer takes " + (arity > 0 ? arity : "one or more"));
            int[] from = new int[l.bottoms().size()];
            for (int k = 0; k < from.length; k++) {
                Integer p = current.get(l.bottoms().get(k));
                if (p == null)
                    throw new IllegalArgumentException("layer '" + l.name() + "' reads blob '" + l.bottoms().get(k) + "', which no earlier layer produces");
                from[k] = p;
            }
            producers.add(from);
            ops.add(makeOp(l));
            current.put(l.top(), i);
            finalProducer.put(l.top(), i);
        }
    }

    /** Uploads the weights to the backend and prepares the graph. */
    public static Net build(NetDef def, Backend backend) { return new Net(def, backend); }

    public NetDef def() { return def; }
    public Backend backend() { return backend; }
    public String inputBlob() { return def.inputBlob(); }

    /** Blob names in order of first appearance (input first). */
    public List<String> blobNames() { return new ArrayList<>(finalProducer.keySet()); }

    public boolean hasBlob(String name) { return finalProducer.containsKey(name); }

    /** The op of each layer, in order (for profiles and tests). */
    public List<Op> ops() { return List.copyOf(ops); }

    /** Every blob's final shape for an input of this shape, in order of first appearance. */
    public Map<String, int[]> blobShapes(int[] inputShape) {
        boolean[] all = new boolean[ops.size()];
        java.util.Arrays.fill(all, true);
        int[][] out = outputShapes(inputShape, all);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : finalProducer.entrySet())
            shapes.put(e.getKey(), e.getValue() < 0 ? inputShape.clone() : out[e.getValue()]);
        return shapes;
    }

    /**
     * The shapes of the wanted blobs for an input of this shape, inferring only the layers they
     * depend on (a dream at 1024×768 never reaches the classifier, which only fits 224×224).
     */
    public Map<String, int[]> blobShapes(int[] inputShape, Collection<String> wanted) {
        int[][] out = outputShapes(inputShape, needed(wanted));
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String w : wanted) {
            int p = finalProducer.get(w);
            shapes.put(w, p < 0 ? inputShape.clone() : out[p]);
        }
        return shapes;
    }

    /** Multiply-adds of a forward pass up to these blobs at this input shape. */
    public long forwardMacs(int[] inputShape, Collection<String> wanted) {
        boolean[] need = needed(wanted);
        int[][] out = outputShapes(inputShape, need);
        long macs = 0;
        for (int i = 0; i < ops.size(); i++) if (need[i]) macs += ops.get(i).forwardMacs(inputShapes(i, inputShape, out));
        return macs;
    }

    /** Output shape of every needed layer (null for the others); errors name the layer. */
    private int[][] outputShapes(int[] inputShape, boolean[] need) {
        int[][] out = new int[ops.size()][];
        for (int i = 0; i < ops.size(); i++) {
            if (!need[i]) continue;
            try {
                out[i] = ops.get(i).outputShape(inputShapes(i, inputShape, out));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer '" + def.layers().get(i).name() + "' at input " + Shapes.toString(inputShape) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The shapes layer i reads, given the outputs inferred so far. */
    private int[][] inputShapes(int i, int[] inputShape, int[][] out) {
        int[] from = producers.get(i);
        int[][] in = new int[from.length][];
        for (int k = 0; k < from.length; k++) in[k] = from[k] < 0 ? inputShape : out[from[k]];
        return in;
    }

    /**
     * Runs the layers needed for the wanted blobs and returns their values. Every other intermediate
     * is released as soon as its last consumer has run, unless the tape records and a backward
     * reads it ({@link Op#backwardReadsInput}, {@link Op#backwardReadsOutput}).
     */
    public Map<String, Var> forward(Tape tape, Var input, Collection<String> wanted) { return forward(tape, input, wanted, false); }

    /**
     * Like {@link #forward(Tape, Var, Collection)}; keepEvery: on a recording tape, keep every value
     * until the tape closes (the oracle the early release is tested against).
     */
    public Map<String, Var> forward(Tape tape, Var input, Collection<String> wanted, boolean keepEvery) {
        boolean[] need = needed(wanted);
        int[] lastUse = new int[ops.size()];
        java.util.Arrays.fill(lastUse, -1);
        java.util.Set<Integer> keep = new java.util.HashSet<>();
        for (String w : wanted) keep.add(finalProducer.get(w));
        for (int i = 0; i < ops.size(); i++)
            if (need[i]) for (int p : producers.get(i)) if (p >= 0) lastUse[p] = i;
        // On a recording tape a value stays until the tape closes only if some backward reads it
        // (its own op's, or a consumer's): the rest (a conv's output under its ReLU, a concat's
        // output that only convs read) is freed after its last forward use, ~30% of GoogLeNet's.
        boolean[] readByBackward = new boolean[ops.size()];
        if (tape.isRecording())
            for (int i = 0; i < ops.size(); i++) {
                if (!need[i]) continue;
                readByBackward[i] |= keepEvery || ops.get(i).backwardReadsOutput();
                int[] from = producers.get(i);
                for (int k = 0; k < from.length; k++) if (from[k] >= 0 && ops.get(i).backwardReadsInput(k)) readByBackward[from[k]] = true;
            }
        Var[] values = new Var[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            if (!need[i]) continue;
            int[] from = producers.get(i);
            Var[] in = new Var[from.length];
            for (int k = 0; k < from.length; k++) in[k] = from[k] < 0 ? input : values[from[k]];
            try {
                values[i] = tape.apply(ops.get(i), in);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer '" + def.layers().get(i).name() + "': " + e.getMessage(), e);
            }
            for (int p : from)
                // values[p] != null: a layer may read the same blob twice (release it once).
                if (p >= 0 && lastUse[p] == i && !keep.contains(p) && !readByBackward[p] && values[p] != null) { tape.release(values[p]); values[p] = null; }
        }
        Map<String, Var> result = new LinkedHashMap<>();
        for (String w : wanted) {
            int p = finalProducer.get(w);
            result.put(w, p < 0 ? input : values[p]);
        }
        return result;
    }

    /** Convenience: one blob. */
    public Var forward(Tape tape, Var input, String blob) { return forward(tape, input, List.of(blob)).get(blob); }

    /** Which layers the wanted blobs depend on. */
    private boolean[] needed(Collection<String> wanted) {
        boolean[] need = new boolean[ops.size()];
        ArrayList<Integer> stack = new ArrayList<>();
        for (String w : wanted) stack.add(requireBlob(w));
        while (!stack.isEmpty()) {
            int i = stack.remove(stack.size() - 1);
            if (i < 0 || need[i]) continue;
            need[i] = true;
            for (int p : producers.get(i)) stack.add(p);
        }
        return need;
    }

    /** Index of the last layer producing the blob; unknown names get the closest suggestions. */
    public int requireBlob(String name) {
        Integer p = finalProducer.get(name);
        if (p == null) throw new IllegalArgumentException(BlobNames.unknownMessage(name, finalProducer.keySet()));
        return p;
    }

    /** The layer's op, its constants uploaded once as immutable tensors. */
    private Op makeOp(LayerDef l) {
        try {
            List<Tensor> constants = new ArrayList<>();
            for (HostBlob blob : l.blobs()) {
                Tensor t = backend.constant(blob.data(), blob.shape());
                weights.add(t);
                constants.add(t);
            }
            return l.spec().op(constants);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layer '" + l.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (Tensor t : weights) t.release();
        weights.clear();
    }
}
