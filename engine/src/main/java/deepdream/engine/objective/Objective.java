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

    /** DeepDream's default: 0.5·Σ a²; its gradient is the activation itself. */
    static Objective l2() { return new L2(); }

    /** Mean of one channel over N, H, W. */
    static Objective channelMean(int channel) { return new ChannelMean(channel); }

    /** One unit: activation[0][c][y][x] (for 2-D blobs such as class scores, use y = x = 0). */
    static Objective unit(int channel, int y, int x) { return new Unit(channel, y, x); }

    /** Σ a·t for a fixed tensor t of the activation's shape (guided dreams). */
    static Objective dot(Tensor target) { return new Dot(target); }
}
