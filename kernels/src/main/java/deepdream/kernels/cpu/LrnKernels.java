package deepdream.kernels.cpu;

import deepdream.engine.LrnSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Caffe LRN across channels on a block of pixels [p0, p1) of one image (the backend splits pixel
 * blocks across threads). scale[c] = k + alpha/size · Σ x[c']² over the zero-padded window
 * |c' − c| ≤ size/2; y = x · scale^−beta. The window sum is recomputed per channel rather than
 * slid, so no cancellation error builds up when k is small.
 */
final class LrnKernels {
    private LrnKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Writes scale for channels [0, c) and pixels [p0, p1) into sc[so + ch·ss + p]. */
    static void scale(float[] x, int xo, int c, int plane, int p0, int p1, LrnSpec s, float[] sc, int so, int ss) {
        int half = s.size() / 2;
        float a = s.alpha() / s.size(), k = s.k();
        for (int ch = 0; ch < c; ch++) {
            int lo = Math.max(0, ch - half), hi = Math.min(c - 1, ch + half);
            int dst = so + ch * ss, p = p0;
            for (int end = p0 + S.loopBound(p1 - p0); p < end; p += L) {
                FloatVector sum = FloatVector.zero(S);
                for (int cc = lo; cc <= hi; cc++) {
                    FloatVector v = FloatVector.fromArray(S, x, xo + cc * plane + p);
                    sum = v.fma(v, sum);
                }
                sum.fma(a, k).intoArray(sc, dst + p);
            }
            for (; p < p1; p++) {
                float sum = 0f;
                for (int cc = lo; cc <= hi; cc++) { float v = x[xo + cc * plane + p]; sum = Math.fma(v, v, sum); }
                sc[dst + p] = Math.fma(sum, a, k);   // fused, as in the vector lanes
            }
        }
    }

    /** out[to + i] = src[from + i]^−beta for i in [0, n) (beta 0.75 by two square roots, exact enough and ~20× faster than pow); out may be src. */
    static void negPow(float[] src, int from, float[] out, int to, int n, float beta) {
        int i = 0;
        if (beta == 0.75f) {
            for (int end = S.loopBound(n); i < end; i += L) {
                FloatVector r = FloatVector.fromArray(S, src, from + i).sqrt();
                FloatVector.broadcast(S, 1f).div(r.mul(r.sqrt())).intoArray(out, to + i);
            }
            for (; i < n; i++) { float r = (float) Math.sqrt(src[from + i]); out[to + i] = 1f / (r * (float) Math.sqrt(r)); }
        } else {
            for (; i < n; i++) out[to + i] = (float) Math.pow(src[from + i], -beta);
        }
    }

    /**
     * y = x · scale^−beta for pixels [p0, p1). scale: laid out as x, receives the scale for the
     * backward; sc: a per-thread buffer of c·(p1 − p0) floats.
     */
    static void forward(float[] x, int xo, int c, int plane, int p0, int p1, LrnSpec s, float[] scale, float[] sc, float[] y) {
        scale(x, xo, c, plane, p0, p1, s, scale, xo, plane);
        int bw = p1 - p0;
        for (int ch = 0; ch < c; ch++) negPow(scale, xo + ch * plane + p0, sc, ch * bw, bw, s.beta());
        for (int ch = 0; ch < c; ch++) {
            int base = xo + ch * plane, sb = ch * bw - p0, p = p0;
            for (int end = p0 + S.loopBound(p1 - p0); p < end; p += L)
                FloatVector.fromArray(S, x, base + p).mul(FloatVector.fromArray(S, sc, sb + p)).intoArray(y, base + p);
            for (; p < p1; p++) y[base + p] = x[base + p] * sc[sb + p];
        }
    }

    /**
     * Caffe's LRN gradient: dx[c] = dy[c]·scale[c]^−beta − (2·alpha·beta/size)·x[c]·Σ_{|c'−c| ≤ size/2} dy[c']·y[c']/scale[c'].
     * scale: the forward's (laid out as x), or null to recompute it here. sc and ratio are per-thread
     * buffers of c·(p1 − p0) floats.
     */
    static void backward(float[] x, float[] y, float[] dy, int xo, int c, int plane, int p0, int p1, LrnSpec s,
                         float[] scale, float[] sc, float[] ratio, float[] dx) {
        int half = s.size() / 2;
        float coeff = 2f * s.alpha() * s.beta() / s.size();
        int bw = p1 - p0;
        // Where the scale of channel ch, pixel p is: k[ko + ch·ks + p].
        float[] k = scale != null ? scale : sc;
        int ko = scale != null ? xo : -p0, ks = scale != null ? plane : bw;
        if (scale == null) scale(x, xo, c, plane, p0, p1, s, sc, ko, ks);
        for (int ch = 0; ch < c; ch++) {
            int base = xo + ch * plane, sb = ch * bw - p0, kb = ko + ch * ks, p = p0;
            for (int end = p0 + S.loopBound(p1 - p0); p < end; p += L) {
                FloatVector.fromArray(S, dy, base + p).mul(FloatVector.fromArray(S, y, base + p))
                        .div(FloatVector.fromArray(S, k, kb + p)).intoArray(ratio, sb + p);
            }
            for (; p < p1; p++) ratio[sb + p] = dy[base + p] * y[base + p] / k[kb + p];
        }
        for (int ch = 0; ch < c; ch++) negPow(k, ko + ch * ks + p0, sc, ch * bw, bw, s.beta());
        for (int ch = 0; ch < c; ch++) {
            int lo = Math.max(0, ch - half), hi = Math.min(c - 1, ch + half);
            int base = xo + ch * plane, sb = ch * bw - p0, p = p0;
            for (int end = p0 + S.loopBound(p1 - p0); p < end; p += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int cc = lo; cc <= hi; cc++) acc = acc.add(FloatVector.fromArray(S, ratio, cc * bw - p0 + p));
                FloatVector g = FloatVector.fromArray(S, dy, base + p).mul(FloatVector.fromArray(S, sc, sb + p));
                g.sub(FloatVector.fromArray(S, x, base + p).mul(acc).mul(coeff)).intoArray(dx, base + p);
            }
            for (; p < p1; p++) {
                float acc = 0f;
                for (int cc = lo; cc <= hi; cc++) acc += ratio[cc * bw - p0 + p];
                dx[base + p] = dy[base + p] * sc[sb + p] - x[base + p] * acc * coeff;   // the vector lanes' order
            }
        }
    }
}
