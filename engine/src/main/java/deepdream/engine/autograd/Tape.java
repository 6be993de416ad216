package deepdream.engine.autograd;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.engine.ops.Op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records ops as they run (reverse-mode autograd). {@link #backward} walks the recorded graph in
 * topological order from the objective back to the leaves, accumulating gradients where a value
 * feeds several consumers (inception branches share their input).
 *
 * <p>A no-grad tape records nothing: values can be released as soon as their last consumer ran.
 * {@link #close()} returns every tensor the tape created to the backend's pool, so buffers are
 * reused across dream steps.
 */
public final class Tape implements AutoCloseable {
    private final Backend backend;
    private final boolean recording;
    private final List<Var> created = new ArrayList<>();
    private final List<Var> leaves = new ArrayList<>();
    private OpListener listener;

    /** Observes each op's forward and backward (timing for {@code bench --profile}). */
    public interface OpListener {
        void forwardDone(Op op, Var output, long nanos);
        void backwardDone(Op op, Var output, long nanos);

        /** Before op's backward: output.grad() is complete here (an in-place backward overwrites it). */
        default void backwardStarting(Op op, Var output) {}
    }

    private Tape(Backend backend, boolean recording) {
        this.backend = backend;
        this.recording = recording;
    }

    /** A tape that records for backward. */
    public static Tape recording(Backend backend) { return new Tape(backend, true); }

    /** Inference only: nothing is recorded and no gradient can be taken. */
    public static Tape noGrad(Backend backend) { return new Tape(backend, false); }

    public Backend backend() { return backend; }
    public boolean isRecording() { return recording; }
    public void setListener(OpListener listener) { this.listener = listener; }

    /** Wraps a tensor the caller owns (the tape never releases it; its gradient is the tape's until taken). */
    public Var leaf(Tensor value, boolean requiresGrad) {
        if (value.backend() != backend) throw new IllegalArgumentException("tensor belongs to backend " + value.backend().name() + ", tape to " + backend.name());
        Var v = new Var(value, requiresGrad && recording, null, new Var[0], false);
        leaves.add(v);
        return v;
    }

    /** Runs op on inputs; records it when recording and any input needs a gradient. */
    public Var apply(Op op, Var... inputs) {
        int[][] shapes = new int[inputs.length][];
        Tensor[] values = new Tensor[inputs.length];
        boolean needsGrad = false;
        for (int i = 0; i < inputs.length; i++) {
            shapes[i] = inputs[i].value.shape();
            values[i] = inputs[i].value;
            needsGrad |= inputs[i].requiresGrad;
        }
        Tensor out = backend.allocate(op.outputShape(shapes));
        long t0 = listener == null ? 0 : System.nanoTime();
        try {
            op.forward(backend, values, out);
        } catch (RuntimeException e) {
            out.release();   // not yet on the tape: close() would never return it to the pool
            throw e;
        }
        boolean record = recording && needsGrad;
        Var v = new Var(out, record, record ? op : null, record ? inputs.clone() : new Var[0], true);
        if (listener != null) listener.forwardDone(op, v, System.nanoTime() - t0);
        created.add(v);
        return v;
    }

    /** Releases a value early (no-grad inference: after its last consumer). */
    public void release(Var v) {
        if (v.ownedByTape) v.value.release();
    }

    /** Backward from one output with seed gradient d(objective)/d(output) (copied; the caller keeps it). */
    public void backward(Var output, Tensor seed) {
        Map<Var, Tensor> seeds = new IdentityHashMap<>();
        seeds.put(output, seed);
        backward(seeds);
    }

    /**
     * Backward from several outputs at once (multi-layer objectives). Gradients of intermediate
     * values are released as soon as their op's backward has used them; leaves keep theirs.
     */
    public void backward(Map<Var, Tensor> seeds) { backward(seeds, false); }

    /**
     * Like {@link #backward(Map)}; freeValues: also release each value the tape created as soon as
     * the last backward that reads it ({@link Op#backwardReadsInput}, {@link Op#backwardReadsOutput})
     * has run, so the gradients below reuse its buffer. The seeds' values stay; every other value
     * of the tape must not be read after such a backward.
     */
    public void backward(Map<Var, Tensor> seeds, boolean freeValues) {
        if (!recording) throw new IllegalStateException("backward on a no-grad tape");
        for (Map.Entry<Var, Tensor> e : seeds.entrySet()) {
            Var v = e.getKey();
            Shapes.requireSame("seed gradient", e.getValue(), v.value);
            if (!v.requiresGrad) continue;
            Tensor g = backend.allocate(v.value.shape());
            backend.copy(e.getValue(), g);
            accumulate(v, g);
        }
        List<Var> order = topologicalOrder(seeds.keySet());
        // Backward reads still to come per value (freeValues): a count, not a position, as a value
        // may feed several ops, or one op twice.
        Map<Var, int[]> readers = new IdentityHashMap<>();
        if (freeValues)
            for (Var v : order) {
                if (v.isLeaf()) continue;
                if (v.op.backwardReadsOutput()) readers.computeIfAbsent(v, k -> new int[1])[0]++;
                for (int k = 0; k < v.inputs.length; k++)
                    if (v.op.backwardReadsInput(k)) readers.computeIfAbsent(v.inputs[k], x -> new int[1])[0]++;
            }
        for (int i = order.size() - 1; i >= 0; i--) {
            Var v = order.get(i);
            if (v.isLeaf() || v.grad == null) continue;
            Tensor[] inValues = new Tensor[v.inputs.length];
            Tensor[] inGrads = new Tensor[v.inputs.length];
            // An element-wise op (ReLU) writes its input's gradient over its output's: one buffer less.
            boolean inPlace = v.op.backwardInPlace() && v.inputs.length == 1 && v.inputs[0].requiresGrad
                    && Arrays.equals(v.inputs[0].value.shape(), v.grad.shape());
            for (int k = 0; k < v.inputs.length; k++) {
                Var in = v.inputs[k];
                inValues[k] = in.value;
                if (in.requiresGrad) inGrads[k] = inPlace ? v.grad : backend.allocate(in.value.shape());
            }
            if (listener != null) listener.backwardStarting(v.op, v);
            long t0 = listener == null ? 0 : System.nanoTime();
            v.op.backward(backend, inValues, v.value, v.grad, inGrads);
            if (listener != null) listener.backwardDone(v.op, v, System.nanoTime() - t0);
            if (!inPlace) v.grad.release();   // consumed: every consumer of v came later in the forward order
            v.grad = null;
            for (int k = 0; k < v.inputs.length; k++)
                if (inGrads[k] != null) accumulate(v.inputs[k], inGrads[k]);
            if (freeValues) {
                if (v.op.backwardReadsOutput()) readDone(v, readers, seeds);
                for (int k = 0; k < v.inputs.length; k++) if (v.op.backwardReadsInput(k)) readDone(v.inputs[k], readers, seeds);
            }
        }
    }

    /** One backward read of v is done; the last one frees v's value (not a seed's, not a leaf's). */
    private static void readDone(Var v, Map<Var, int[]> readers, Map<Var, Tensor> seeds) {
        int[] left = readers.get(v);
        if (--left[0] == 0 && v.ownedByTape && !seeds.containsKey(v)) v.value.release();
    }

    private void accumulate(Var v, Tensor g) {
        if (v.grad == null) {
            v.grad = g;
        } else {
            backend.axpy(1f, g, v.grad);
            g.release();
        }
    }

    /** Post-order DFS from the outputs: every value comes after all the values it was computed from. */
    private static List<Var> topologicalOrder(Set<Var> outputs) {
        List<Var> order = new ArrayList<>();
        Set<Var> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        // Iterative DFS: GoogLeNet is deep enough that recursion depth is not a concern, but user nets may be.
        for (Var root : outputs) {
            if (!visited.add(root)) continue;
            List<Var> stack = new ArrayList<>();
            List<Integer> next = new ArrayList<>();
            stack.add(root);
            next.add(0);
            while (!stack.isEmpty()) {
                int top = stack.size() - 1;
                Var v = stack.get(top);
                int k = next.get(top);
                if (k < v.inputs.length) {
                    next.set(top, k + 1);
                    Var in = v.inputs[k];
                    if (in.requiresGrad && visited.add(in)) {
                        stack.add(in);
                        next.add(0);
                    }
                } else {
                    order.add(v);
                    stack.remove(top);
                    next.remove(top);
                }
            }
        }
        return order;
    }

    /** Releases every value and gradient the tape created, and the leaves' gradients not taken. */
    @Override
    public void close() {
        Set<Tensor> done = new HashSet<>();
        for (Var v : created) {
            if (v.value != null && done.add(v.value)) v.value.release();
            if (v.grad != null) { v.grad.release(); v.grad = null; }
        }
        for (Var v : leaves) {
            if (v.grad != null) { v.grad.release(); v.grad = null; }
        }
        created.clear();
        leaves.clear();
    }
}
