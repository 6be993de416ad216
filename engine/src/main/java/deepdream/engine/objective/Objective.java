package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/**
 * A scalar function of one blob, maximized by the dream. {@link #gradient} is the seed handed to
 * {@link deepdream.engine.autograd.Tape#backward}: d(value)/d(activation).
 */
public interface Objective {
    double value(Backend b, Tensor activation);

    /** Writes d(value)/d(activation) into grad (same shape as activation). */
    void gradient(Backend b, Tensor activation, Tensor grad);

    /** Both at once; objectives whose value and gradient share work override it. */
    default double valueAndGradient(Backend b, Tensor activation, Tensor grad) {
        gradient(b, activation, grad);
        return value(b, activation);
    }

    /**
     * True when the objective is a sum of per-position terms, so that computing it on overlapping
     * tiles and keeping each tile's centre gives the whole image's gradient. A mean is such a sum
     * divided by the blob's size, so a tile's gradient must be rescaled (see {@link #tileScale}).
     */
    default boolean isPositionwise() { return true; }

    /** Factor for a tile's gradient: 1 for sums; tile positions / whole positions for means. */
    default double tileScale(int tilePositions, int wholePositions) { return 1.0; }

    /** DeepDream's default: 0.5·Σ a²; its gradient is the activation itself. */
    static Objective l2() { return new L2(); }

    /** Mean of one channel over N, H, W. */
    static Objective channelMean(int channel) { return new ChannelMean(channel); }

    /** One unit: activation[0][c][y][x] (for 2-D blobs such as class scores, use y = x = 0). */
    static Objective unit(int channel, int y, int x) { return new Unit(channel, y, x); }

    /** Lucid's direction: mean over N, C, H, W of a[n][c][y][x]·v[c] (v has one component per channel). */
    static Objective direction(float[] vector) { return new Direction(vector); }

    /**
     * Lucid's diversity of a batch: (1/N) Σ_{i≠j} ⟨Ĝ_i, Ĝ_j⟩ of the images' normalized Gram matrices.
     * Give it a negative weight to push the images apart.
     */
    static Objective diversity() { return new Diversity(); }

    /**
     * A batch with one objective per sample: Σ_n objectives[n](a[n]), each on its sample alone, so
     * every sample gets exactly the gradient it would get in a batch of one (batched grids).
     */
    static Objective perSample(java.util.List<Objective> objectives) { return new PerSample(objectives); }

    /** Σ a·t for a fixed tensor t of the activation's shape. */
    static Objective dot(Tensor target) { return new Dot(target); }

    /**
     * Guided dream (the original notebook's objective): at each position, the dot product with the
     * best-matching guide feature vector. features: the guide's activation at the layer, C×Hg×Wg.
     */
    static Objective guide(float[] features, int channels) { return new Guide(features, channels); }

    /**
     * Total variation Σ (dx² + dy² + ε²)^(β/2) of an image, per channel: an image prior, used as a
     * penalty (negative weight) on the input. β ≥ 1; β &lt; 2 needs ε &gt; 0.
     */
    static Objective totalVariation(double beta, double epsilon) { return new TotalVariation(beta, epsilon); }
}
