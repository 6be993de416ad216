package deepdream.engine.flow;

import deepdream.engine.image.PlanarImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense optical flow: coarse-to-fine, iteratively warped Lucas–Kanade on every pixel, with a
 * Tikhonov term that keeps the coarser level's estimate where the image is flat, a 3×3 median
 * of the field (the single most useful trick of Sun, Roth and Black, "Secrets of optical flow",
 * 2010), then on every level a {@link VariationalRefinement} (as DIS does after its patch search),
 * which more than halves the error on flat areas and at motion edges. docs/video.md holds the end-point errors
 * next to OpenCV's DIS and Farneback on pairs made from real photos.
 * <p>
 * The result F satisfies frame1(x) ≈ frame2(x + F(x)). Plain loops on float planes; the work buffers
 * are allocated once per flow, for the finest level, and reused by every level and iteration.
 */
public final class OpticalFlow {
    /**
     * levels: at most this many pyramid levels (each half the size); radius: the window is
     * (2·radius+1)² pixels; iterations: warps per level; regularization: the prior's weight per
     * window pixel, in squared grey levels per pixel (flat areas below about √ of it follow the coarser level);
     * refinement: the variational refinement run on every level after the window solve, or null for none.
     */
    public record Settings(int levels, int radius, int iterations, double regularization, VariationalRefinement.Settings refinement) {
        public Settings {
            if (levels < 1 || radius < 1 || iterations < 1 || !(regularization >= 0))
                throw new IllegalArgumentException("bad flow settings: levels " + levels + ", radius " + radius + ", iterations " + iterations + ", regularization " + regularization);
        }

        /**
         * Measured on docs/video.md's pairs: smaller windows lose textureless regions, bigger ones blur
         * motion edges. With the refinement after it, 2 window iterations per level instead of 4, and
         * 3 fixed points of the refinement instead of OpenCV's 5, each cost under 0.01 px of error and
         * keep a 1024×768 flow well under a second.
         */
        public static Settings defaults() { return new Settings(6, 4, 2, 4.0, VariationalRefinement.Settings.defaults().withFixedPoints(3)); }
    }

    /** The coarsest level keeps at least this many pixels on its shorter side. */
    private static final int MIN_LEVEL_SIDE = 12;

    private OpticalFlow() {}

    public static FlowField compute(PlanarImage frame1, PlanarImage frame2) { return compute(frame1, frame2, Settings.defaults()); }

    public static FlowField compute(PlanarImage frame1, PlanarImage frame2, Settings s) {
        if (frame1.height() != frame2.height() || frame1.width() != frame2.width())
            throw new IllegalArgumentException("frames differ in size: " + frame1.width() + "x" + frame1.height() + " and " + frame2.width() + "x" + frame2.height());
        return compute(Gray.of(frame1), Gray.of(frame2), frame1.height(), frame1.width(), s);
    }

    /**
     * The flow of a 360 degree panorama (left and right edges meet): both frames padded with pad
     * columns wrapped from the other side, so motion across the seam is found as it is inside, then
     * the centre kept.
     */
    public static FlowField computeWrappedX(PlanarImage frame1, PlanarImage frame2, int pad) {
        if (frame1.height() != frame2.height() || frame1.width() != frame2.width())
            throw new IllegalArgumentException("frames differ in size: " + frame1.width() + "x" + frame1.height() + " and " + frame2.width() + "x" + frame2.height());
        int h = frame1.height(), w = frame1.width(), p = Math.min(pad, w), wp = w + 2 * p;
        FlowField f = compute(padX(Gray.of(frame1), h, w, p), padX(Gray.of(frame2), h, w, p), h, wp, Settings.defaults());
        float[] u = new float[h * w], v = new float[h * w];
        for (int y = 0; y < h; y++) {
            System.arraycopy(f.u(), y * wp + p, u, y * w, w);
            System.arraycopy(f.v(), y * wp + p, v, y * w, w);
        }
        return new FlowField(h, w, u, v);
    }

    private static float[] padX(float[] g, int h, int w, int p) {
        int wp = w + 2 * p;
        float[] out = new float[h * wp];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < wp; x++) out[y * wp + x] = g[y * w + Math.floorMod(x - p, w)];
        return out;
    }

    /** Flow between two grey planes of h×w. */
    public static FlowField compute(float[] gray1, float[] gray2, int h, int w, Settings s) {
        List<Level> p1 = pyramid(smooth(gray1, h, w), h, w, s.levels()), p2 = pyramid(smooth(gray2, h, w), h, w, s.levels());
        float[] u = null, v = null;
        int ph = 0, pw = 0;
        // Work planes sized for the finest level, shared by all levels (garbage collection of fresh ones cost more than the work).
        float[][] work = new float[10][h * w];
        VariationalRefinement vr = s.refinement() == null ? null : new VariationalRefinement(h * w);
        for (int l = p1.size() - 1; l >= 0; l--) {
            Level a = p1.get(l), b = p2.get(l);
            if (u == null) {
                u = new float[a.h * a.w];
                v = new float[a.h * a.w];
            } else {
                u = upsample(u, ph, pw, a.h, a.w, (float) a.w / pw);
                v = upsample(v, ph, pw, a.h, a.w, (float) a.h / ph);
            }
            refine(a.data, b.data, a.h, a.w, u, v, s, work);
            if (vr != null) vr.refine(a.data, b.data, a.h, a.w, u, v, s.refinement());
            ph = a.h;
            pw = a.w;
        }
        return new FlowField(h, w, u, v);
    }

    private record Level(float[] data, int h, int w) {}

    private static List<Level> pyramid(float[] base, int h, int w, int levels) {
        List<Level> p = new ArrayList<>();
        p.add(new Level(base, h, w));
        while (p.size() < levels) {
            Level top = p.get(p.size() - 1);
            int nh = top.h / 2, nw = top.w / 2;
            if (Math.min(nh, nw) < MIN_LEVEL_SIDE) break;
            p.add(new Level(halve(smooth(top.data, top.h, top.w), top.h, top.w, nh, nw), nh, nw));
        }
        return p;
    }

    /** Iterations of warp, linearize, solve the 2×2 normal equations per window; a median of the field at the end. */
    private static void refine(float[] a, float[] b, int h, int w, float[] u, float[] v, Settings s, float[][] work) {
        int n = h * w, r = s.radius();
        float lambda = (float) (s.regularization() * (2 * r + 1) * (2 * r + 1));
        float[] bw = work[0], ix = work[1], iy = work[2], it = work[3];
        float[] xx = work[4], xy = work[5], yy = work[6], xt = work[7], yt = work[8];
        float[] scratch = work[9];
        float[][] products = {xx, xy, yy, xt, yt};
        for (int iter = 0; iter < s.iterations(); iter++) {
            Warp.planeCubic(b, h, w, u, v, bw);
            gradients(a, bw, h, w, u, v, ix, iy, it);
            for (int i = 0; i < n; i++) {
                float gx = ix[i], gy = iy[i], gt = it[i];
                xx[i] = gx * gx;
                xy[i] = gx * gy;
                yy[i] = gy * gy;
                xt[i] = gx * gt;
                yt[i] = gy * gt;
            }
            for (float[] m : products) boxSum(m, h, w, r, scratch);
            for (int i = 0; i < n; i++) {
                float sxx = xx[i] + lambda, syy = yy[i] + lambda, sxy = xy[i];
                float det = sxx * syy - sxy * sxy;
                if (det <= 0) continue;
                float bx = -xt[i], by = -yt[i];
                u[i] += (syy * bx - sxy * by) / det;
                v[i] += (sxx * by - sxy * bx) / det;
            }
            if (iter == s.iterations() / 2 || iter == s.iterations() - 1) {
                median3(u, h, w, scratch);
                median3(v, h, w, scratch);
            }
        }
    }

    /**
     * Spatial gradients of the mean of both images (symmetric: less bias than either alone) and the
     * temporal difference. Pixels whose match falls outside the frame say nothing about the motion:
     * their terms are zero, so the window's other pixels (or the prior) decide.
     */
    private static void gradients(float[] a, float[] bw, int h, int w, float[] u, float[] v, float[] ix, float[] iy, float[] it) {
        for (int y = 0; y < h; y++) {
            int up = (y > 0 ? y - 1 : y) * w, down = (y < h - 1 ? y + 1 : y) * w, row = y * w;
            float sy = y > 0 && y < h - 1 ? 0.25f : 0.5f;
            for (int x = 0; x < w; x++) {
                int l = x > 0 ? x - 1 : x, rr = x < w - 1 ? x + 1 : x;
                float sx = x > 0 && x < w - 1 ? 0.25f : 0.5f;
                int i = row + x;
                float tx = x + u[i], ty = y + v[i];
                if (tx < 0 || ty < 0 || tx > w - 1 || ty > h - 1) {
                    ix[i] = iy[i] = it[i] = 0;
                    continue;
                }
                ix[i] = sx * (a[row + rr] - a[row + l] + bw[row + rr] - bw[row + l]);
                iy[i] = sy * (a[down + x] - a[up + x] + bw[down + x] - bw[up + x]);
                it[i] = bw[i] - a[i];
            }
        }
    }

    /** In place: each value becomes the sum over its (2r+1)² window, edges clamped. Two running sums. */
    static void boxSum(float[] m, int h, int w, int r, float[] tmp) {
        for (int y = 0; y < h; y++) {
            int row = y * w;
            float sum = 0;
            for (int k = -r; k <= r; k++) sum += m[row + clamp(k, w)];
            for (int x = 0; x < w; x++) {
                tmp[row + x] = sum;
                sum += m[row + clamp(x + r + 1, w)] - m[row + clamp(x - r, w)];
            }
        }
        for (int x = 0; x < w; x++) {
            float sum = 0;
            for (int k = -r; k <= r; k++) sum += tmp[clamp(k, h) * w + x];
            for (int y = 0; y < h; y++) {
                m[y * w + x] = sum;
                sum += tmp[clamp(y + r + 1, h) * w + x] - tmp[clamp(y - r, h) * w + x];
            }
        }
    }

    /** In place 3×3 median, edges clamped. */
    static void median3(float[] m, int h, int w, float[] tmp) {
        System.arraycopy(m, 0, tmp, 0, m.length);
        float[] win = new float[9];
        for (int y = 0; y < h; y++) {
            int r0 = clamp(y - 1, h) * w, r1 = y * w, r2 = clamp(y + 1, h) * w;
            for (int x = 0; x < w; x++) {
                int c0 = clamp(x - 1, w), c2 = clamp(x + 1, w);
                win[0] = tmp[r0 + c0]; win[1] = tmp[r0 + x]; win[2] = tmp[r0 + c2];
                win[3] = tmp[r1 + c0]; win[4] = tmp[r1 + x]; win[5] = tmp[r1 + c2];
                win[6] = tmp[r2 + c0]; win[7] = tmp[r2 + x]; win[8] = tmp[r2 + c2];
                m[r1 + x] = median9(win);
            }
        }
    }

    /** The 5th smallest of nine: insertion sort of the window (nine values, no allocation). */
    private static float median9(float[] a) {
        for (int i = 1; i < 9; i++) {
            float v = a[i];
            int j = i - 1;
            while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
            a[j + 1] = v;
        }
        return a[4];
    }

    /** Separable [1 2 1]/4 blur: takes the edge off noise and JPEG blocks before differentiating. */
    private static float[] smooth(float[] src, int h, int w) {
        float[] tmp = new float[h * w], out = new float[h * w];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++)
                tmp[row + x] = 0.25f * (src[row + clamp(x - 1, w)] + 2 * src[row + x] + src[row + clamp(x + 1, w)]);
        }
        for (int y = 0; y < h; y++) {
            int up = clamp(y - 1, h) * w, row = y * w, down = clamp(y + 1, h) * w;
            for (int x = 0; x < w; x++) out[row + x] = 0.25f * (tmp[up + x] + 2 * tmp[row + x] + tmp[down + x]);
        }
        return out;
    }

    /** 2×2 averages (the blur before it keeps this from aliasing); a last odd row/column is dropped. */
    private static float[] halve(float[] src, int h, int w, int nh, int nw) {
        float[] out = new float[nh * nw];
        for (int y = 0; y < nh; y++)
            for (int x = 0; x < nw; x++) {
                int i = 2 * y * w + 2 * x;
                out[y * nw + x] = 0.25f * (src[i] + src[i + 1] + src[i + w] + src[i + w + 1]);
            }
        return out;
    }

    /** Bilinear resize of a flow plane to the next finer level, its displacements scaled by the size ratio. */
    private static float[] upsample(float[] f, int h, int w, int nh, int nw, float scale) {
        float[] out = new float[nh * nw];
        double sy = (double) h / nh, sx = (double) w / nw;
        for (int y = 0; y < nh; y++) {
            double py = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
            int y0 = (int) py, y1 = Math.min(y0 + 1, h - 1);
            float fy = (float) (py - y0);
            for (int x = 0; x < nw; x++) {
                double px = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
                int x0 = (int) px, x1 = Math.min(x0 + 1, w - 1);
                float fx = (float) (px - x0);
                float top = f[y0 * w + x0] + (f[y0 * w + x1] - f[y0 * w + x0]) * fx;
                float bot = f[y1 * w + x0] + (f[y1 * w + x1] - f[y1 * w + x0]) * fx;
                out[y * nw + x] = scale * (top + (bot - top) * fy);
            }
        }
        return out;
    }

    static int clamp(int i, int n) { return i < 0 ? 0 : i >= n ? n - 1 : i; }
}
