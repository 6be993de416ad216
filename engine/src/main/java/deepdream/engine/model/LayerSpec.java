package deepdream.engine.model;

import deepdream.engine.Arithmetic;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PadSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.engine.ops.Conv2d;
import deepdream.engine.ops.Op;
import deepdream.engine.ops.Pool;

import java.util.List;

/**
 * What a layer computes, independent of any file format: the one table of layer kinds. Each kind
 * infers its output shape (the only shape inference: importers and {@link Op#outputShape} both
 * ask it) and makes its {@link Op} from its constants (weights, then bias, uploaded by {@link Net}).
 * A new layer kind is a record here, its Op, its backend kernels and their tests.
 */
public sealed interface LayerSpec {
    /** Layer type for messages and profiles ("Convolution", "ReLU", ...). */
    String type();

    /**
     * The output shape for these input shapes; constants are the shapes of the layer's weight and
     * bias (empty for layers without). Throws IllegalArgumentException with a clear message.
     */
    int[] outputShape(List<int[]> constants, int[]... inputs);

    /** The op computing this layer with these constants (tensors of the net's backend). */
    Op op(List<Tensor> constants);

    /** How many inputs the layer takes: exactly this many, or at least 1 when -1 (concat). */
    default int inputs() { return 1; }

    /** Convolution with weight [out][in/groups][kh][kw] and optional bias [out]. */
    record Convolution(ConvSpec geometry) implements LayerSpec {
        @Override public String type() { return "Convolution"; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            int[] x = in[0], w = checkConstants(constants);
            if (x.length != 4) throw new IllegalArgumentException("convolution input must be N×C×H×W, got " + Shapes.toString(x));
            int expectC = w[1] * geometry.groups();
            if (x[1] != expectC) throw new IllegalArgumentException("convolution expects " + expectC + " input channels, got " + x[1]);
            return new int[] {x[0], w[0], geometry.outH(x[2]), geometry.outW(x[3])};
        }

        /** The weight's shape, after checking weight and bias against the geometry. */
        public int[] checkConstants(List<int[]> constants) {
            int[] w = constants.get(0);
            if (w.length != 4) throw new IllegalArgumentException("convolution weight must be 4-D, got " + Shapes.toString(w));
            if (w[2] != geometry.kernelH() || w[3] != geometry.kernelW())
                throw new IllegalArgumentException("convolution weight " + Shapes.toString(w) + " does not match kernel "
                        + geometry.kernelH() + "x" + geometry.kernelW());
            if (w[0] % geometry.groups() != 0)
                throw new IllegalArgumentException("output channels " + w[0] + " not divisible by groups " + geometry.groups());
            if (constants.size() > 1 && Shapes.size(constants.get(1)) != w[0])
                throw new IllegalArgumentException("convolution bias has " + Shapes.size(constants.get(1)) + " values for " + w[0] + " outputs");
            return w;
        }

        @Override public Op op(List<Tensor> c) { return new Conv2d(c.get(0), c.size() > 1 ? c.get(1) : null, geometry); }
    }

    /** Fully connected: weight [out][in] with in = C·H·W of the input, optional bias [out]; output N×out. */
    record InnerProduct() implements LayerSpec {
        @Override public String type() { return "InnerProduct"; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            int[] x = in[0], w = checkConstants(constants);
            int perSample = Shapes.size(x) / x[0];
            if (perSample != w[1])
                throw new IllegalArgumentException("inner product expects " + w[1] + " inputs per sample, got " + perSample + " (" + Shapes.toString(x) + ")");
            return new int[] {x[0], w[0]};
        }

        /** The weight's shape, after checking weight and bias. */
        public int[] checkConstants(List<int[]> constants) {
            int[] w = constants.get(0);
            if (w.length != 2) throw new IllegalArgumentException("inner product weight must be 2-D [out][in], got " + Shapes.toString(w));
            if (constants.size() > 1 && Shapes.size(constants.get(1)) != w[0])
                throw new IllegalArgumentException("inner product bias has " + Shapes.size(constants.get(1)) + " values for " + w[0] + " outputs");
            return w;
        }

        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.InnerProduct(c.get(0), c.size() > 1 ? c.get(1) : null); }
    }

    /** Max or average pooling (see {@link PoolSpec}). */
    record Pooling(PoolSpec geometry) implements LayerSpec {
        @Override public String type() { return geometry.method() == PoolSpec.Method.MAX ? "MaxPool" : "AvePool"; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            int[] x = in[0];
            if (x.length != 4) throw new IllegalArgumentException("pooling input must be N×C×H×W, got " + Shapes.toString(x));
            return new int[] {x[0], x[1], geometry.outH(x[2]), geometry.outW(x[3])};
        }

        @Override public Op op(List<Tensor> c) { return new Pool(geometry); }
    }

    /** Local response normalization across channels (see {@link LrnSpec}). */
    record Lrn(LrnSpec params) implements LayerSpec {
        @Override public String type() { return "LRN"; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            if (in[0].length != 4) throw new IllegalArgumentException("LRN input must be N×C×H×W, got " + Shapes.toString(in[0]));
            return in[0].clone();
        }

        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Lrn(params); }
    }

    /** Concatenation along channels. */
    record Concat() implements LayerSpec {
        @Override public String type() { return "Concat"; }
        @Override public int inputs() { return -1; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            int[] out = in[0].clone();
            if (out.length != 4) throw new IllegalArgumentException("concat inputs must be N×C×H×W, got " + Shapes.toString(out));
            for (int i = 1; i < in.length; i++) {
                int[] s = in[i];
                if (s.length != 4 || s[0] != out[0] || s[2] != out[2] || s[3] != out[3])
                    throw new IllegalArgumentException("concat input " + i + " has shape " + Shapes.toString(s)
                            + ", incompatible with input 0 " + Shapes.toString(in[0]) + " (all but channels must match)");
                out[1] += s[1];
            }
            return out;
        }

        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Concat(); }
    }

    /** Element-wise sum of two inputs of one shape (ResNet's shortcut; Caffe's Eltwise SUM, ONNX Add). */
    record Add() implements LayerSpec {
        @Override public String type() { return "Add"; }
        @Override public int inputs() { return 2; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            if (!java.util.Arrays.equals(in[0], in[1]))
                throw new IllegalArgumentException("add inputs must have one shape, got " + Shapes.toString(in[0]) + " and " + Shapes.toString(in[1]));
            return in[0].clone();
        }

        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Add(); }
    }

    /** max(x, 0). */
    record Relu() implements LayerSpec {
        @Override public String type() { return "ReLU"; }
        @Override public int[] outputShape(List<int[]> constants, int[]... in) { return in[0].clone(); }
        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Relu(); }
    }

    /** x where x &gt; 0, else alpha·x (ONNX LeakyRelu). */
    record LeakyRelu(float alpha) implements LayerSpec {
        @Override public String type() { return "LeakyReLU"; }
        @Override public int[] outputShape(List<int[]> constants, int[]... in) { return in[0].clone(); }
        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.LeakyRelu(alpha); }
    }

    /** min(max(x, min), max) (ONNX Clip; ReLU6 is Clip(0, 6)). */
    record Clip(float min, float max) implements LayerSpec {
        public Clip {
            if (!(min <= max)) throw new IllegalArgumentException("clip needs min <= max, got min " + min + " and max " + max);
        }
        @Override public String type() { return "Clip"; }
        @Override public int[] outputShape(List<int[]> constants, int[]... in) { return in[0].clone(); }
        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Clip(min, max); }
    }

    /** 1 / (1 + e^−x) (ONNX Sigmoid). */
    record Sigmoid() implements LayerSpec {
        @Override public String type() { return "Sigmoid"; }
        @Override public int[] outputShape(List<int[]> constants, int[]... in) { return in[0].clone(); }
        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Sigmoid(); }
    }

    /**
     * x ∘ c, or c ∘ x when constantFirst, with one constant c (ONNX Add/Sub/Mul/Div with an initializer
     * or Constant operand: normalization, scaling). c has x's rank with a leading 1: a scalar, per
     * channel, per position or one full sample ({@link Arithmetic#broadcast}).
     */
    record ConstantArithmetic(Arithmetic operation, boolean constantFirst) implements LayerSpec {
        public ConstantArithmetic {
            if (operation == null) throw new IllegalArgumentException("constant arithmetic needs an operation");
        }
        @Override public String type() { return "Arithmetic"; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            if (constants.size() != 1) throw new IllegalArgumentException("constant arithmetic takes one constant, got " + constants.size());
            Arithmetic.broadcast(in[0], constants.get(0));
            return in[0].clone();
        }

        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.ConstantArithmetic(operation, constantFirst, c.get(0)); }
    }

    /** Padding of H and W (ONNX Pad; see {@link PadSpec}). */
    record Pad(PadSpec geometry) implements LayerSpec {
        @Override public String type() { return "Pad"; }

        @Override
        public int[] outputShape(List<int[]> constants, int[]... in) {
            int[] x = in[0];
            if (x.length != 4) throw new IllegalArgumentException("pad input must be N×C×H×W, got " + Shapes.toString(x));
            geometry.check(x[2], x[3]);
            return new int[] {x[0], x[1], geometry.outH(x[2]), geometry.outW(x[3])};
        }

        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Pad(geometry); }
    }

    /** The identity at inference. */
    record Dropout() implements LayerSpec {
        @Override public String type() { return "Dropout"; }
        @Override public int[] outputShape(List<int[]> constants, int[]... in) { return in[0].clone(); }
        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Dropout(); }
    }

    /** Softmax over channels (axis 1). */
    record Softmax() implements LayerSpec {
        @Override public String type() { return "Softmax"; }
        @Override public int[] outputShape(List<int[]> constants, int[]... in) { return in[0].clone(); }
        @Override public Op op(List<Tensor> c) { return new deepdream.engine.ops.Softmax(); }
    }
}
