package deepdream.engine.ops;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/**
 * One differentiable operation: shape inference, forward and backward side by side (Caffe's
 * Reshape / Forward / Backward). Parameters such as weights are fixed; only inputs get gradients.
 */
public interface Op {
    /** Layer type, for messages and profiles ("Convolution", "ReLU", ...). */
    String type();

    /** The output shape for these input shapes; throws IllegalArgumentException with a clear message. */
    int[] outputShape(int[]... inputShapes);

    /** Computes output from inputs; output has {@link #outputShape}. */
    void forward(Backend b, Tensor[] inputs, Tensor output);

    /**
     * Writes d(objective)/d(input i) into gradInputs[i] (pre-allocated with the input's shape,
     * contents undefined; null when that input needs no gradient). Overwrites, never accumulates:
     * accumulation across consumers is the tape's job.
     */
    void backward(Backend b, Tensor[] inputs, Tensor output, Tensor gradOutput, Tensor[] gradInputs);

    /**
     * Whether {@link #backward} reads the values of input i (its shape is always readable). When no
     * backward reads a value, the net frees it after its last forward use instead of at the tape's
     * close: a conv's input or a concat's parts, for instance. Conservative default: true.
     */
    default boolean backwardReadsInput(int i) { return true; }

    /** Whether {@link #backward} reads the output's values (ReLU does, a conv does not). Default: true. */
    default boolean backwardReadsOutput() { return true; }

    /**
     * Whether {@link #backward} of a one-input op may be given the output's gradient tensor as the
     * input's (element-wise ops whose backend kernel allows dx = dy): the tape then reuses it.
     */
    default boolean backwardInPlace() { return false; }

    /** Multiply-adds of one forward pass for these input shapes (for GFLOP/s figures); 0 if negligible. */
    default long forwardMacs(int[]... inputShapes) { return 0; }
}
