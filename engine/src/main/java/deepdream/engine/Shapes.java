package deepdream.engine;

import java.util.Arrays;

/** Small helpers for int[] shapes. */
public final class Shapes {
    private Shapes() {}

    public static int size(int[] shape) {
        if (shape.length < 1 || shape.length > 4)
            throw new IllegalArgumentException("tensor rank must be 1..4, got " + toString(shape));
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("tensor dimensions must be positive, got " + toString(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large: " + toString(shape));
        return (int) n;
    }

    /** "1×3×224×224". */
    public static String toString(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : "×").append(shape[i]);
        return sb.toString();
    }

    public static void requireSame(String what, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException(what + ": shape " + toString(a.shape()) + " does not match " + toString(b.shape()));
    }

    public static void require(String what, Tensor t, int... expected) {
        if (!t.hasShape(expected))
            throw new IllegalArgumentException(what + ": expected shape " + toString(expected) + ", got " + toString(t.shape()));
    }
}
