package deepdream.kernels.cpu;

import deepdream.engine.Backend;
import deepdream.engine.model.NetDef;
import deepdream.kernels.BackendComparison;
import deepdream.kernels.GoogLeNetFixture;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One whole dream step on GoogLeNet (random weights, real architecture and layer shapes) on cpu vs
 * reference: forward to inception_4c/output, objective 0.5·Σa², backward to the input, at an odd
 * size (231×317: ceil-mode overhang in pool1/pool2, half Winograd tiles at the edges of every 3×3
 * layer, partial GEMM panels). Every kernel path of a real step runs on its real shape: im2col with
 * stride-2 column phases (conv1), col2im (conv1 backward), 1×1 GEMMs, Winograd (all 3×3 layers and
 * their backward-data), 5×5 GEMMs.
 *
 * <p>The activation must agree to 1e-4. The input gradient is piecewise continuous (float rounding
 * can move a ReLU input across 0 or change which of two near-equal values a max-pool picks, rerouting
 * the gradient of one patch), so it must agree to 1e-4 of its largest value on 99% of its elements.
 */
class CpuGoogLeNetStepTest {
    static final int[] INPUT = {1, 3, 231, 317};
    static final double TOL = 1e-4;

    @Test
    void wholeStepMatchesReference() {
        NetDef def = GoogLeNetFixture.upTo4c(2015);
        Random r = new Random(42);
        float[] image = new float[INPUT[1] * INPUT[2] * INPUT[3]];
        for (int i = 0; i < image.length; i++) image[i] = r.nextFloat() * 255 - 120;   // mean-subtracted pixel range
        float[][] expected = step(new ReferenceBackend(), def, image);
        float[][] got;
        try (CpuBackend cpu = new CpuBackend(2)) {
            got = step(cpu, def, image);
        }
        double actErr = BackendComparison.relativeError(expected[0], got[0]);
        double maxRef = 0;
        for (float v : expected[1]) maxRef = Math.max(maxRef, Math.abs(v));
        int outside = 0;
        for (int i = 0; i < got[1].length; i++) if (!(Math.abs(got[1][i] - expected[1][i]) <= TOL * maxRef)) outside++;
        System.out.printf("[cpu tests] GoogLeNet step at %dx%d: inception_4c/output relative error %.3e; input gradient "
                        + "relative error %.3e, %d of %d elements beyond 1e-4%n", INPUT[2], INPUT[3], actErr,
                BackendComparison.relativeError(expected[1], got[1]), outside, got[1].length);
        assertTrue(actErr <= TOL, "inception_4c/output relative error " + actErr);
        assertTrue(outside <= got[1].length / 100, outside + " input-gradient elements beyond 1e-4 (allowed: 1%)");
    }

    /** {activation, input gradient} of one step. */
    private static float[][] step(Backend b, NetDef def, float[] image) {
        return GoogLeNetFixture.step(b, def, image, INPUT, null);
    }
}
