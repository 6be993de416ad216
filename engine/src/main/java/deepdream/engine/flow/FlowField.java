package deepdream.engine.flow;

/**
 * A dense motion field between two frames: for every pixel x of the first frame, the displacement
 * (u, v) in pixels such that frame1(x) ≈ frame2(x + (u, v)) (the Middlebury convention).
 */
public final class FlowField {
    private final int height, width;
    private final float[] u, v;

    public FlowField(int height, int width, float[] u, float[] v) {
        if (height < 1 || width < 1) throw new IllegalArgumentException("flow size must be positive: " + width + "x" + height);
        if (u.length != height * width || v.length != height * width)
            throw new IllegalArgumentException("flow planes must have " + height * width + " values");
        this.height = height;
        this.width = width;
        this.u = u;
        this.v = v;
    }

    public FlowField(int height, int width) { this(height, width, new float[height * width], new float[height * width]); }

    public int height() { return height; }
    public int width() { return width; }
    /** Horizontal displacements, row by row. */
    public float[] u() { return u; }
    /** Vertical displacements, row by row. */
    public float[] v() { return v; }

    /** Average end-point error against another field, over the pixels where mask is true (all when null). */
    public double endPointError(FlowField truth, boolean[] mask) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < u.length; i++) {
            if (mask != null && !mask[i]) continue;
            double du = u[i] - truth.u[i], dv = v[i] - truth.v[i];
            sum += Math.sqrt(du * du + dv * dv);
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }
}
