package deepdream.engine.objective;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;

/**
 * The original notebook's guided-dream objective. The guide image's features at the layer are M
 * vectors of C channels; at each position p of the dream, the guide vector g*(p) with the largest
 * dot product a_p·g*(p) is chosen, and the objective is Σ_p a_p·g*(p). Its gradient (almost
 * everywhere) is g*(p) at every position: "make each place look more like the part of the guide
 * it already resembles most".
 *
 * <p>All M·H·W dot products are one 1×1 convolution with the guide vectors as filters, so they run
 * on the backend's fast path; only the M×H×W score map comes to the host for the argmax.
 */
final class Guide implements Objective {
    private final int channels, guidePositions;
    /** Guide vectors as 1×1 filters, [m][c] (M×C×1×1): each filter is one guide position. */
    private final float[] filters;
    private Tensor uploaded;   // the filters on the backend last used (uploaded once, not per step)

    /** features: the guide's activation, C×Hg×Wg in CHW order (as downloaded from a 1×C×Hg×Wg blob). */
    Guide(float[] features, int channels) {
        if (channels < 1 || features.length == 0 || features.length % channels != 0)
            throw new IllegalArgumentException("guide features of length " + features.length + " do not hold " + channels + " channels");
        this.channels = channels;
        this.guidePositions = features.length / channels;
        this.filters = new float[features.length];
        for (int c = 0; c < channels; c++)
            for (int m = 0; m < guidePositions; m++) filters[m * channels + c] = features[c * guidePositions + m];
    }

    @Override
    public double value(Backend b, Tensor a) { return matchAndMaybeGradient(b, a, null); }

    @Override
    public void gradient(Backend b, Tensor a, Tensor grad) { matchAndMaybeGradient(b, a, grad); }

    @Override
    public double valueAndGradient(Backend b, Tensor a, Tensor grad) { return matchAndMaybeGradient(b, a, grad); }

    private double matchAndMaybeGradient(Backend b, Tensor a, Tensor grad) {
        if (a.n() != 1 || a.c() != channels)
            throw new IllegalArgumentException("the guide's features have " + channels + " channels; the blob is " + Shapes.toString(a.shape()));
        int positions = a.h() * a.w();
        Tensor scores = b.allocate(1, guidePositions, a.h(), a.w());
        float[] s;
        try {
            b.conv2d(a, filtersOn(b), null, ConvSpec.square(1, 1, 0), scores);
            s = b.download(scores);
        } finally {
            scores.release();
        }
        int[] best = new int[positions];
        double sum = 0;
        for (int p = 0; p < positions; p++) {
            int arg = 0;
            float top = s[p];
            for (int m = 1; m < guidePositions; m++)
                if (s[m * positions + p] > top) { top = s[m * positions + p]; arg = m; }   // first maximum, like numpy's argmax
            best[p] = arg;
            sum += top;
        }
        if (grad != null) {
            float[] g = new float[channels * positions];
            for (int p = 0; p < positions; p++) {
                int o = best[p] * channels;
                for (int c = 0; c < channels; c++) g[c * positions + p] = filters[o + c];
            }
            Tensor up = b.upload(g, a.shape());
            b.copy(up, grad);
            up.release();
        }
        return sum;
    }

    private Tensor filtersOn(Backend b) {
        if (uploaded == null || uploaded.backend() != b || uploaded.isReleased())
            uploaded = b.upload(filters, guidePositions, channels, 1, 1);
        return uploaded;
    }

    @Override public String toString() { return "guide (" + guidePositions + " guide vectors)"; }
}
