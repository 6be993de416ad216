package deepdream.engine.visualize;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;

import java.util.List;

/**
 * Image-specific class saliency (Simonyan, Vedaldi &amp; Zisserman 2013): how much each pixel moves
 * the class score. The photo is resized to the net's input size; g = ∂score_k/∂input of the
 * pre-softmax score; the map is max over colour channels of |g|, divided by its maximum (0..1).
 */
public final class Saliency {
    private Saliency() {}

    /** The map (height × width, values 0..1), the class it is for, its score and probability. */
    public record Result(int classIndex, double score, double probability, int height, int width, float[] map) {}

    /** Saliency of classIndex, or of the most probable class when classIndex is null. */
    public static Result compute(Net net, PlanarImage rgb, Integer classIndex) {
        float[] probs = ClassScores.probabilities(net, rgb);
        int k = classIndex == null ? ClassScores.argmax(probs) : classIndex;
        if (k < 0 || k >= probs.length) throw new IllegalArgumentException("class " + k + " is out of range: the net has " + probs.length + " classes (0.." + (probs.length - 1) + ")");
        PlanarImage in = ClassScores.netInput(net.def(), rgb);
        InputGradient gradient = new InputGradient(net, List.of(new InputGradient.Term(ClassScores.scoreBlob(net.def()), 1, Objective.unit(k, 0, 0))));
        Backend b = net.backend();
        Tensor x = b.upload(in.data(), in.nchw()), g = b.allocate(in.nchw());
        try {
            double score = gradient.compute(x, g);
            return new Result(k, score, probs[k], in.height(), in.width(), reduce(b.download(g), in.channels(), in.height(), in.width()));
        } finally {
            x.release();
            g.release();
        }
    }

    /** max over channels of |grad[c][y][x]|, divided by the largest such value (an all-zero gradient stays zero). */
    public static float[] reduce(float[] grad, int channels, int height, int width) {
        int plane = height * width;
        if (grad.length != channels * plane) throw new IllegalArgumentException("gradient has " + grad.length + " values, expected " + channels * plane);
        float[] map = new float[plane];
        float top = 0;
        for (int i = 0; i < plane; i++) {
            float m = 0;
            for (int c = 0; c < channels; c++) m = Math.max(m, Math.abs(grad[c * plane + i]));
            map[i] = m;
            top = Math.max(top, m);
        }
        if (top > 0) for (int i = 0; i < plane; i++) map[i] /= top;
        return map;
    }
}
