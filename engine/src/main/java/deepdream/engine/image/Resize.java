package deepdream.engine.image;

/**
 * Bilinear resampling with pixel centres aligned (align_corners = false, as PIL and most tools do).
 * When shrinking by more than 2×, the source is first box-filtered so that detail does not alias.
 */
public final class Resize {
    private Resize() {}

    public static PlanarImage bilinear(PlanarImage src, int newHeight, int newWidth) {
        if (newHeight == src.height() && newWidth == src.width()) return src.copy();
        PlanarImage s = src;
        // Box-filter big reductions first: plain bilinear only looks at 2×2 pixels and would alias.
        while (s.height() >= 2 * newHeight && s.width() >= 2 * newWidth) s = halve(s);
        PlanarImage dst = new PlanarImage(s.channels(), newHeight, newWidth);
        double sy = (double) s.height() / newHeight, sx = (double) s.width() / newWidth;
        int[] x0 = new int[newWidth], x1 = new int[newWidth];
        float[] fx = new float[newWidth];
        for (int x = 0; x < newWidth; x++) {
            double p = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), s.width() - 1);
            x0[x] = (int) p;
            x1[x] = Math.min(x0[x] + 1, s.width() - 1);
            fx[x] = (float) (p - x0[x]);
        }
        float[] in = s.data(), out = dst.data();
        for (int c = 0; c < s.channels(); c++) {
            int inPlane = c * s.height() * s.width(), outPlane = c * newHeight * newWidth;
            for (int y = 0; y < newHeight; y++) {
                double p = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), s.height() - 1);
                int y0 = (int) p, y1 = Math.min(y0 + 1, s.height() - 1);
                float fy = (float) (p - y0);
                int r0 = inPlane + y0 * s.width(), r1 = inPlane + y1 * s.width(), o = outPlane + y * newWidth;
                for (int x = 0; x < newWidth; x++) {
                    float top = in[r0 + x0[x]] + (in[r0 + x1[x]] - in[r0 + x0[x]]) * fx[x];
                    float bot = in[r1 + x0[x]] + (in[r1 + x1[x]] - in[r1 + x0[x]]) * fx[x];
                    out[o + x] = top + (bot - top) * fy;
                }
            }
        }
        return dst;
    }

    /**
     * Bilinear resampling of a periodic image: with wrapX the left and right edges are neighbours
     * (a 360° panorama), with wrapY also the top and bottom (a tileable texture). No box prefilter:
     * meant for octave ratios below 2.
     */
    public static PlanarImage bilinear(PlanarImage src, int newHeight, int newWidth, boolean wrapX, boolean wrapY) {
        if (!wrapX && !wrapY) return bilinear(src, newHeight, newWidth);
        if (newHeight == src.height() && newWidth == src.width()) return src.copy();
        int sh = src.height(), sw = src.width();
        PlanarImage dst = new PlanarImage(src.channels(), newHeight, newWidth);
        double sy = (double) sh / newHeight, sx = (double) sw / newWidth;
        int[] x0 = new int[newWidth], x1 = new int[newWidth];
        float[] fx = new float[newWidth];
        for (int x = 0; x < newWidth; x++) {
            double p = (x + 0.5) * sx - 0.5;
            if (!wrapX) p = Math.min(Math.max(p, 0), sw - 1);
            int f = (int) Math.floor(p);
            fx[x] = (float) (p - f);
            x0[x] = wrapX ? Math.floorMod(f, sw) : f;
            x1[x] = wrapX ? Math.floorMod(f + 1, sw) : Math.min(f + 1, sw - 1);
        }
        float[] in = src.data(), out = dst.data();
        for (int c = 0; c < src.channels(); c++) {
            int inPlane = c * sh * sw, outPlane = c * newHeight * newWidth;
            for (int y = 0; y < newHeight; y++) {
                double p = (y + 0.5) * sy - 0.5;
                if (!wrapY) p = Math.min(Math.max(p, 0), sh - 1);
                int f = (int) Math.floor(p);
                float fy = (float) (p - f);
                int y0 = wrapY ? Math.floorMod(f, sh) : f, y1 = wrapY ? Math.floorMod(f + 1, sh) : Math.min(f + 1, sh - 1);
                int r0 = inPlane + y0 * sw, r1 = inPlane + y1 * sw, o = outPlane + y * newWidth;
                for (int x = 0; x < newWidth; x++) {
                    float top = in[r0 + x0[x]] + (in[r0 + x1[x]] - in[r0 + x0[x]]) * fx[x];
                    float bot = in[r1 + x0[x]] + (in[r1 + x1[x]] - in[r1 + x0[x]]) * fx[x];
                    out[o + x] = top + (bot - top) * fy;
                }
            }
        }
        return dst;
    }

    /**
     * Zooms into the centre by factor (&gt; 1 enlarges), keeping the size: the frame-to-frame step of
     * the notebook's zoom animation. Bilinear, edges clamped.
     */
    public static PlanarImage zoomCentre(PlanarImage src, double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) throw new IllegalArgumentException("zoom factor must be positive, got " + factor);
        int h = src.height(), w = src.width();
        PlanarImage dst = new PlanarImage(src.channels(), h, w);
        for (int c = 0; c < src.channels(); c++)
            for (int y = 0; y < h; y++) {
                double sy = clamp((y + 0.5 - h / 2.0) / factor + h / 2.0 - 0.5, h - 1);
                int y0 = (int) sy, y1 = Math.min(y0 + 1, h - 1);
                double fy = sy - y0;
                for (int x = 0; x < w; x++) {
                    double sx = clamp((x + 0.5 - w / 2.0) / factor + w / 2.0 - 0.5, w - 1);
                    int x0 = (int) sx, x1 = Math.min(x0 + 1, w - 1);
                    double fx = sx - x0;
                    double top = src.get(c, y0, x0) + (src.get(c, y0, x1) - src.get(c, y0, x0)) * fx;
                    double bottom = src.get(c, y1, x0) + (src.get(c, y1, x1) - src.get(c, y1, x0)) * fx;
                    dst.set(c, y, x, (float) (top + (bottom - top) * fy));
                }
            }
        return dst;
    }

    private static double clamp(double v, int max) { return Math.min(Math.max(v, 0), max); }

    /** 2×2 box filter (odd last row/column kept by clamping). */
    static PlanarImage halve(PlanarImage s) {
        int h = (s.height() + 1) / 2, w = (s.width() + 1) / 2;
        PlanarImage d = new PlanarImage(s.channels(), h, w);
        for (int c = 0; c < s.channels(); c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int ya = 2 * y, yb = Math.min(2 * y + 1, s.height() - 1), xa = 2 * x, xb = Math.min(2 * x + 1, s.width() - 1);
                    d.set(c, y, x, 0.25f * (s.get(c, ya, xa) + s.get(c, ya, xb) + s.get(c, yb, xa) + s.get(c, yb, xb)));
                }
        return d;
    }
}
