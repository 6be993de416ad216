package deepdream.engine.ops;

import deepdream.engine.Arithmetic;
import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.model.LayerSpec;

import java.util.List;

/** y = x ∘ c or c ∘ x with a fixed constant c broadcast over x; the gradient reaches x only (c is a weight). */
public final class ConstantArithmetic implements Op {
    private final Arithmetic operation;
    private final boolean constantFirst;
    private final Tensor c;

    public ConstantArithmetic(Arithmetic operation, boolean constantFirst, Tensor c) {
        this.operation = operation;
        this.constantFirst = constantFirst;
        this.c = c;
    }

    @Override public String type() { return "Arithmetic"; }

    @Override
    public int[] outputShape(int[]... in) { return new LayerSpec.ConstantArithmetic(operation, constantFirst).outputShape(List.of(c.shape()), in); }

    @Override public void forward(Backend b, Tensor[] in, Tensor out) { b.arithmetic(operation, constantFirst, in[0], c, out); }

    @Override
    public void backward(Backend b, Tensor[] in, Tensor out, Tensor gradOut, Tensor[] gradIn) {
        if (gradIn[0] != null) b.arithmeticBackward(operation, constantFirst, in[0], c, gradOut, gradIn[0]);
    }

    @Override public String toString() { return "Arithmetic(" + operation.describe(constantFirst) + ", c " + deepdream.engine.Shapes.toString(c.shape()) + ")"; }
}
