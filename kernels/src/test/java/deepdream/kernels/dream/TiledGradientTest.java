package deepdream.kernels.dream;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.kernels.GoogLeNetFixture;
import deepdream.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tile-by-tile gradients against the whole-image gradient. At conv2/3x3 the receptive field reaches
 * 9 pixels from its centre, so a pixel's gradient depends only on input within 2·9 = 18 pixels: a
 * 32-pixel margin makes the tiled gradient exact (up to float summation order), while no margin
 * visibly breaks it at the tile borders — which shows the comparison can fail.
 */
class TiledGradientTest {
    static final String BLOB = DreamerTest.BLOB;

    static double relError(float[] a, float[] b) {
        double d = 0, n = 0;
        for (int i = 0; i < a.length; i++) { d += Math.pow(a[i] - b[i], 2); n += (double) b[i] * b[i]; }
        return Math.sqrt(d / n);
    }

    float[][] wholeAndTiled(Objective objective, int tile, int margin) {
        try (Backend b = new CpuBackend(2); Net net = Net.build(GoogLeNetFixture.upTo4c(4), b)) {
            InputGradient grad = new InputGradient(net, List.of(new InputGradient.Term(BLOB, 1, objective)));
            Tensor x = DreamerTest.netInput(b, DreamerTest.photo(7, 101, 87));
            Tensor whole = b.allocate(x.shape()), tiled = b.allocate(x.shape());
            grad.compute(x, whole);
            grad.computeTiled(x, tiled, tile, margin);
            return new float[][] {whole.toHost(), tiled.toHost()};
        }
    }

    @Test
    void marginBeyondTheReceptiveFieldGivesTheWholeImageGradient() {
        float[][] g = wholeAndTiled(Objective.l2(), 32, 32);
        assertTrue(relError(g[1], g[0]) < 1e-5, "relative L2 error " + relError(g[1], g[0]));
    }

    @Test
    void withoutMarginTileBordersShow() {
        float[][] g = wholeAndTiled(Objective.l2(), 32, 0);
        assertTrue(relError(g[1], g[0]) > 1e-2, "relative L2 error " + relError(g[1], g[0]));
    }

    @Test
    void channelMeanIsRescaledPerTile() {
        float[][] g = wholeAndTiled(Objective.channelMean(5), 32, 32);
        assertTrue(relError(g[1], g[0]) < 1e-5, "relative L2 error " + relError(g[1], g[0]));
    }

    @Test
    void objectivesTiedToWholeBlobPositionsRefuseTiling() {
        try (Backend b = new CpuBackend(1); Net net = Net.build(GoogLeNetFixture.upTo4c(4), b)) {
            InputGradient grad = new InputGradient(net, List.of(new InputGradient.Term(BLOB, 1, Objective.unit(0, 1, 1))));
            Tensor x = DreamerTest.netInput(b, DreamerTest.photo(7, 70, 70));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> grad.computeTiled(x, b.allocate(x.shape()), 32, 32));
            assertTrue(e.getMessage().contains("cannot be computed tile by tile"), e.getMessage());
        }
    }
}
