package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.SplittableRandom;

/** Circular shift by (dy, dx) drawn uniformly from [−pixels, pixels]²; the adjoint is the shift back. */
final class Jitter implements ImageTransform {
    private final int pixels;

    Jitter(int pixels) {
        if (pixels < 0) throw new IllegalArgumentException("jitter must be 0 or more pixels, got " + pixels);
        this.pixels = pixels;
    }

    @Override
    public Instance sample(int height, int width, SplittableRandom random) {
        int dy = random.nextInt(-pixels, pixels + 1), dx = random.nextInt(-pixels, pixels + 1);
        return new Instance() {
            @Override public PlanarImage forward(PlanarImage image) { return roll(image, dy, dx); }
            @Override public PlanarImage adjoint(PlanarImage gradient) { return roll(gradient, -dy, -dx); }
        };
    }

    /** dst[c][(y+dy) mod H][(x+dx) mod W] = src[c][y][x], as {@link deepdream.engine.Backend#roll}. */
    static PlanarImage roll(PlanarImage src, int dy, int dx) {
        int h = src.height(), w = src.width();
        PlanarImage dst = new PlanarImage(src.channels(), h, w);
        float[] in = src.data(), out = dst.data();
        int sy = Math.floorMod(dy, h), sx = Math.floorMod(dx, w);
        for (int c = 0; c < src.channels(); c++)
            for (int y = 0; y < h; y++) {
                int from = (c * h + y) * w, to = (c * h + (y + sy) % h) * w;
                System.arraycopy(in, from, out, to + sx, w - sx);
                System.arraycopy(in, from + w - sx, out, to, sx);
            }
        return dst;
    }

    @Override public String toString() { return "jitter " + pixels + " px"; }
}
