package deepdream.kernels.engine;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.engine.ops.Op;
import deepdream.kernels.GoogLeNetFixture;
import deepdream.kernels.cpu.CpuBackend;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Net.forward on a recording tape frees the values no backward reads (Op#backwardReadsInput/Output)
 * after their last forward use, and Tape.backward(seeds, true) frees the others after the last
 * backward that reads them. The input gradient must be bit for bit the one of a forward that
 * keeps every value (the keepEvery oracle), on GoogLeNet's real architecture.
 */
class NetEarlyReleaseTest {
    private static final int[] SHAPE = {1, 3, 67, 83};

    /** {input gradient, fraction of forward outputs released before backward}. */
    private static Object[] gradient(Backend b, Net net, float[] image, boolean keepAll, String blob) {
        try (Tape tape = Tape.recording(b)) {
            List<Var> outputs = new ArrayList<>();
            tape.setListener(new Tape.OpListener() {
                @Override public void forwardDone(Op op, Var output, long nanos) { outputs.add(output); }
                @Override public void backwardDone(Op op, Var output, long nanos) {}
            });
            Tensor input = b.upload(image, SHAPE);
            Var x = tape.leaf(input, true);
            Var out = net.forward(tape, x, List.of(blob), keepAll).get(blob);
            double released = outputs.stream().filter(v -> v.value().isReleased()).count() / (double) outputs.size();
            Tensor seed = b.allocate(out.shape());
            Objective.l2().gradient(b, out.value(), seed);
            tape.backward(java.util.Map.of(out, seed), !keepAll);
            long left = outputs.stream().filter(v -> !v.value().isReleased()).count();
            if (keepAll) assertEquals(outputs.size(), left, "the oracle frees nothing before close");
            else assertEquals(1, left, "a freeing backward keeps only the seed's value");
            float[] g = x.grad().toHost();
            seed.release();
            input.release();
            return new Object[] {g, released};
        }
    }

    private static void check(Backend b) {
        float[] image = new float[SHAPE[1] * SHAPE[2] * SHAPE[3]];
        Random r = new Random(3);
        for (int i = 0; i < image.length; i++) image[i] = (float) r.nextGaussian() * 40;
        try (Net net = Net.build(GoogLeNetFixture.upTo4c(2), b)) {
            // The concat at the top, and a ReLU's output (which its own backward reads: the seed's value must stay).
            for (String blob : List.of(GoogLeNetFixture.LAST_BLOB, "inception_4c/1x1")) {
                Object[] kept = gradient(b, net, image, true, blob);
                Object[] early = gradient(b, net, image, false, blob);
                assertEquals(0.0, (double) kept[1], "keepEvery keeps every value");
                assertTrue((double) early[1] > 0.3, "most conv outputs and concats are freed early: " + early[1]);
                assertArrayEquals((float[]) kept[0], (float[]) early[0], "same gradient with values freed early, " + blob);
            }
        }
    }

    @Test
    void freeingWhatNoBackwardReadsKeepsTheGradientOnTheReference() { check(new ReferenceBackend()); }

    @Test
    void freeingWhatNoBackwardReadsKeepsTheGradientOnCpu() {
        try (Backend b = new CpuBackend(2)) { check(b); }
    }
}
