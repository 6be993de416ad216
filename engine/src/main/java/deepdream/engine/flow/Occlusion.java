package deepdream.engine.flow;

/**
 * Which pixels of frame1 are seen in frame2: the forward–backward consistency check of Sundaram,
 * Brox and Keutzer (2010). Going along the forward flow and back along the backward flow must
 * return to the start, within a tolerance that grows with the motion:
 * |f + b(x+f)|² ≤ 0.01·(|f|² + |b(x+f)|²) + 0.5. Pixels that leave the frame count as occluded.
 */
public final class Occlusion {
    private Occlusion() {}

    /** 1 where frame1's pixel is visible in frame2, 0 where it is occluded or leaves the frame. */
    public static float[] visible(FlowField forward, FlowField backward) { return visible(forward, backward, false); }

    /** With wrapX, a pixel leaving through the left or right edge comes back on the other side: not occluded (a 360 degree panorama). */
    public static float[] visible(FlowField forward, FlowField backward, boolean wrapX) {
        int h = forward.height(), w = forward.width();
        if (backward.height() != h || backward.width() != w) throw new IllegalArgumentException("forward and backward flows differ in size");
        float[] fu = forward.u(), fv = forward.v(), bu = backward.u(), bv = backward.v();
        float[] mask = new float[h * w], bAtU = new float[h * w], bAtV = new float[h * w];
        Warp.plane(bu, h, w, fu, fv, bAtU, wrapX);
        Warp.plane(bv, h, w, fu, fv, bAtV, wrapX);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float tx = x + fu[i], ty = y + fv[i];
                if ((!wrapX && (tx < -0.5f || tx > w - 0.5f)) || ty < -0.5f || ty > h - 0.5f) continue;
                float su = fu[i] + bAtU[i], sv = fv[i] + bAtV[i];
                float f2 = fu[i] * fu[i] + fv[i] * fv[i], b2 = bAtU[i] * bAtU[i] + bAtV[i] * bAtV[i];
                if (su * su + sv * sv <= 0.01f * (f2 + b2) + 0.5f) mask[i] = 1;
            }
        return mask;
    }
}
