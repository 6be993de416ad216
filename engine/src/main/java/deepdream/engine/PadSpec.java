package deepdream.engine;

/**
 * Padding of the two spatial axes of N×C×H×W (ONNX Pad with pads on H and W only). CONSTANT writes
 * {@code value} outside the input; REFLECT mirrors without repeating the edge (numpy's 'reflect', so
 * each pad must be below the axis' size); EDGE repeats the border pixel. The gradient of an input
 * pixel is the sum over every output that copies it.
 */
public record PadSpec(Mode mode, int top, int left, int bottom, int right, float value) {
    public enum Mode { CONSTANT, REFLECT, EDGE }

    public PadSpec {
        if (mode == null || top < 0 || left < 0 || bottom < 0 || right < 0)
            throw new IllegalArgumentException("invalid padding: " + mode + " pads " + top + "," + left + "," + bottom + "," + right
                    + " (top, left, bottom, right; pads must be >= 0)");
    }

    public static PadSpec zeros(int top, int left, int bottom, int right) { return new PadSpec(Mode.CONSTANT, top, left, bottom, right, 0f); }

    public int outH(int inH) { return inH + top + bottom; }
    public int outW(int inW) { return inW + left + right; }

    /** Throws IllegalArgumentException when this padding cannot apply to an H×W plane (reflect needs pads below the size). */
    public void check(int h, int w) {
        if (mode == Mode.REFLECT && (Math.max(top, bottom) >= h || Math.max(left, right) >= w))
            throw new IllegalArgumentException("reflect padding needs each pad below the size it mirrors: pads " + top + "," + left + ","
                    + bottom + "," + right + " (top, left, bottom, right) on a " + h + "×" + w + " plane");
    }

    /**
     * The input coordinate that output coordinate o (of an axis of size n padded by before) copies,
     * or -1 where CONSTANT writes the value.
     */
    public int source(int o, int n, int before) {
        int s = o - before;
        if (s >= 0 && s < n) return s;
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> s < 0 ? 0 : n - 1;
            case REFLECT -> s < 0 ? -s : 2 * (n - 1) - s;
        };
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase() + " pads " + top + "," + left + "," + bottom + "," + right + (mode == Mode.CONSTANT ? " value " + value : "");
    }
}
