package deepdream.engine.visualize;

import deepdream.engine.objective.Objective;

/**
 * An image prior: weight·P(image) is subtracted from what the visualization maximizes, so each step
 * moves the image by −weight·∇P on top of the (normalized) ascent direction. P is an ordinary
 * {@link Objective} evaluated on the image itself (net input: BGR, mean subtracted).
 */
public record Penalty(double weight, Objective objective) {
    public Penalty {
        if (!(weight >= 0) || !Double.isFinite(weight)) throw new IllegalArgumentException("penalty weight must be 0 or more, got " + weight);
    }

    /** Total variation with exponent beta (Mahendran &amp; Vedaldi): smooths, removes high-frequency noise. */
    public static Penalty totalVariation(double weight, double beta) {
        return new Penalty(weight, Objective.totalVariation(beta, TV_EPSILON));
    }

    /** L2 decay 0.5·Σx² (Yosinski et al.): pulls every pixel towards the mean colour, a step shrinks x by step·weight. */
    public static Penalty decay(double weight) { return new Penalty(weight, Objective.l2()); }

    /** ε of the TV term, in pixel units (0..255): far below visible differences, enough to keep β &lt; 2 differentiable. */
    public static final double TV_EPSILON = 1.0;
}
