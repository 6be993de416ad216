package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/** 0.5·Σ a²: the classic DeepDream objective; gradient = a. */
final class L2 implements Objective {
    @Override public double value(Backend b, Tensor a) { return 0.5 * b.sumSquares(a); }
    @Override public void gradient(Backend b, Tensor a, Tensor grad) { b.copy(a, grad); }
    @Override public String toString() { return "L2"; }
}
