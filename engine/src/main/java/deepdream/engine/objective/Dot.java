package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/** Σ a·t for a fixed target t; gradient = t. */
final class Dot implements Objective {
    private final Tensor target;

    Dot(Tensor target) { this.target = target; }

    @Override
    public double value(Backend b, Tensor a) {
        Shapes.requireSame("dot objective", a, target);
        return b.dot(a, target);
    }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) {
        Shapes.requireSame("dot objective", a, target);
        b.copy(target, grad);
    }

    @Override public String toString() { return "dot"; }

    /** Tied to positions of the whole blob: cannot be computed tile by tile. */
    @Override public boolean isPositionwise() { return false; }
}
