package deepdream.engine.flow;

import deepdream.engine.image.PlanarImage;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Flow properties: known shifts recovered, warp of the flow undoes the motion, the occlusion mask finds covered pixels. */
class OpticalFlowTest {
    static final int W = 128, H = 96;

    /** A smooth random texture defined everywhere, so a shifted copy is exact (no interpolation in the test data). */
    record Texture(double[] fx, double[] fy, double[] phase, double[] amp) {
        static Texture random(long seed) {
            Random r = new Random(seed);
            int n = 12;
            double[] fx = new double[n], fy = new double[n], ph = new double[n], amp = new double[n];
            for (int i = 0; i < n; i++) {
                double f = 0.04 + 0.2 * r.nextDouble(), a = 2 * Math.PI * r.nextDouble();
                fx[i] = f * Math.cos(a);
                fy[i] = f * Math.sin(a);
                ph[i] = 2 * Math.PI * r.nextDouble();
                amp[i] = 8 + 12 * r.nextDouble();
            }
            return new Texture(fx, fy, ph, amp);
        }

        double at(double x, double y) {
            double v = 128;
            for (int i = 0; i < fx.length; i++) v += amp[i] * Math.sin(fx[i] * x + fy[i] * y + phase[i]);
            return v;
        }

        /** frame(x) = texture(x − d): the texture moved by d. */
        PlanarImage frame(double dx, double dy) {
            PlanarImage p = new PlanarImage(3, H, W);
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    float v = (float) at(x - dx, y - dy);
                    for (int c = 0; c < 3; c++) p.set(c, y, x, v);
                }
            return p;
        }
    }

    /** Pixels at least `border` from every edge. */
    static boolean[] interior(int border) {
        boolean[] m = new boolean[W * H];
        for (int y = border; y < H - border; y++) for (int x = border; x < W - border; x++) m[y * W + x] = true;
        return m;
    }

    static FlowField constant(double u, double v) {
        FlowField f = new FlowField(H, W);
        java.util.Arrays.fill(f.u(), (float) u);
        java.util.Arrays.fill(f.v(), (float) v);
        return f;
    }

    @Test
    void knownShiftsAreRecoveredToATenthOfAPixel() {
        Texture t = Texture.random(1);
        double[][] shifts = {{0.3, 0}, {0, -0.7}, {1.25, 0.5}, {-2.6, 1.8}, {4.4, -3.1}};
        for (double[] s : shifts) {
            FlowField f = OpticalFlow.compute(t.frame(0, 0), t.frame(s[0], s[1]));
            double epe = f.endPointError(constant(s[0], s[1]), interior(10));
            assertTrue(epe < 0.1, "shift (" + s[0] + ", " + s[1] + "): mean end-point error " + epe + " px");
        }
    }

    @Test
    void warpingTheSecondFrameAlongTheFlowGivesTheFirst() {
        Texture t = Texture.random(2);
        PlanarImage a = t.frame(0, 0), b = t.frame(3.3, -2.2);
        FlowField f = OpticalFlow.compute(a, b);
        PlanarImage back = Warp.backward(b, f);
        boolean[] in = interior(10);
        double before = meanAbs(a, b, in), after = meanAbs(a, back, in);
        assertTrue(after < 0.5 && after < before / 20, "mean |frame1 - warp(frame2)|: " + after + " grey levels (unwarped: " + before + ")");
        // and the warp alone, with the true flow, is exact up to interpolation
        assertTrue(meanAbs(a, Warp.backward(b, constant(3.3, -2.2)), in) < 0.5);
    }

    /** A textured square moves 6 px right over a still background: the background just right of it is covered in frame 2. */
    @Test
    void occlusionMaskMarksCoveredPixelsAndKeepsTheRest() {
        Texture bg = Texture.random(3), fg = Texture.random(4);
        int x0 = 40, x1 = 80, y0 = 28, y1 = 68, d = 6;
        PlanarImage a = bg.frame(0, 0), b = bg.frame(0, 0);
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1 + d; x++) {
                for (int c = 0; c < 3; c++) {
                    if (x < x1) a.set(c, y, x, (float) (255 - fg.at(x, y)));
                    if (x >= x0 + d) b.set(c, y, x, (float) (255 - fg.at(x - d, y)));
                }
            }
        float[] visible = Occlusion.visible(OpticalFlow.compute(a, b), OpticalFlow.compute(b, a));
        int covered = 0, coveredHidden = 0, far = 0, farVisible = 0;
        for (int y = y0 + 4; y < y1 - 4; y++)
            for (int x = 0; x < W; x++) {
                if (x >= x1 + 1 && x < x1 + d - 1) { covered++; if (visible[y * W + x] == 0) coveredHidden++; }
                if (x < x0 - 12 || x > x1 + d + 12) if (x > 6 && x < W - 6) { far++; if (visible[y * W + x] == 1) farVisible++; }
            }
        assertTrue(coveredHidden > 0.6 * covered, "covered background marked occluded: " + coveredHidden + " of " + covered);
        assertTrue(farVisible > 0.95 * far, "still background far from the square marked visible: " + farVisible + " of " + far);
    }

    @Test
    void pixelsThatLeaveTheFrameAreNotVisible() {
        FlowField right = constant(5, 0), left = constant(-5, 0);
        float[] visible = Occlusion.visible(right, left);
        for (int y = 0; y < H; y++) {
            assertEquals(0, visible[y * W + W - 1], "the last column moves out");
            assertEquals(1, visible[y * W + 10], "inside stays visible");
        }
    }

    static double meanAbs(PlanarImage a, PlanarImage b, boolean[] mask) {
        double s = 0;
        int n = 0, plane = W * H;
        for (int i = 0; i < plane; i++) if (mask[i]) { s += Math.abs(a.data()[i] - b.data()[i]); n++; }
        return s / n;
    }
}
