package deepdream.kernels.visualize;

import deepdream.engine.Backend;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.engine.visualize.VisualizeParams;
import deepdream.engine.visualize.Visualizer;
import deepdream.kernels.GoogLeNetFixture;
import deepdream.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A grid made as one batch, or in chunks, gives the pixels of its tiles made one at a time, bit
 * for bit, on 1 and 2 threads: each image has its own random stream, transforms and objective, and
 * the cpu kernels sum every output in the same order whatever the batch size. GoogLeNet's layers
 * up to 4c with random weights, at sizes where the deep layers are a few pixels (as at 128 px on
 * the real net), every prior on (jitter, scale jitter, TV, decay, blur), two octaves.
 */
class BatchedVisualizeTest {
    private static final int[] CHANNELS = {3, 7, 11, 19, 5};

    private static List<List<InputGradient.Term>> objectives(String blob) {
        List<List<InputGradient.Term>> o = new ArrayList<>();
        for (int c : CHANNELS) o.add(List.of(new InputGradient.Term(blob, 1, Objective.channelMean(c))));
        return o;
    }

    /** The tiles made one at a time, then all at once, then in chunks of 2 (2, 2, 1). */
    private static List<List<PlanarImage>> run(int threads, VisualizeParams p, String blob) {
        List<List<InputGradient.Term>> o = objectives(blob);
        try (Backend cpu = new CpuBackend(threads); Net net = Net.build(GoogLeNetFixture.upTo4c(1), cpu)) {
            Visualizer v = new Visualizer(net);
            List<PlanarImage> alone = new ArrayList<>(), chunks = new ArrayList<>();
            for (List<InputGradient.Term> t : o) alone.add(v.visualize(t, p, DreamListener.NONE));
            List<PlanarImage> all = v.visualizeBatch(o, p, DreamListener.NONE);
            for (int i = 0; i < o.size(); i += 2) chunks.addAll(v.visualizeBatch(o.subList(i, Math.min(o.size(), i + 2)), p, DreamListener.NONE));
            return List.of(alone, all, chunks);
        }
    }

    private static void assertSame(List<List<PlanarImage>> one, List<List<PlanarImage>> two) {
        String[] how = {"one at a time", "one batch of 5", "batches of 2"};
        for (int i = 0; i < CHANNELS.length; i++) {
            float[] ref = one.get(0).get(i).data();
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(ref, one.get(r).get(i).data(), "channel " + CHANNELS[i] + ", 1 thread: " + how[r] + " = one at a time, bit for bit");
                assertArrayEquals(ref, two.get(r).get(i).data(), "channel " + CHANNELS[i] + ", 2 threads: " + how[r] + " = one at a time on 1 thread, bit for bit");
            }
        }
        assertFalse(java.util.Arrays.equals(one.get(0).get(0).data(), one.get(0).get(1).data()), "different channels give different tiles");
    }

    @Test
    void batchedEqualsOneAtATimeOnOneAndTwoThreads() {
        VisualizeParams p = VisualizeParams.defaults().withSize(71, 64).withOctaves(2).withIterations(4).withSeed(3);
        assertSame(run(1, p, GoogLeNetFixture.LAST_BLOB), run(2, p, GoogLeNetFixture.LAST_BLOB));
    }

    /** A unit target makes the net see every octave at the output size (a fit-to transform), and Adam keeps per-image moments. */
    @Test
    void batchedEqualsOneAtATimeWithAdamAndAUnit() {
        VisualizeParams p = VisualizeParams.defaults().withSize(48, 56).withOctaves(2).withIterations(3).withSeed(11)
                .withOptimizer(VisualizeParams.Optimizer.ADAM);
        List<List<InputGradient.Term>> o = new ArrayList<>();
        for (int c : CHANNELS) o.add(List.of(new InputGradient.Term("inception_3b/output", 1, Objective.unit(c, 2, 3))));
        try (Backend cpu = new CpuBackend(2); Net net = Net.build(GoogLeNetFixture.upTo4c(1), cpu)) {
            Visualizer v = new Visualizer(net);
            List<PlanarImage> all = v.visualizeBatch(o, p, DreamListener.NONE);
            for (int i = 0; i < o.size(); i++)
                assertArrayEquals(v.visualize(o.get(i), p, DreamListener.NONE).data(), all.get(i).data(), "unit of channel " + CHANNELS[i] + ": batched = alone");
        }
    }
}
