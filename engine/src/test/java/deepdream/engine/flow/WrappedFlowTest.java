package deepdream.engine.flow;

import deepdream.engine.image.PlanarImage;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A 360° panorama turning (the camera pans): frame 2 is frame 1 rolled sideways, so what leaves on
 * the right comes back on the left. With the wrapped flow, warp and occlusion (video --wrap x) the
 * seam is like the inside: the flow there is the pan, the warp of frame 2 gives frame 1 and every
 * pixel is visible. Without wrapping the columns at the edges are lost (occluded, warped from the
 * clamped edge). Figures measured when written are printed and in the assertion messages.
 */
class WrappedFlowTest {
    static final int W = 128, H = 64, SHIFT = 3, EDGE = 8;

    /** Periodic in x (1 to 5 whole cycles across W, up to 0.25 rad/px as OpticalFlowTest), smooth: a panorama's texture. */
    static PlanarImage panorama(double shift) {
        Random r = new Random(11);
        int n = 12;
        double[] kx = new double[n], fy = new double[n], ph = new double[n], amp = new double[n];
        for (int i = 0; i < n; i++) {
            kx[i] = 2 * Math.PI * (1 + r.nextInt(5)) / W * (r.nextBoolean() ? 1 : -1);
            fy[i] = 0.04 + 0.15 * r.nextDouble();
            ph[i] = 2 * Math.PI * r.nextDouble();
            amp[i] = 8 + 12 * r.nextDouble();
        }
        PlanarImage p = new PlanarImage(3, H, W);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double v = 128;
                for (int i = 0; i < n; i++) v += amp[i] * Math.sin(kx[i] * (x - shift) + fy[i] * y + ph[i]);
                for (int c = 0; c < 3; c++) p.set(c, y, x, (float) v);
            }
        return p;
    }

    static boolean edge(int x) { return x < EDGE || x >= W - EDGE; }

    record Measure(double flowErrorEdges, double warpErrorEdges, double warpErrorInside, double visibleEdges) {}

    static Measure measure(boolean wrap) {
        PlanarImage f1 = panorama(0), f2 = panorama(SHIFT);
        FlowField back = wrap ? OpticalFlow.computeWrappedX(f1, f2, 64) : OpticalFlow.compute(f1, f2);
        FlowField fwd = wrap ? OpticalFlow.computeWrappedX(f2, f1, 64) : OpticalFlow.compute(f2, f1);
        float[] visible = Occlusion.visible(back, fwd, wrap);
        PlanarImage warped = Warp.backward(f2, back, wrap);
        double flowErr = 0, warpEdge = 0, warpIn = 0, vis = 0;
        int nEdge = 0, nIn = 0;
        for (int y = EDGE; y < H - EDGE; y++)   // rows near the poles do not wrap: leave them out
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                double e = Math.abs(warped.get(0, y, x) - f1.get(0, y, x));
                if (edge(x)) {
                    flowErr += Math.hypot(back.u()[i] - SHIFT, back.v()[i]);
                    warpEdge += e;
                    vis += visible[i];
                    nEdge++;
                } else {
                    warpIn += e;
                    nIn++;
                }
            }
        return new Measure(flowErr / nEdge, warpEdge / nEdge, warpIn / nIn, vis / nEdge);
    }

    @Test
    void aPanningPanoramaIsFollowedAcrossTheSeam() {
        Measure wrapped = measure(true), plain = measure(false);
        System.out.printf(Locale.ROOT, "edge columns: flow error %.3f vs %.3f px, warp error %.3f vs %.3f (inside %.3f vs %.3f), visible %.3f vs %.3f%n",
                wrapped.flowErrorEdges(), plain.flowErrorEdges(), wrapped.warpErrorEdges(), plain.warpErrorEdges(),
                wrapped.warpErrorInside(), plain.warpErrorInside(), wrapped.visibleEdges(), plain.visibleEdges());
        assertTrue(wrapped.flowErrorEdges() < 0.05, "flow at the seam, wrapped: " + wrapped);
        assertTrue(wrapped.warpErrorEdges() < 2 * wrapped.warpErrorInside() + 0.5, "warp at the seam like inside: " + wrapped);
        assertTrue(wrapped.visibleEdges() > 0.95, "pixels crossing the seam stay visible: " + wrapped);
        assertTrue(plain.visibleEdges() < 0.9 && plain.warpErrorEdges() > 3 * wrapped.warpErrorEdges(), "without wrapping the edges are lost: " + plain);
    }

    @Test
    void wrappedWarpReadsTheOtherSide() {
        PlanarImage img = new PlanarImage(1, 1, 4, new float[] {10, 20, 30, 40});
        FlowField right = new FlowField(1, 4, new float[] {1.5f, 1.5f, 1.5f, 1.5f}, new float[4]);
        assertArrayEquals(new float[] {25, 35, 25, 15}, Warp.backward(img, right, true).data(), 1e-5f);
        assertArrayEquals(new float[] {25, 35, 40, 40}, Warp.backward(img, right, false).data(), 1e-5f);
        FlowField left = new FlowField(1, 4, new float[] {-1, -1, -1, -1}, new float[4]);
        assertArrayEquals(new float[] {40, 10, 20, 30}, Warp.backward(img, left, true).data(), 1e-5f);
    }
}
