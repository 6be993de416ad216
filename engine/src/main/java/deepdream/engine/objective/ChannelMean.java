package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/** Mean of channel c: (1 / (N·H·W)) Σ a[n][c][y][x]; gradient 1/(N·H·W) on that channel, 0 elsewhere. */
final class ChannelMean implements Objective {
    private final int channel;

    ChannelMean(int channel) { this.channel = channel; }

    private void check(Tensor a) {
        if (channel < 0 || channel >= a.c())
            throw new IllegalArgumentException("channel " + channel + " out of range: the blob has " + a.c() + " channels (0.." + (a.c() - 1) + ")");
    }

    @Override
    public double value(Backend b, Tensor a) {
        check(a);
        return b.sumChannel(a, channel) / ((double) a.n() * a.h() * a.w());
    }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) {
        check(a);
        b.fill(grad, 0f);
        b.fillChannel(grad, channel, (float) (1.0 / ((double) a.n() * a.h() * a.w())));
    }

    @Override public double tileScale(int tilePositions, int wholePositions) { return (double) tilePositions / wholePositions; }

    @Override public String toString() { return "channel " + channel; }
}
