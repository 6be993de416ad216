package deepdream.engine;

/**
 * y = x ∘ c or c ∘ x for a constant c broadcast over x (ONNX Add/Sub/Mul/Div with one constant
 * operand). The constant has x's rank with a leading 1 and is one of four patterns, so the element
 * of c for flat index i of x is always {@code c[(i / inner) % count]} (see {@link #broadcast}):
 * a scalar (all 1s), per channel (1×C×1×1), per position (1×1×H×W) or one full sample (1×C×H×W);
 * every sample of a batch reads the same constant.
 */
public enum Arithmetic {
    ADD("+"), SUB("-"), MUL("·"), DIV("/");

    public final String symbol;

    Arithmetic(String symbol) { this.symbol = symbol; }

    /** The forward value in float, the oracle's formula (every backend rounds the same single operation). */
    public float apply(boolean constantFirst, float x, float c) {
        float a = constantFirst ? c : x, b = constantFirst ? x : c;
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }

    /** d(y)/d(x)·g; for c / x it is −(g·c)/(x·x), rounded in that order by every backend. */
    public float inputGradient(boolean constantFirst, float x, float c, float g) {
        return switch (this) {
            case ADD -> g;
            case SUB -> constantFirst ? -g : g;
            case MUL -> g * c;
            case DIV -> constantFirst ? -(g * c / (x * x)) : g / c;
        };
    }

    public String describe(boolean constantFirst) { return constantFirst ? "c " + symbol + " x" : "x " + symbol + " c"; }

    /**
     * {inner, count} such that c[(i / inner) % count] is the constant element for flat index i of x;
     * throws IllegalArgumentException naming both shapes when c is none of the four patterns.
     */
    public static int[] broadcast(int[] x, int[] c) {
        int rank = x.length;
        boolean ok = c.length == rank && rank >= 1 && c[0] == 1;
        boolean channelOnes = true, channelFull = true, restOnes = true, restFull = true;
        for (int d = 1; ok && d < rank; d++) {
            boolean one = c[d] == 1, full = c[d] == x[d];
            if (d == 1) { channelOnes = one; channelFull = full; }
            else { restOnes &= one; restFull &= full; }
        }
        int count = Shapes.size(c), plane = 1;
        for (int d = 2; d < rank; d++) plane *= x[d];
        if (ok && channelOnes && restOnes) return new int[] {Math.max(1, Shapes.size(x)), 1};       // scalar: one run over everything
        if (ok && channelFull && restOnes) return new int[] {plane, count};                          // per channel
        if (ok && (channelOnes || channelFull) && restFull) return new int[] {1, count};             // per position or full sample
        throw new IllegalArgumentException("constant of shape " + Shapes.toString(c) + " does not broadcast over input " + Shapes.toString(x)
                + "; supported: a scalar, one value per channel (1×C×1×1), per position (1×1×H×W) or a full sample (1×C×H×W)");
    }
}
