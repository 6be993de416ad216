package deepdream.kernels.visualize;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.objective.Objective;
import deepdream.engine.visualize.ClassScores;
import deepdream.engine.visualize.Saliency;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The saliency map is max over channels of |∂score/∂input|, normalized, for the class asked or the top one. */
class SaliencyTest {
    @Test
    void reduceIsMaxOverChannelsOfAbsDividedByTheMaximum() {
        // 3 channels of a 1×2 image: pixel 0 has |-4| as its largest, pixel 1 has |2|.
        assertArrayEquals(new float[] {1f, 0.5f}, Saliency.reduce(new float[] {1, 2, -4, 0, 3, -2}, 3, 1, 2), 0f);
        assertArrayEquals(new float[] {0f, 0f}, Saliency.reduce(new float[6], 3, 1, 2), 0f);
        assertThrows(IllegalArgumentException.class, () -> Saliency.reduce(new float[5], 3, 1, 2));
    }

    @Test
    void mapIsTheReductionOfTheClassScoreGradient() {
        NetDef def = SmallConvNet.classifier(11);
        try (Backend b = new ReferenceBackend(); Net net = Net.build(def, b)) {
            int h = def.inputShape()[2], w = def.inputShape()[3];
            PlanarImage photo = randomPhoto(h, w, 5);
            float[] probs = ClassScores.probabilities(net, photo);
            int top = ClassScores.argmax(probs), other = (top + 1) % probs.length;
            for (Integer k : new Integer[] {null, other}) {
                Saliency.Result r = Saliency.compute(net, photo, k);
                int expected = k == null ? top : k;
                assertEquals(expected, r.classIndex());
                assertEquals(probs[expected], r.probability(), 1e-6);
                // The definition, computed independently: gradient of the class score, then the reduction.
                PlanarImage in = ClassScores.netInput(def, photo);
                InputGradient ig = new InputGradient(net, List.of(new InputGradient.Term(ClassScores.scoreBlob(def), 1, Objective.unit(expected, 0, 0))));
                Tensor x = b.upload(in.data(), in.nchw()), g = b.allocate(in.nchw());
                ig.compute(x, g);
                float[] grad = g.toHost();
                x.release();
                g.release();
                float max = 0;
                for (int i = 0; i < h * w; i++) {
                    float m = Math.max(Math.abs(grad[i]), Math.max(Math.abs(grad[h * w + i]), Math.abs(grad[2 * h * w + i])));
                    max = Math.max(max, m);
                }
                assertTrue(max > 0);
                for (int i = 0; i < h * w; i++) {
                    float m = Math.max(Math.abs(grad[i]), Math.max(Math.abs(grad[h * w + i]), Math.abs(grad[2 * h * w + i])));
                    assertEquals(m / max, r.map()[i], 1e-6, "pixel " + i);
                }
            }
        }
    }

    static PlanarImage randomPhoto(int h, int w, long seed) {
        Random r = new Random(seed);
        PlanarImage p = new PlanarImage(3, h, w);
        for (int i = 0; i < p.data().length; i++) p.data()[i] = 255 * r.nextFloat();
        return p;
    }
}
