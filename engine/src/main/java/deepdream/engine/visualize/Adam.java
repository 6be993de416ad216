package deepdream.engine.visualize;

/**
 * Adam (Kingma &amp; Ba, 2015), as TensorFlow's AdamOptimizer that Lucid uses, for gradient
 * <em>ascent</em>: θ += lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε), with m, v the running means of g and
 * g² (TensorFlow's form of the bias correction, ε outside it). Each parameter moves by about lr per step whatever
 * its gradient's scale, so parameters of very different sensitivity (low and high frequencies) all move.
 * Element by element in double, in index order: the same gradients give the same bits everywhere.
 */
public final class Adam {
    public static final double BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8;

    private final double lr;
    private final double[] m, v;
    private int t;

    public Adam(int parameters, double learningRate) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        this.lr = learningRate;
        this.m = new double[parameters];
        this.v = new double[parameters];
    }

    /** One ascent step on params (in place) along the gradient g of what is maximized. */
    public void ascend(double[] params, double[] g) {
        check(params.length, g.length);
        t++;
        double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < params.length; i++) params[i] += delta(i, g[i], c1, c2);
    }

    /** The same on float parameters (pixels), the moments kept in double. */
    public void ascend(float[] params, float[] g) {
        check(params.length, g.length);
        t++;
        double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < params.length; i++) params[i] += (float) delta(i, g[i], c1, c2);
    }

    private double delta(int i, double g, double c1, double c2) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * g;
        v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
        return lr * Math.sqrt(c2) / c1 * m[i] / (Math.sqrt(v[i]) + EPSILON);
    }

    private void check(int params, int grads) {
        if (params != m.length || grads != m.length)
            throw new IllegalArgumentException("Adam holds " + m.length + " parameters, got " + params + " and a gradient of " + grads);
    }
}
