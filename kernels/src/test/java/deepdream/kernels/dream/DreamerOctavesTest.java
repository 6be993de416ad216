package deepdream.kernels.dream;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.image.Resize;
import deepdream.engine.model.Net;
import deepdream.kernels.GoogLeNetFixture;
import deepdream.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two octaves against a reference computed here on the host from the notebook's recipe: dream the
 * small base, keep what the steps added (the detail), upscale it onto the large base, dream again.
 * Built from the public step so the same floats are computed in the same order: equality is exact.
 */
class DreamerOctavesTest {
    static final String BLOB = "conv2/3x3";

    @Test
    void theDetailOfTheSmallOctaveIsCarriedIntoTheLargeOne() {
        try (Backend b = new CpuBackend(1); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            PlanarImage rgb = DreamerTest.photo(5, 45, 53);
            DreamParams p = DreamParams.defaults().withLayer(BLOB).withOctaves(2).withOctaveScale(1.4).withIterations(3)
                    .withJitter(3).withStep(1.5).withSeed(11).withTile(-1);
            float[] got = new Dreamer(net).dream(rgb, p, DreamListener.NONE).data();

            float[] withDetail = hostReference(net, rgb, p, true), withoutDetail = hostReference(net, rgb, p, false);
            double diff = 0;
            for (int i = 0; i < withDetail.length; i++) diff = Math.max(diff, Math.abs(withDetail[i] - withoutDetail[i]));
            assertTrue(diff > 1, "the detail must matter for this test to mean anything: max difference " + diff);
            assertArrayEquals(withDetail, got, "two-octave dream differs from the host reference");
        }
    }

    /** The recipe, octave by octave; carry = false drops the detail (the bug this guards against). */
    private static float[] hostReference(Net net, PlanarImage rgb, DreamParams p, boolean carry) {
        Backend b = net.backend();
        float[] mean = {104, 117, 123};
        Dreamer steps = new Dreamer(net);
        InputGradient gradient = new InputGradient(net, steps.terms(p));
        List<int[]> sizes = Dreamer.octaveSizes(rgb.height(), rgb.width(), p);
        PlanarImage large = Preprocess.toNet(rgb, mean), small = Resize.bilinear(large, sizes.get(1)[0], sizes.get(1)[1]);
        SplittableRandom random = new SplittableRandom(p.seed());
        PlanarImage dreamedSmall = dreamOctave(steps, gradient, b, small.copy(), p, random);
        float[] detail = dreamedSmall.data().clone();
        for (int i = 0; i < detail.length; i++) detail[i] -= small.data()[i];
        PlanarImage x = large.copy();
        if (carry) {
            float[] up = Resize.bilinear(new PlanarImage(3, small.height(), small.width(), detail), large.height(), large.width()).data();
            for (int i = 0; i < up.length; i++) x.data()[i] += up[i];
        }
        return Preprocess.fromNet(dreamOctave(steps, gradient, b, x, p, random), mean).data();
    }

    private static PlanarImage dreamOctave(Dreamer steps, InputGradient gradient, Backend b, PlanarImage x, DreamParams p, SplittableRandom random) {
        Tensor xt = b.upload(x.data(), x.nchw());
        try (Dreamer.StepBuffers buffers = new Dreamer.StepBuffers(b, x.nchw())) {
            for (int i = 0; i < p.iterations(); i++) {
                int ox = random.nextInt(-p.jitter(), p.jitter() + 1), oy = random.nextInt(-p.jitter(), p.jitter() + 1);
                steps.step(xt, gradient, ox, oy, p.step(), 0, p.tileMargin(), buffers);
            }
            return new PlanarImage(x.channels(), x.height(), x.width(), xt.toHost());
        } finally {
            xt.release();
        }
    }
}
