package deepdream.kernels.cpu;

import deepdream.engine.Arithmetic;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise loops on host arrays, each a vector loop followed by its scalar tail (the tail is the
 * readable scalar twin of the loop). Ranges are [from, to) so callers can split them across threads.
 *
 * <p>The tail rounds exactly like the vector lanes (a fused multiply-add where the loop uses one):
 * where a range is cut depends on the thread count, and a dream amplifies a one-ulp difference into
 * a visibly different picture within a few steps. Reductions add their lanes in a fixed order
 * (reduceLanes leaves the order to the JDK) for the same reason.
 */
final class VectorOps {
    private VectorOps() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements summed in float before being added to the double total (keeps Σ accurate to ~1e-7). */
    private static final int BLOCK = 1024;

    /** y = max(x, 0). */
    static void relu(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L)
            FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        for (; i < to; i++) y[i] = Math.max(x[i], 0f);
    }

    /**
     * dx = dy where x &gt; 0, else 0. Gradients below {@link #TINY} in magnitude are flushed to zero:
     * Java cannot set the CPU's flush-to-zero mode, and denormal gradients deep in backward would
     * otherwise make every convolution that reads them many times slower.
     */
    static void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, i);
            var keep = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f)
                    .and(g.abs().compare(VectorOperators.GE, TINY));
            FloatVector.zero(S).blend(g, keep).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = x[i] > 0f && Math.abs(dy[i]) >= TINY ? dy[i] : 0f;
    }

    /** y = x where x &gt; 0, else alpha·x. */
    static void leakyRelu(float[] x, float alpha, float[] y, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < to; i++) y[i] = x[i] > 0f ? x[i] : alpha * x[i];
    }

    /** dx = dy where x &gt; 0, else alpha·dy. */
    static void leakyReluBackward(float[] x, float alpha, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, i);
            g.mul(alpha).blend(g, FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = x[i] > 0f ? dy[i] : alpha * dy[i];
    }

    /** y = min(max(x, min), max). */
    static void clip(float[] x, float min, float max, float[] y, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L)
            FloatVector.fromArray(S, x, i).max(min).min(max).intoArray(y, i);
        for (; i < to; i++) y[i] = Math.min(Math.max(x[i], min), max);
    }

    /** dx = dy where min &lt; x &lt; max, else 0. */
    static void clipBackward(float[] x, float min, float max, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            var inside = v.compare(VectorOperators.GT, min).and(v.compare(VectorOperators.LT, max));
            FloatVector.zero(S).blend(FloatVector.fromArray(S, dy, i), inside).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = x[i] > min && x[i] < max ? dy[i] : 0f;
    }

    /**
     * y = 1 / (1 + e^−x), a scalar loop only: the Vector API's EXP need not round like Math.exp, so a
     * vector loop with a scalar tail would give results that depend on where the threads cut the range.
     */
    static void sigmoid(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = 1f / (1f + (float) Math.exp(-x[i]));
    }

    /** dx = dy·(y·(1 − y)). */
    static void sigmoidBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, dy, i).mul(v.mul(v.neg().add(1f))).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = dy[i] * (y[i] * (1f - y[i]));
    }

    /**
     * y = x ∘ c or c ∘ x over [from, to), c read at (i / inner) % count ({@link Arithmetic#broadcast}):
     * split into runs where the constant is one value (inner &gt; 1) or consecutive elements of c.
     */
    static void arithmetic(Arithmetic op, boolean cFirst, float[] x, float[] c, int inner, int count, float[] y, int from, int to) {
        for (int i = from; i < to; ) {
            int j = (i / inner) % count;
            int end = inner > 1 ? Math.min(to, (i / inner + 1) * inner) : Math.min(to, i + count - j);
            arithmeticRun(op, cFirst, x, c, j - i, inner > 1, y, i, end);
            i = end;
        }
    }

    /** One run: the constant is c[i + offset], or the one value c[from + offset] when same. */
    private static void arithmeticRun(Arithmetic op, boolean cFirst, float[] x, float[] c, int offset, boolean same, float[] y, int from, int to) {
        VectorOperators.Binary bin = binary(op);
        float c0 = c[from + offset];
        FloatVector one = FloatVector.broadcast(S, c0);
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i), k = same ? one : FloatVector.fromArray(S, c, i + offset);
            (cFirst ? k.lanewise(bin, v) : v.lanewise(bin, k)).intoArray(y, i);
        }
        for (; i < to; i++) y[i] = op.apply(cFirst, x[i], same ? c0 : c[i + offset]);
    }

    /** dx = ∂y/∂x·dy of {@link #arithmetic}, the same runs. */
    static void arithmeticBackward(Arithmetic op, boolean cFirst, float[] x, float[] c, int inner, int count, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; ) {
            int j = (i / inner) % count;
            int end = inner > 1 ? Math.min(to, (i / inner + 1) * inner) : Math.min(to, i + count - j);
            arithmeticBackwardRun(op, cFirst, x, c, j - i, inner > 1, dy, dx, i, end);
            i = end;
        }
    }

    private static void arithmeticBackwardRun(Arithmetic op, boolean cFirst, float[] x, float[] c, int offset, boolean same,
                                              float[] dy, float[] dx, int from, int to) {
        float c0 = c[from + offset];
        FloatVector one = FloatVector.broadcast(S, c0);
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, i), k = same ? one : FloatVector.fromArray(S, c, i + offset);
            FloatVector r = switch (op) {
                case ADD -> g;
                case SUB -> cFirst ? g.neg() : g;
                case MUL -> g.mul(k);
                case DIV -> {
                    if (!cFirst) yield g.div(k);
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    yield g.mul(k).div(v.mul(v)).neg();
                }
            };
            r.intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = op.inputGradient(cFirst, x[i], same ? c0 : c[i + offset], dy[i]);
    }

    /** dst[dstOff + k] += src[srcOff + k] for k &lt; n. */
    static void accumulate(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int k = 0;
        for (int end = S.loopBound(n); k < end; k += L)
            FloatVector.fromArray(S, dst, dstOff + k).add(FloatVector.fromArray(S, src, srcOff + k)).intoArray(dst, dstOff + k);
        for (; k < n; k++) dst[dstOff + k] += src[srcOff + k];
    }

    private static VectorOperators.Binary binary(Arithmetic op) {
        return switch (op) {
            case ADD -> VectorOperators.ADD;
            case SUB -> VectorOperators.SUB;
            case MUL -> VectorOperators.MUL;
            case DIV -> VectorOperators.DIV;
        };
    }

    /** Smallest gradient magnitude kept by {@link #reluBackward}; far below anything that moves a pixel. */
    static final float TINY = 1e-30f;

    /** y += a·x. */
    static void axpy(float a, float[] x, float[] y, int from, int to) {
        int i = from;
        FloatVector av = FloatVector.broadcast(S, a);
        for (int end = from + S.loopBound(to - from); i < end; i += L)
            av.fma(FloatVector.fromArray(S, x, i), FloatVector.fromArray(S, y, i)).intoArray(y, i);
        for (; i < to; i++) y[i] = Math.fma(a, x[i], y[i]);
    }

    /** y = a + b. */
    static void add(float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L)
            FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        for (; i < to; i++) y[i] = a[i] + b[i];
    }

    /** x *= a. */
    static void scale(float[] x, float a, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L)
            FloatVector.fromArray(S, x, i).mul(a).intoArray(x, i);
        for (; i < to; i++) x[i] *= a;
    }

    /** Σ x². */
    static double sumSquares(float[] x, int from, int to) {
        double total = 0;
        for (int b = from; b < to; b += BLOCK) {
            int e = Math.min(to, b + BLOCK), i = b;
            FloatVector acc = FloatVector.zero(S);
            for (int end = b + S.loopBound(e - b); i < end; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                acc = v.fma(v, acc);
            }
            double part = laneSum(acc);
            for (; i < e; i++) part += (double) x[i] * x[i];
            total += part;
        }
        return total;
    }

    /** Σ |x|. */
    static double sumAbs(float[] x, int from, int to) {
        double total = 0;
        for (int b = from; b < to; b += BLOCK) {
            int e = Math.min(to, b + BLOCK), i = b;
            FloatVector acc = FloatVector.zero(S);
            for (int end = b + S.loopBound(e - b); i < end; i += L) acc = acc.add(FloatVector.fromArray(S, x, i).abs());
            double part = laneSum(acc);
            for (; i < e; i++) part += Math.abs(x[i]);
            total += part;
        }
        return total;
    }

    /** Σ a·b. */
    static double dot(float[] a, float[] b, int from, int to) {
        double total = 0;
        for (int s = from; s < to; s += BLOCK) {
            int e = Math.min(to, s + BLOCK), i = s;
            FloatVector acc = FloatVector.zero(S);
            for (int end = s + S.loopBound(e - s); i < end; i += L)
                acc = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, i), acc);
            double part = laneSum(acc);
            for (; i < e; i++) part += (double) a[i] * b[i];
            total += part;
        }
        return total;
    }

    /** The lanes of v added in lane order, in double. */
    private static double laneSum(FloatVector v) {
        double sum = 0;
        for (int lane = 0; lane < L; lane++) sum += v.lane(lane);
        return sum;
    }
}
