package deepdream.kernels.cpu;

import jdk.incubator.vector.FloatVector;

import static deepdream.kernels.cpu.Gemm.L;
import static deepdream.kernels.cpu.Gemm.NR;
import static deepdream.kernels.cpu.Gemm.S;

/**
 * The transforms of Winograd F(2×2, 3×3) (Lavin &amp; Gray 2015): each 2×2 block of outputs is
 * Aᵀ·[Σ_c U_c ⊙ (Bᵀ·d_c·B)]·A over the 4×4 input patches d_c. The 16 element-wise sums are 16
 * small GEMMs over channels ({@link CpuConv#winograd}), with 2.25× fewer multiply-adds than the
 * direct 3×3 convolution. Tiles are numbered row-major over the (⌈OH/2⌉ × ⌈OW/2⌉) grid; a task
 * handles NR consecutive tiles, one lane each:
 * transformed input v[e][c][lane] (16 B panels), products m[e][o][lane], e = 4·ξ + ν.
 */
final class Winograd {
    private Winograd() {}

    /** Floats of the per-thread scratch {@link #input} needs: 8 phase rows of NR + 1 values. */
    static final int INPUT_SCRATCH = 8 * (NR + 1);

    /**
     * v[(e·C + c)·NR + j] = (Bᵀ·d·B)[e] of tile t0 + j, channel c; lanes past nt are zero.
     * d is the 4×4 input patch at (2·ty − ph, 2·tx − pw), zero outside the image.
     * Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
     *
     * <p>Lanes are handled in runs of consecutive tiles of one tile row. Neighbouring tiles overlap
     * by two columns, so a run's four input rows are split once into even and odd columns
     * (E[i] = d[2i], O[i] = d[2i + 1] from the run's first column); tile i's patch columns are then
     * E[i], O[i], E[i+1], O[i+1], and the whole transform is vector arithmetic across tiles. The
     * per-tile scalar version ({@link #inputScalar}) cost 22% of a 512² step, single-threaded.
     */
    static void input(float[] x, int xOff, CpuConv.Geometry g, int t0, int nt, int tilesX, float[] v, float[] scratch) {
        int cs = g.c() * NR;
        for (int j = 0; j < NR; ) {
            if (j >= nt) {
                for (int e = 0; e < 16; e++)
                    for (int c = 0; c < g.c(); c++) java.util.Arrays.fill(v, e * cs + c * NR + j, e * cs + c * NR + NR, 0f);
                break;
            }
            int t = t0 + j, ty = t / tilesX, tx = t % tilesX, len = Math.min(nt - j, tilesX - tx);
            for (int c = 0; c < g.c(); c++) inputRun(x, xOff, g, c, ty, tx, len, v, c * NR + j, cs, scratch);
            j += len;
        }
    }

    /** One channel of a run of len tiles starting at tile (ty, tx), into lanes starting at v[o]. */
    private static void inputRun(float[] x, int xOff, CpuConv.Geometry g, int c, int ty, int tx, int len,
                                 float[] v, int o, int cs, float[] sc) {
        int h = g.h(), w = g.w(), plane = xOff + c * h * w, n = len + 1, stride = NR + 1;
        int iy0 = 2 * ty - g.ph(), ix0 = 2 * tx - g.pw();
        boolean inside = ix0 >= 0 && ix0 + 2 * n <= w;
        for (int r = 0; r < 4; r++) {
            int iy = iy0 + r, e = 2 * r * stride, od = e + stride;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(sc, e, e + n, 0f);
                java.util.Arrays.fill(sc, od, od + n, 0f);
            } else if (inside) {
                int src = plane + iy * w + ix0;
                for (int i = 0; i < n; i++) { sc[e + i] = x[src + 2 * i]; sc[od + i] = x[src + 2 * i + 1]; }
            } else {
                int row = plane + iy * w;
                for (int i = 0; i < n; i++) {
                    int ix = ix0 + 2 * i;
                    sc[e + i] = ix >= 0 && ix < w ? x[row + ix] : 0f;
                    sc[od + i] = ix + 1 >= 0 && ix + 1 < w ? x[row + ix + 1] : 0f;
                }
            }
        }
        // Phase rows: E_r at 2r·stride, O_r at (2r + 1)·stride.
        int e0 = 0, o0 = stride, e1 = 2 * stride, o1 = 3 * stride, e2 = 4 * stride, o2 = 5 * stride, e3 = 6 * stride, o3 = 7 * stride;
        int i = vectorColumns(sc, len, v, o, cs);
        for (; i < len; i++)   // patch columns of tile i: E[i], O[i], E[i+1], O[i+1]
            patch(sc[e0 + i], sc[o0 + i], sc[e0 + i + 1], sc[o0 + i + 1], sc[e1 + i], sc[o1 + i], sc[e1 + i + 1], sc[o1 + i + 1],
                  sc[e2 + i], sc[o2 + i], sc[e2 + i + 1], sc[o2 + i + 1], sc[e3 + i], sc[o3 + i], sc[e3 + i + 1], sc[o3 + i + 1], v, o + i, cs);
    }

    /**
     * The vector part of {@link #inputRun}: tiles [0, i) of the run, whole vectors of L tiles; returns i.
     * Rows of s = Bᵀ·d: s0 = d0 − d2, s1 = d1 + d2, s2 = d2 − d1, s3 = d1 − d3, one row per call.
     * Only two call sites, the three differences in an inner loop: C2 (JDK 17) inlines a vector
     * method's many nodes at each site, and with four sites the third and fourth ran out of its
     * inlining budget (NodeCountInliningCutoff), their vectors were boxed, ~30 MB of garbage per 512²
     * step. (One big body, earlier, was partly left to the boxed fallback the same way.)
     */
    private static int vectorColumns(float[] sc, int len, float[] v, int o, int cs) {
        int stride = NR + 1, e1 = 2 * stride, e2 = 4 * stride;
        int i = 0;
        for (int end = len - L; i <= end; i += L) {
            int at = o + i;
            rowColumnsSum(sc, e1 + i, e1 + stride + i, e2 + i, e2 + stride + i, v, at + 4 * cs, cs);
            for (int r = 0; r < 3; r++) {
                // rows 0, 2, 3: (E0, O0) − (E2, O2), (E2, O2) − (E1, O1), (E1, O1) − (E3, O3)
                int ea = (r == 0 ? 0 : r == 1 ? 4 : 2) * stride, eb = (r == 0 ? 4 : r == 1 ? 2 : 6) * stride;
                rowColumnsDifference(sc, ea + i, ea + stride + i, eb + i, eb + stride + i, v, at + (r == 0 ? 0 : 4 + 4 * r) * cs, cs);
            }
        }
        return i;
    }

    /** The per-tile scalar twin of {@link #input}: same layout, one 4×4 patch at a time (tests compare the two). */
    static void inputScalar(float[] x, int xOff, CpuConv.Geometry g, int t0, int nt, int tilesX, float[] v) {
        int h = g.h(), w = g.w(), cs = g.c() * NR;
        for (int c = 0; c < g.c(); c++) {
            int plane = xOff + c * h * w;
            for (int j = 0; j < NR; j++) {
                int o = c * NR + j;
                if (j >= nt) {
                    for (int e = 0; e < 16; e++) v[o + e * cs] = 0f;
                    continue;
                }
                int t = t0 + j, iy0 = 2 * (t / tilesX) - g.ph(), ix0 = 2 * (t % tilesX) - g.pw();
                float d00, d01, d02, d03, d10, d11, d12, d13, d20, d21, d22, d23, d30, d31, d32, d33;
                if (iy0 >= 0 && iy0 + 3 < h && ix0 >= 0 && ix0 + 3 < w) {
                    int r = plane + iy0 * w + ix0;
                    d00 = x[r]; d01 = x[r + 1]; d02 = x[r + 2]; d03 = x[r + 3]; r += w;
                    d10 = x[r]; d11 = x[r + 1]; d12 = x[r + 2]; d13 = x[r + 3]; r += w;
                    d20 = x[r]; d21 = x[r + 1]; d22 = x[r + 2]; d23 = x[r + 3]; r += w;
                    d30 = x[r]; d31 = x[r + 1]; d32 = x[r + 2]; d33 = x[r + 3];
                } else {
                    d00 = at(x, plane, h, w, iy0, ix0); d01 = at(x, plane, h, w, iy0, ix0 + 1);
                    d02 = at(x, plane, h, w, iy0, ix0 + 2); d03 = at(x, plane, h, w, iy0, ix0 + 3);
                    d10 = at(x, plane, h, w, iy0 + 1, ix0); d11 = at(x, plane, h, w, iy0 + 1, ix0 + 1);
                    d12 = at(x, plane, h, w, iy0 + 1, ix0 + 2); d13 = at(x, plane, h, w, iy0 + 1, ix0 + 3);
                    d20 = at(x, plane, h, w, iy0 + 2, ix0); d21 = at(x, plane, h, w, iy0 + 2, ix0 + 1);
                    d22 = at(x, plane, h, w, iy0 + 2, ix0 + 2); d23 = at(x, plane, h, w, iy0 + 2, ix0 + 3);
                    d30 = at(x, plane, h, w, iy0 + 3, ix0); d31 = at(x, plane, h, w, iy0 + 3, ix0 + 1);
                    d32 = at(x, plane, h, w, iy0 + 3, ix0 + 2); d33 = at(x, plane, h, w, iy0 + 3, ix0 + 3);
                }
                patch(d00, d01, d02, d03, d10, d11, d12, d13, d20, d21, d22, d23, d30, d31, d32, d33, v, o, cs);
            }
        }
    }

    /**
     * One row of s = a − b (a, b: input rows split into even/odd columns at ea/oa and eb/ob), then
     * its column transform for L tiles: (E, O, E+1, O+1) → (E − E+1, O + E+1, E+1 − O, O − O+1).
     * {@link #rowColumnsSum} is the same with a + b. Two methods, not one with a ±1 sign chosen by a
     * branch, and no vector passed to another method: on JDK 17, C2 boxes vectors that merge from two
     * branches or cross a call it did not inline, and this one allocated about 30 MB per 512² step
     * (a young collection every step).
     */
    private static void rowColumnsDifference(float[] sc, int ea, int oa, int eb, int ob, float[] v, int at, int cs) {
        FloatVector s0 = FloatVector.fromArray(S, sc, ea).sub(FloatVector.fromArray(S, sc, eb));
        FloatVector s1 = FloatVector.fromArray(S, sc, oa).sub(FloatVector.fromArray(S, sc, ob));
        FloatVector s2 = FloatVector.fromArray(S, sc, ea + 1).sub(FloatVector.fromArray(S, sc, eb + 1));
        FloatVector s3 = FloatVector.fromArray(S, sc, oa + 1).sub(FloatVector.fromArray(S, sc, ob + 1));
        s0.sub(s2).intoArray(v, at);
        s1.add(s2).intoArray(v, at + cs);
        s2.sub(s1).intoArray(v, at + 2 * cs);
        s1.sub(s3).intoArray(v, at + 3 * cs);
    }

    /** {@link #rowColumnsDifference} with s = a + b. */
    private static void rowColumnsSum(float[] sc, int ea, int oa, int eb, int ob, float[] v, int at, int cs) {
        FloatVector s0 = FloatVector.fromArray(S, sc, ea).add(FloatVector.fromArray(S, sc, eb));
        FloatVector s1 = FloatVector.fromArray(S, sc, oa).add(FloatVector.fromArray(S, sc, ob));
        FloatVector s2 = FloatVector.fromArray(S, sc, ea + 1).add(FloatVector.fromArray(S, sc, eb + 1));
        FloatVector s3 = FloatVector.fromArray(S, sc, oa + 1).add(FloatVector.fromArray(S, sc, ob + 1));
        s0.sub(s2).intoArray(v, at);
        s1.add(s2).intoArray(v, at + cs);
        s2.sub(s1).intoArray(v, at + 2 * cs);
        s1.sub(s3).intoArray(v, at + 3 * cs);
    }

    /** Bᵀ·d·B of one 4×4 patch (rows d0*, ..., d3*) into v[o + e·cs], e = 4·ξ + ν: the scalar twin of the vector lanes. */
    private static void patch(float d00, float d01, float d02, float d03, float d10, float d11, float d12, float d13,
                              float d20, float d21, float d22, float d23, float d30, float d31, float d32, float d33,
                              float[] v, int o, int cs) {
        // Rows: s = Bᵀ·d.
        float s00 = d00 - d20, s01 = d01 - d21, s02 = d02 - d22, s03 = d03 - d23;
        float s10 = d10 + d20, s11 = d11 + d21, s12 = d12 + d22, s13 = d13 + d23;
        float s20 = d20 - d10, s21 = d21 - d11, s22 = d22 - d12, s23 = d23 - d13;
        float s30 = d10 - d30, s31 = d11 - d31, s32 = d12 - d32, s33 = d13 - d33;
        // Columns: s·B.
        v[o] = s00 - s02; v[o + cs] = s01 + s02; v[o + 2 * cs] = s02 - s01; v[o + 3 * cs] = s01 - s03;
        o += 4 * cs;
        v[o] = s10 - s12; v[o + cs] = s11 + s12; v[o + 2 * cs] = s12 - s11; v[o + 3 * cs] = s11 - s13;
        o += 4 * cs;
        v[o] = s20 - s22; v[o + cs] = s21 + s22; v[o + 2 * cs] = s22 - s21; v[o + 3 * cs] = s21 - s23;
        o += 4 * cs;
        v[o] = s30 - s32; v[o + cs] = s31 + s32; v[o + 2 * cs] = s32 - s31; v[o + 3 * cs] = s31 - s33;
    }

    private static float at(float[] x, int plane, int h, int w, int iy, int ix) {
        return iy >= 0 && iy < h && ix >= 0 && ix < w ? x[plane + iy * w + ix] : 0f;
    }

    /**
     * y = Aᵀ·m·A + bias for tiles t0 .. t0 + nt − 1 and every output channel, clipped to the output;
     * Aᵀ = [1 1 1 0; 0 1 −1 −1]. m[(e·mPad + o)·NR + j]; vector over the tiles (lanes), then the
     * 2×2 blocks go out through {@code stage} (4·NR floats), as they land two columns apart.
     */
    static void output(float[] m, int mPad, CpuConv.Geometry g, int t0, int nt, int tilesX,
                       float[] bias, float[] y, int yOff, float[] stage) {
        int oh = g.oh(), ow = g.ow(), es = mPad * NR;
        for (int o = 0; o < g.m(); o++) {
            for (int half = 0; half < NR; half += L) {
                int i = o * NR + half;
                FloatVector m00 = FloatVector.fromArray(S, m, i), m01 = FloatVector.fromArray(S, m, i + es);
                FloatVector m02 = FloatVector.fromArray(S, m, i + 2 * es), m03 = FloatVector.fromArray(S, m, i + 3 * es);
                i += 4 * es;
                FloatVector m10 = FloatVector.fromArray(S, m, i), m11 = FloatVector.fromArray(S, m, i + es);
                FloatVector m12 = FloatVector.fromArray(S, m, i + 2 * es), m13 = FloatVector.fromArray(S, m, i + 3 * es);
                i += 4 * es;
                FloatVector m20 = FloatVector.fromArray(S, m, i), m21 = FloatVector.fromArray(S, m, i + es);
                FloatVector m22 = FloatVector.fromArray(S, m, i + 2 * es), m23 = FloatVector.fromArray(S, m, i + 3 * es);
                i += 4 * es;
                FloatVector m30 = FloatVector.fromArray(S, m, i), m31 = FloatVector.fromArray(S, m, i + es);
                FloatVector m32 = FloatVector.fromArray(S, m, i + 2 * es), m33 = FloatVector.fromArray(S, m, i + 3 * es);
                // Rows: t = Aᵀ·m (2×4).
                FloatVector t00 = m00.add(m10).add(m20), t01 = m01.add(m11).add(m21);
                FloatVector t02 = m02.add(m12).add(m22), t03 = m03.add(m13).add(m23);
                FloatVector t10 = m10.sub(m20).sub(m30), t11 = m11.sub(m21).sub(m31);
                FloatVector t12 = m12.sub(m22).sub(m32), t13 = m13.sub(m23).sub(m33);
                t00.add(t01).add(t02).intoArray(stage, half);
                t01.sub(t02).sub(t03).intoArray(stage, NR + half);
                t10.add(t11).add(t12).intoArray(stage, 2 * NR + half);
                t11.sub(t12).sub(t13).intoArray(stage, 3 * NR + half);
            }
            float b = bias == null ? 0f : bias[o];
            int plane = yOff + o * oh * ow;
            for (int j = 0; j < nt; j++) {
                int t = t0 + j, oy = 2 * (t / tilesX), ox = 2 * (t % tilesX), d = plane + oy * ow + ox;
                boolean right = ox + 1 < ow;
                y[d] = stage[j] + b;
                if (right) y[d + 1] = stage[NR + j] + b;
                if (oy + 1 < oh) {
                    y[d + ow] = stage[2 * NR + j] + b;
                    if (right) y[d + ow + 1] = stage[3 * NR + j] + b;
                }
            }
        }
    }
}
