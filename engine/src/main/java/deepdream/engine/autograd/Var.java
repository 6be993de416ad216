package deepdream.engine.autograd;

import deepdream.engine.Tensor;
import deepdream.engine.ops.Op;

/** A value on a {@link Tape}: its tensor, its gradient after backward, and the op that made it. */
public final class Var {
    final Tensor value;
    final boolean requiresGrad;
    final Op op;          // null for leaves
    final Var[] inputs;   // empty for leaves
    final boolean ownedByTape;
    Tensor grad;

    Var(Tensor value, boolean requiresGrad, Op op, Var[] inputs, boolean ownedByTape) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.op = op;
        this.inputs = inputs;
        this.ownedByTape = ownedByTape;
    }

    public Tensor value() { return value; }

    /** d(objective)/d(this) after {@link Tape#backward}; null if no gradient reached it. Released by {@link Tape#close}. */
    public Tensor grad() { return grad; }

    /** Takes the gradient out of the tape: the caller now owns it and must release it. */
    public Tensor takeGrad() {
        Tensor g = grad;
        grad = null;
        return g;
    }

    public int[] shape() { return value.shape(); }
    public boolean requiresGrad() { return requiresGrad; }
    public boolean isLeaf() { return op == null; }
    public Op op() { return op; }
}
