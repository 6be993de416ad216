package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;

/** One activation value a[0][c][y][x]; gradient 1 there, 0 elsewhere. */
final class Unit implements Objective {
    private final int channel, y, x;

    Unit(int channel, int y, int x) { this.channel = channel; this.y = y; this.x = x; }

    private int index(Tensor a) {
        if (channel < 0 || channel >= a.c() || y < 0 || y >= a.h() || x < 0 || x >= a.w())
            throw new IllegalArgumentException("unit (" + channel + "," + y + "," + x + ") outside the blob's C×H×W = "
                    + a.c() + "×" + a.h() + "×" + a.w());
        return (channel * a.h() + y) * a.w() + x;
    }

    @Override public double value(Backend b, Tensor a) { return b.get(a, index(a)); }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) {
        int i = index(a);
        b.fill(grad, 0f);
        b.set(grad, i, 1f);
    }

    @Override public String toString() { return "unit " + channel + "," + y + "," + x; }

    /** Tied to positions of the whole blob: cannot be computed tile by tile. */
    @Override public boolean isPositionwise() { return false; }
}
