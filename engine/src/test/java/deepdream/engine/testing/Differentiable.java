package deepdream.engine.testing;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.ops.Op;

import java.util.function.BiFunction;

/**
 * A differentiable function of one tensor, as the {@link GradientChecker} sees it: y = f(x) and the
 * vector-Jacobian product Jᵀr for an upstream gradient r of y's shape. Both return new tensors of
 * x's backend, which the caller releases.
 */
public interface Differentiable {

    /** y = f(x). */
    Tensor forward(Tensor x);

    /** Jᵀ·r, with x's shape. */
    Tensor backward(Tensor x, Tensor r);

    /**
     * One op, differentiated with respect to input {@code inputIndex}; the other inputs are held
     * fixed at {@code inputs[k]} (the entry at inputIndex is ignored and may be null).
     */
    static Differentiable of(Op op, int inputIndex, Tensor... inputs) {
        return new Differentiable() {
            private Tensor[] with(Tensor x) {
                Tensor[] in = inputs.clone();
                in[inputIndex] = x;
                return in;
            }

            private Tensor run(Tensor[] in) {
                int[][] shapes = new int[in.length][];
                for (int k = 0; k < in.length; k++) shapes[k] = in[k].shape();
                Tensor y = x0(in).backend().allocate(op.outputShape(shapes));
                op.forward(x0(in).backend(), in, y);
                return y;
            }

            private Tensor x0(Tensor[] in) { return in[inputIndex]; }

            @Override
            public Tensor forward(Tensor x) { return run(with(x)); }

            @Override
            public Tensor backward(Tensor x, Tensor r) {
                Backend b = x.backend();
                Tensor[] in = with(x);
                Tensor y = run(in);
                Tensor[] grads = new Tensor[in.length];
                grads[inputIndex] = b.allocate(x.shape());
                op.backward(b, in, y, r, grads);
                y.release();
                return grads[inputIndex];
            }

            @Override
            public String toString() { return op.type() + " (input " + inputIndex + ")"; }
        };
    }

    /** One op with a single input. */
    static Differentiable of(Op op) { return of(op, 0, new Tensor[1]); }

    /**
     * A graph built on a {@link Tape} from the leaf x (e.g. several ops, or a {@code Net.forward}).
     * Forward runs on a no-grad tape; backward records, seeds the output with r and takes x's gradient.
     */
    static Differentiable ofTape(String name, BiFunction<Tape, Var, Var> graph) {
        return new Differentiable() {
            @Override
            public Tensor forward(Tensor x) {
                Backend b = x.backend();
                try (Tape tape = Tape.noGrad(b)) {
                    Var y = graph.apply(tape, tape.leaf(x, false));
                    Tensor out = b.allocate(y.shape());
                    b.copy(y.value(), out);
                    return out;
                }
            }

            @Override
            public Tensor backward(Tensor x, Tensor r) {
                Backend b = x.backend();
                try (Tape tape = Tape.recording(b)) {
                    Var leaf = tape.leaf(x, true);
                    Var y = graph.apply(tape, leaf);
                    tape.backward(y, r);
                    Tensor g = leaf.takeGrad();
                    return g != null ? g : b.zeros(x.shape());
                }
            }

            @Override
            public String toString() { return name; }
        };
    }
}
