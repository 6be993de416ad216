package deepdream.engine.flow;

import java.util.Arrays;

/**
 * Variational refinement of a flow on one pyramid level, the step DIS (Kroeger et al., 2016) runs
 * after its patch search: it minimises, around the given flow W, the energy
 * <pre>
 *   ∫ δ·Ψ(brightness constancy) + γ·Ψ(gradient constancy) + α·Ψ(|∇W|²),   Ψ(s²) = √(s² + ε²)
 * </pre>
 * (Brox et al., 2004; data terms normalised by the local gradient as in Zimmer et al., 2011). The
 * smoothness term lets flat areas borrow the motion of textured neighbours (where a window-based
 * solve only sees noise), and its robust penalty keeps motion edges sharp. The data terms are
 * linearised once about the warped second frame; each fixed-point iteration recomputes the robust
 * weights and runs a few red-black SOR sweeps on the increment (dU, dV).
 * <p>
 * Pixels whose match falls outside the frame carry no data term, so their flow comes from their
 * neighbours instead of drifting. All planes are allocated by the constructor, for the largest
 * level, and reused by every level (fresh 3 MB planes per level cost more in garbage collection
 * than the refinement itself); {@link #refine} allocates nothing.
 */
public final class VariationalRefinement {
    /**
     * fixedPointIterations: times the robust weights are recomputed; sorIterations: SOR sweeps per
     * fixed point; alpha, delta, gamma: weights of smoothness, brightness and gradient constancy;
     * omega: the over-relaxation factor (1 &lt; ω &lt; 2).
     */
    public record Settings(int fixedPointIterations, int sorIterations, float alpha, float delta, float gamma, float omega) {
        public Settings {
            if (fixedPointIterations < 1 || sorIterations < 1 || !(alpha > 0) || !(delta >= 0) || !(gamma >= 0) || !(omega > 0 && omega < 2))
                throw new IllegalArgumentException("bad refinement settings: " + fixedPointIterations + " fixed points, " + sorIterations
                        + " SOR sweeps, alpha " + alpha + ", delta " + delta + ", gamma " + gamma + ", omega " + omega);
        }

        /** OpenCV's VariationalRefinement defaults, which DIS uses. */
        public static Settings defaults() { return new Settings(5, 5, 20f, 5f, 10f, 1.6f); }

        /** The same with another number of fixed points. */
        public Settings withFixedPoints(int n) { return new Settings(n, sorIterations, alpha, delta, gamma, omega); }
    }

    /** ζ² keeps the gradient normalisation finite on flat areas; ε² keeps Ψ' finite at zero residual. */
    private static final float ZETA2 = 0.01f, EPS2 = 1e-6f;

    private int h, w;
    private final float[] ix, iy, iz, ixx, ixy, iyy, ixz, iyz;     // derivatives, fixed for one refine
    private final float[] a11, a12, a22, b1, b2, weight;           // the linear system of one fixed point
    private final float[] du, dv, warped;

    /** Work planes for levels of up to n pixels. */
    public VariationalRefinement(int n) {
        ix = new float[n]; iy = new float[n]; iz = new float[n];
        ixx = new float[n]; ixy = new float[n]; iyy = new float[n]; ixz = new float[n]; iyz = new float[n];
        a11 = new float[n]; a12 = new float[n]; a22 = new float[n]; b1 = new float[n]; b2 = new float[n]; weight = new float[n];
        du = new float[n]; dv = new float[n]; warped = new float[n];
    }

    /** Refines (u, v), the flow from a to b on an h×w level, in place. */
    public void refine(float[] a, float[] b, int h, int w, float[] u, float[] v, Settings s) {
        if (h * w > du.length) throw new IllegalArgumentException(w + "x" + h + " is larger than the " + du.length + " pixels this was made for");
        this.h = h;
        this.w = w;
        prepare(a, b, u, v);
        Arrays.fill(du, 0, h * w, 0);
        Arrays.fill(dv, 0, h * w, 0);
        for (int k = 0; k < s.fixedPointIterations(); k++) {
            dataTerm(s.delta() / 2, s.gamma() / 2);
            smoothnessTerm(u, v, s.alpha() / 2);
            invertDiagonal();
            for (int it = 0; it < s.sorIterations(); it++) {
                sor(0, s.omega());
                sor(1, s.omega());
            }
        }
        for (int i = 0, n = h * w; i < n; i++) {
            u[i] += du[i];
            v[i] += dv[i];
        }
    }

    /** Derivatives of the mean of a and the warped b (symmetric, as in the LK step), and their temporal differences. */
    private void prepare(float[] a, float[] b, float[] u, float[] v) {
        Warp.planeCubic(b, h, w, u, v, warped);
        float[] mean = a12;  // a12 is free until dataTerm fills it
        for (int i = 0; i < h * w; i++) {
            mean[i] = 0.5f * (a[i] + warped[i]);
            iz[i] = warped[i] - a[i];
        }
        gradX(mean, ix);
        gradY(mean, iy);
        gradX(iz, ixz);
        gradY(iz, iyz);
        gradX(ix, ixx);
        gradY(ix, ixy);
        gradY(iy, iyy);
        // No data where the match leaves the frame: zero derivatives make both data terms vanish there.
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float tx = x + u[i], ty = y + v[i];
                if (tx < 0 || ty < 0 || tx > w - 1 || ty > h - 1)
                    ix[i] = iy[i] = iz[i] = ixx[i] = ixy[i] = iyy[i] = ixz[i] = iyz[i] = 0;
            }
    }

    /** Central differences, one-sided at the left and right edges. */
    private void gradX(float[] p, float[] out) {
        for (int y = 0; y < h; y++) {
            int row = y * w;
            if (w == 1) { out[row] = 0; continue; }
            out[row] = p[row + 1] - p[row];
            for (int x = 1; x < w - 1; x++) out[row + x] = 0.5f * (p[row + x + 1] - p[row + x - 1]);
            out[row + w - 1] = p[row + w - 1] - p[row + w - 2];
        }
    }

    /** Central differences, one-sided at the top and bottom edges. */
    private void gradY(float[] p, float[] out) {
        for (int y = 0; y < h; y++) {
            int up = (y > 0 ? y - 1 : y) * w, down = (y < h - 1 ? y + 1 : y) * w;
            float s = y > 0 && y < h - 1 ? 0.5f : 1f;
            if (h == 1) s = 0;
            for (int x = 0; x < w; x++) out[y * w + x] = s * (p[down + x] - p[up + x]);
        }
    }

    /**
     * The data terms' part of the 2×2 system per pixel, linearised in (dU, dV), each weighted by Ψ'
     * of its current residual (the lagged-diffusivity fixed point).
     */
    private void dataTerm(float delta2, float gamma2) {
        for (int i = 0, n = h * w; i < n; i++) {
            float gx = ix[i], gy = iy[i], dU = du[i], dV = dv[i];
            // brightness constancy, normalised by the gradient's magnitude
            float norm = 1f / (gx * gx + gy * gy + ZETA2);
            float r = iz[i] + gx * dU + gy * dV;
            float wt = delta2 / (float) Math.sqrt(r * r * norm + EPS2) * norm;
            float m11 = wt * gx * gx + ZETA2, m12 = wt * gx * gy, m22 = wt * gy * gy + ZETA2;
            float c1 = -wt * iz[i] * gx, c2 = -wt * iz[i] * gy;
            // gradient constancy: the x and y derivatives of the image, each normalised by its own gradient
            float gxx = ixx[i], gxy = ixy[i], gyy = iyy[i];
            float nx = 1f / (gxx * gxx + gxy * gxy + ZETA2), ny = 1f / (gyy * gyy + gxy * gxy + ZETA2);
            float rx = ixz[i] + gxx * dU + gxy * dV, ry = iyz[i] + gxy * dU + gyy * dV;
            float wg = gamma2 / (float) Math.sqrt(rx * rx * nx + ry * ry * ny + EPS2);
            float wx = wg * nx, wy = wg * ny;
            a11[i] = m11 + wx * gxx * gxx + wy * gxy * gxy;
            a12[i] = m12 + wx * gxx * gxy + wy * gxy * gyy;
            a22[i] = m22 + wx * gxy * gxy + wy * gyy * gyy;
            b1[i] = c1 - wx * gxx * ixz[i] - wy * gxy * iyz[i];
            b2[i] = c2 - wx * gxy * ixz[i] - wy * gyy * iyz[i];
        }
    }

    /**
     * The smoothness term: weight[i] = α/2 · Ψ' of the current flow's forward-difference gradient at
     * i, shared by the edges to its right and lower neighbours. Each edge adds its weight to the
     * diagonal of both ends and pulls the right-hand side towards the neighbour's flow (u, v); the
     * neighbours' increments enter in {@link #sor}.
     */
    private void smoothnessTerm(float[] u, float[] v, float alpha2) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float cu = u[i] + du[i], cv = v[i] + dv[i];
                float ux = 0, vx = 0, uy = 0, vy = 0;
                if (x < w - 1) { ux = u[i + 1] + du[i + 1] - cu; vx = v[i + 1] + dv[i + 1] - cv; }
                if (y < h - 1) { uy = u[i + w] + du[i + w] - cu; vy = v[i + w] + dv[i + w] - cv; }
                weight[i] = alpha2 / (float) Math.sqrt(ux * ux + vx * vx + uy * uy + vy * vy + EPS2);
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float wt = weight[i];
                if (x < w - 1) edge(i, i + 1, wt, u, v);
                if (y < h - 1) edge(i, i + w, wt, u, v);
            }
    }

    private void edge(int i, int j, float wt, float[] u, float[] v) {
        float pu = wt * (u[j] - u[i]), pv = wt * (v[j] - v[i]);
        a11[i] += wt; a22[i] += wt; a11[j] += wt; a22[j] += wt;
        b1[i] += pu; b2[i] += pv; b1[j] -= pu; b2[j] -= pv;
    }

    /** The SOR sweeps divide by the diagonal: invert it once per fixed point instead. */
    private void invertDiagonal() {
        for (int i = 0, n = h * w; i < n; i++) {
            a11[i] = 1f / a11[i];
            a22[i] = 1f / a22[i];
        }
    }

    /**
     * One over-relaxed Gauss–Seidel sweep over the pixels of one colour of the checkerboard (x + y ≡
     * parity mod 2): their neighbours all have the other colour, so the order within a sweep does not
     * matter. Interior pixels take a path without edge tests; a11 and a22 hold reciprocals here.
     */
    private void sor(int parity, float omega) {
        for (int y = 0; y < h; y++) {
            int row = y * w, x = (y + parity) & 1;
            if (y == 0 || y == h - 1) {
                for (; x < w; x += 2) sorEdge(row + x, x, y, omega);
                continue;
            }
            if (x == 0) { sorEdge(row, 0, y, omega); x = 2; }
            for (; x < w - 1; x += 2) {
                int i = row + x;
                float wl = weight[i - 1], wr = weight[i], wu = weight[i - w];
                float su = wl * du[i - 1] + wr * (du[i + 1] + du[i + w]) + wu * du[i - w];
                float sv = wl * dv[i - 1] + wr * (dv[i + 1] + dv[i + w]) + wu * dv[i - w];
                float nu = (1 - omega) * du[i] + omega * (b1[i] - a12[i] * dv[i] + su) * a11[i];
                du[i] = nu;
                dv[i] = (1 - omega) * dv[i] + omega * (b2[i] - a12[i] * nu + sv) * a22[i];
            }
            if (x == w - 1) sorEdge(row + x, x, y, omega);
        }
    }

    /** The SOR update of one pixel on the frame's edge: only the neighbours that exist. */
    private void sorEdge(int i, int x, int y, float omega) {
        float su = 0, sv = 0;
        if (x > 0) { float wt = weight[i - 1]; su += wt * du[i - 1]; sv += wt * dv[i - 1]; }
        if (x < w - 1) { float wt = weight[i]; su += wt * du[i + 1]; sv += wt * dv[i + 1]; }
        if (y > 0) { float wt = weight[i - w]; su += wt * du[i - w]; sv += wt * dv[i - w]; }
        if (y < h - 1) { float wt = weight[i]; su += wt * du[i + w]; sv += wt * dv[i + w]; }
        float nu = (1 - omega) * du[i] + omega * (b1[i] - a12[i] * dv[i] + su) * a11[i];
        du[i] = nu;
        dv[i] = (1 - omega) * dv[i] + omega * (b2[i] - a12[i] * nu + sv) * a22[i];
    }
}
