package deepdream.engine.image;

import java.util.SplittableRandom;

/**
 * A procedural sky with clouds (fractal value noise), the starting image when a dream is given no
 * photo: deterministic for a seed, soft enough that the net's own patterns take over.
 */
public final class Clouds {
    private Clouds() {}

    /** RGB 0..255, height×width. */
    public static PlanarImage generate(int height, int width, long seed) {
        if (height < 1 || width < 1) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        int plane = height * width;
        float[] density = new float[plane];
        SplittableRandom rnd = new SplittableRandom(seed);
        double amplitude = 1, total = 0;
        // Octaves of smooth noise, each twice as fine and half as strong: the classic fBm cloud look.
        for (int cell = Math.max(height, width) / 3; cell >= 2; cell /= 2) {
            addSmoothNoise(density, height, width, cell, amplitude, rnd);
            total += amplitude;
            amplitude *= 0.55;
        }
        float[] rgb = new float[3 * plane];
        float[] sky = {70, 130, 205}, cloud = {250, 248, 245};
        for (int y = 0; y < height; y++) {
            double horizon = (double) y / Math.max(1, height - 1);   // sky is paler towards the bottom
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                double d = density[i] / total;                        // about 0..1
                double c = smoothstep(0.45, 0.8, d);                  // cloud cover
                for (int k = 0; k < 3; k++) {
                    double s = sky[k] + (235 - sky[k]) * 0.45 * horizon;
                    rgb[k * plane + i] = (float) (s + (cloud[k] - s) * c - 35 * c * Math.max(0, d - 0.8));   // darker cores
                }
            }
        }
        return new PlanarImage(3, height, width, rgb);
    }

    /** Adds amplitude × bicubically smoothed random values on a grid of the given cell size. */
    private static void addSmoothNoise(float[] out, int height, int width, int cell, double amplitude, SplittableRandom rnd) {
        int gh = height / cell + 2, gw = width / cell + 2;
        double[] grid = new double[gh * gw];
        for (int i = 0; i < grid.length; i++) grid[i] = rnd.nextDouble();
        for (int y = 0; y < height; y++) {
            double gy = (double) y / cell;
            int y0 = (int) gy;
            double fy = fade(gy - y0);
            for (int x = 0; x < width; x++) {
                double gx = (double) x / cell;
                int x0 = (int) gx;
                double fx = fade(gx - x0);
                double top = lerp(grid[y0 * gw + x0], grid[y0 * gw + x0 + 1], fx);
                double bottom = lerp(grid[(y0 + 1) * gw + x0], grid[(y0 + 1) * gw + x0 + 1], fx);
                out[y * width + x] += (float) (amplitude * lerp(top, bottom, fy));
            }
        }
    }

    private static double fade(double t) { return t * t * (3 - 2 * t); }
    private static double lerp(double a, double b, double t) { return a + (b - a) * t; }

    private static double smoothstep(double lo, double hi, double v) {
        double t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
        return t * t * (3 - 2 * t);
    }
}
