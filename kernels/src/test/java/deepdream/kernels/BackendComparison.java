package deepdream.kernels;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Compares any backend with the reference backend, op by op, on host data: each op below uploads
 * its inputs to the given backend, runs, downloads the result and releases everything, so the same
 * call runs on both backends and the outputs can be compared. Used by the cpu tests and meant for
 * the opencl ones (it lives in the kernels test jar).
 *
 * <p>Error measure: max |expected − actual| / max |expected| — relative to the largest value, so
 * outputs that are sums of many products (convolutions) are not judged by their near-zero entries.
 */
public final class BackendComparison {
    private BackendComparison() {}

    /** Runs op on both backends and fails with a readable message if the relative error exceeds tol. */
    public static double assertClose(String what, Backend reference, Backend candidate, Function<Backend, float[]> op, double tol) {
        float[] expected = op.apply(reference);
        float[] actual = op.apply(candidate);
        if (expected.length != actual.length)
            throw new AssertionError(what + ": " + candidate.name() + " returned " + actual.length + " values, reference " + expected.length);
        double err = relativeError(expected, actual);
        if (!(err <= tol)) {
            int worst = worstIndex(expected, actual);
            throw new AssertionError(String.format("%s: %s differs from reference by %.3g (max |ref| %.4g, tolerance %.1g); worst at index %d: ref %s, %s %s",
                    what, candidate.name(), err, maxAbs(expected), tol, worst, expected[worst], candidate.name(), actual[worst]));
        }
        return err;
    }

    /** The default bound: float32 kernels against the double-accumulating reference. */
    public static final double TOLERANCE = 1e-4;

    /** Fails with the worst element when the relative error of actual exceeds tol; returns the error. */
    public static double assertCloseTo(String what, float[] actual, float[] expected, double tol) {
        if (actual.length != expected.length)
            throw new AssertionError(what + ": " + actual.length + " values, the reference " + expected.length);
        double err = relativeError(expected, actual);
        if (!(err <= tol)) {
            int worst = worstIndex(expected, actual);
            throw new AssertionError(String.format("%s: relative error %.3g > %.1g (max |ref| %.4g); worst at flat index %d: got %s, reference %s",
                    what, err, tol, maxAbs(expected), worst, actual[worst], expected[worst]));
        }
        return err;
    }

    /** Compares two tensors (any backends) by downloading both. */
    public static double assertCloseTo(String what, Tensor actual, Tensor expected, double tol) {
        if (!java.util.Arrays.equals(actual.shape(), expected.shape()))
            throw new AssertionError(what + ": shape " + deepdream.engine.Shapes.toString(actual.shape()) + " differs from the reference's "
                    + deepdream.engine.Shapes.toString(expected.shape()));
        return assertCloseTo(what, actual.toHost(), expected.toHost(), tol);
    }

    public static double relativeError(float[] expected, float[] actual) {
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (Double.isNaN(d)) return Double.NaN;
            diff = Math.max(diff, d);
        }
        double scale = maxAbs(expected);
        return scale == 0 ? diff : diff / scale;
    }

    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static int worstIndex(float[] e, float[] a) {
        int w = 0;
        for (int i = 1; i < e.length; i++) if (!(Math.abs(e[i] - a[i]) <= Math.abs(e[w] - a[w]))) w = i;
        return w;
    }

    // ---- data --------------------------------------------------------------------------------

    /** Gaussian values scaled by sd. */
    public static float[] gaussian(Random r, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * sd);
        return a;
    }

    /** Uniform values in [-1, 1). */
    public static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    /** Values from {-levels/2 .. levels/2}/levels: many exact ties (max-pool's first-maximum rule) at unit scale. */
    public static float[] ties(Random r, int n, int levels) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (r.nextInt(levels + 1) - levels / 2) / (float) levels;
        return a;
    }

    /** Small integers in [-levels, levels]: many exact ties (max-pool "first maximum" rule). */
    public static float[] quantized(Random r, int n, int levels) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(2 * levels + 1) - levels;
        return a;
    }

    public static int size(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    // ---- ops on host data ---------------------------------------------------------------------

    /** Runs body with the given host arrays uploaded; downloads and releases afterwards. */
    private static float[] with(Backend b, Function<Uploads, Tensor> body) {
        Uploads u = new Uploads(b);
        try {
            Tensor out = body.apply(u);
            return out.toHost();
        } finally {
            u.releaseAll();
        }
    }

    /** Tensors uploaded for one call, released together. */
    private static final class Uploads {
        final Backend b;
        final List<Tensor> all = new ArrayList<>();
        Uploads(Backend b) { this.b = b; }
        Tensor up(float[] data, int... shape) { Tensor t = b.upload(data, shape); all.add(t); return t; }
        Tensor out(int... shape) {
            Tensor t = b.allocate(shape);
            b.fill(t, Float.NaN);   // every op must overwrite its output completely
            all.add(t);
            return t;
        }
        void releaseAll() { for (Tensor t : all) t.release(); }
    }

    public static Function<Backend, float[]> conv2d(float[] x, int[] xs, float[] w, int[] ws, float[] bias, ConvSpec s) {
        return b -> with(b, u -> {
            Tensor y = u.out(xs[0], ws[0], s.outH(xs[2]), s.outW(xs[3]));
            b.conv2d(u.up(x, xs), u.up(w, ws), bias == null ? null : u.up(bias, ws[0]), s, y);
            return y;
        });
    }

    public static Function<Backend, float[]> conv2dBackwardData(float[] dy, float[] w, int[] ws, int[] xs, ConvSpec s) {
        return b -> with(b, u -> {
            Tensor dx = u.out(xs);
            b.conv2dBackwardData(u.up(dy, xs[0], ws[0], s.outH(xs[2]), s.outW(xs[3])), u.up(w, ws), s, dx);
            return dx;
        });
    }

    public static Function<Backend, float[]> pool(float[] x, int[] xs, PoolSpec s) {
        return b -> with(b, u -> {
            Tensor y = u.out(xs[0], xs[1], s.outH(xs[2]), s.outW(xs[3]));
            b.pool(u.up(x, xs), s, y);
            return y;
        });
    }

    public static Function<Backend, float[]> poolBackward(float[] x, int[] xs, float[] dy, PoolSpec s) {
        return b -> with(b, u -> {
            Tensor dx = u.out(xs);
            b.poolBackward(u.up(x, xs), u.up(dy, xs[0], xs[1], s.outH(xs[2]), s.outW(xs[3])), s, dx);
            return dx;
        });
    }

    /** Forward, then backward on the same input tensor: what a dream step does (the cpu backend reuses the forward's argmax). */
    public static Function<Backend, float[]> poolBackwardAfterForward(float[] x, int[] xs, float[] dy, PoolSpec s) {
        return b -> with(b, u -> {
            Tensor xt = u.up(x, xs), dx = u.out(xs);
            b.pool(xt, s, u.out(xs[0], xs[1], s.outH(xs[2]), s.outW(xs[3])));
            b.poolBackward(xt, u.up(dy, xs[0], xs[1], s.outH(xs[2]), s.outW(xs[3])), s, dx);
            return dx;
        });
    }

    public static Function<Backend, float[]> lrn(float[] x, int[] xs, LrnSpec s) {
        return b -> with(b, u -> {
            Tensor y = u.out(xs);
            b.lrn(u.up(x, xs), s, y);
            return y;
        });
    }

    /** y must be the forward output for x (compute it once, e.g. with the reference). */
    public static Function<Backend, float[]> lrnBackward(float[] x, float[] y, float[] dy, int[] xs, LrnSpec s) {
        return b -> with(b, u -> {
            Tensor dx = u.out(xs);
            b.lrnBackward(u.up(x, xs), u.up(y, xs), u.up(dy, xs), s, dx);
            return dx;
        });
    }

    /** Forward, then backward with its output on the same input tensor (the cpu backend reuses the forward's scale). */
    public static Function<Backend, float[]> lrnBackwardAfterForward(float[] x, float[] dy, int[] xs, LrnSpec s) {
        return b -> with(b, u -> {
            Tensor xt = u.up(x, xs), y = u.out(xs), dx = u.out(xs);
            b.lrn(xt, s, y);
            b.lrnBackward(xt, y, u.up(dy, xs), s, dx);
            return dx;
        });
    }

    public static Function<Backend, float[]> relu(float[] x, int... shape) {
        return b -> with(b, u -> {
            Tensor y = u.out(shape);
            b.relu(u.up(x, shape), y);
            return y;
        });
    }

    /** In place, as the ops use it (y = x). */
    public static Function<Backend, float[]> reluInPlace(float[] x, int... shape) {
        return b -> with(b, u -> {
            Tensor t = u.up(x, shape);
            b.relu(t, t);
            return t;
        });
    }

    public static Function<Backend, float[]> reluBackward(float[] x, float[] dy, int... shape) {
        return b -> with(b, u -> {
            Tensor dx = u.out(shape);
            b.reluBackward(u.up(x, shape), u.up(dy, shape), dx);
            return dx;
        });
    }

    public static Function<Backend, float[]> axpy(float a, float[] x, float[] y, int... shape) {
        return b -> with(b, u -> {
            Tensor yt = u.up(y, shape);
            b.axpy(a, u.up(x, shape), yt);
            return yt;
        });
    }

    public static Function<Backend, float[]> scale(float[] x, float a, int... shape) {
        return b -> with(b, u -> {
            Tensor t = u.up(x, shape);
            b.scale(t, a);
            return t;
        });
    }

    /** Σx², Σ|x| and Σx·y as one 3-element result. */
    public static Function<Backend, float[]> reductions(float[] x, float[] y, int... shape) {
        return b -> with(b, u -> {
            Tensor xt = u.up(x, shape), yt = u.up(y, shape);
            float[] r = {(float) b.sumSquares(xt), (float) b.sumAbs(xt), (float) b.dot(xt, yt)};
            return u.up(r, 3);
        });
    }

    /** Concat forward of parts (each N×Ci×H×W) then backward of g into every part, all flattened into one array. */
    public static Function<Backend, float[]> concat(List<float[]> parts, int[] channels, int n, int h, int w, float[] g) {
        return b -> with(b, u -> {
            int total = 0;
            for (int c : channels) total += c;
            Tensor out = u.out(n, total, h, w);
            int off = 0;
            for (int i = 0; i < parts.size(); i++) {
                b.copyIntoChannels(u.up(parts.get(i), n, channels[i], h, w), out, off);
                off += channels[i];
            }
            Tensor gt = u.up(g, n, total, h, w);
            float[] all = new float[2 * n * total * h * w];
            System.arraycopy(out.toHost(), 0, all, 0, n * total * h * w);
            off = 0;
            int pos = n * total * h * w;
            for (int channel : channels) {
                Tensor gi = u.out(n, channel, h, w);
                b.copyFromChannels(gt, off, gi);
                float[] gh = gi.toHost();
                System.arraycopy(gh, 0, all, pos, gh.length);
                pos += gh.length;
                off += channel;
            }
            return u.up(all, all.length);
        });
    }
}
