package deepdream.engine.flow;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The refinement on its own: it removes noise from a rough flow and fills a flat hole from the motion around it. */
class VariationalRefinementTest {
    static final int W = 128, H = 96;
    /** A zoom about (CX, CY): F(x) = S·(x − c), so the flow varies linearly over the frame. */
    static final double S = 0.04, CX = 64, CY = 48;
    /** A flat hole in the texture, away from the zoom's centre (so its flow is about (0.7..1.1, −1.1..−0.7)). */
    static final int HX0 = 82, HX1 = 94, HY0 = 18, HY1 = 30;

    static final OpticalFlowTest.Texture T = OpticalFlowTest.Texture.random(7);

    /** The scene: texture, and mid grey inside the hole. */
    static double scene(double x, double y, boolean hole) {
        return hole && x >= HX0 && x < HX1 && y >= HY0 && y < HY1 ? 128 : T.at(x, y);
    }

    /** frame1 = scene; frame2(p) = scene(c + (p − c)/(1 + S)), so frame1(x) = frame2(x + F(x)). */
    static float[][] frames(boolean hole) {
        float[] a = new float[W * H], b = new float[W * H];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                a[y * W + x] = (float) scene(x, y, hole);
                b[y * W + x] = (float) scene(CX + (x - CX) / (1 + S), CY + (y - CY) / (1 + S), hole);
            }
        return new float[][] {a, b};
    }

    static FlowField truth() {
        FlowField f = new FlowField(H, W);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                f.u()[y * W + x] = (float) (S * (x - CX));
                f.v()[y * W + x] = (float) (S * (y - CY));
            }
        return f;
    }

    static boolean[] box(int x0, int x1, int y0, int y1, boolean inside) {
        boolean[] m = new boolean[W * H];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) m[y * W + x] = inside == (x >= x0 && x < x1 && y >= y0 && y < y1);
        return m;
    }

    @Test
    void aNoisyFlowIsPulledBackToTheTruth() {
        float[][] ab = frames(false);
        FlowField truth = truth(), f = truth();
        Random r = new Random(5);
        for (int i = 0; i < W * H; i++) {
            f.u()[i] += (float) (0.3 * r.nextGaussian());
            f.v()[i] += (float) (0.3 * r.nextGaussian());
        }
        boolean[] inner = box(8, W - 8, 8, H - 8, true);
        double before = f.endPointError(truth, inner);
        new VariationalRefinement(H * W).refine(ab[0], ab[1], H, W, f.u(), f.v(), VariationalRefinement.Settings.defaults());
        double after = f.endPointError(truth, inner);
        assertTrue(after < 0.06 && after < before / 5, "mean end-point error " + after + " px after refinement, " + before + " before");
    }

    @Test
    void aFlatHoleTakesTheLinearMotionAroundIt() {
        float[][] ab = frames(true);
        FlowField truth = truth(), f = truth();
        // the hole's flow off by 0.4 px to start with; the image there says nothing about it
        for (int y = HY0; y < HY1; y++)
            for (int x = HX0; x < HX1; x++) {
                f.u()[y * W + x] += 0.4f;
                f.v()[y * W + x] -= 0.4f;
            }
        boolean[] hole = box(HX0, HX1, HY0, HY1, true), near = box(HX0 - 4, HX1 + 4, HY0 - 4, HY1 + 4, true), rest = box(8, W - 8, 8, H - 8, true);
        for (int i = 0; i < rest.length; i++) rest[i] &= !near[i];
        double before = f.endPointError(truth, hole);
        new VariationalRefinement(H * W).refine(ab[0], ab[1], H, W, f.u(), f.v(), new VariationalRefinement.Settings(30, 100, 20f, 5f, 0f, 1.6f));
        double inHole = f.endPointError(truth, hole), elsewhere = f.endPointError(truth, rest);
        // The smoothness term interpolates the hole from its rim. Without the gradient term: at the
        // hole's rim (a step in the image) it is linearised once about the wrong flow, and holds the rim
        // off by about 0.2 px; this test is about the smoothness term.
        assertTrue(inHole < 0.12, "mean end-point error in the hole " + inHole + " px (" + before + " before)");
        assertTrue(elsewhere < 0.05, "mean end-point error away from the hole " + elsewhere + " px");
    }
}
