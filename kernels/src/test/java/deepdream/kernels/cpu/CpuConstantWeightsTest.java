package deepdream.kernels.cpu;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.Tensor;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static deepdream.kernels.BackendComparison.assertClose;
import static deepdream.kernels.BackendComparison.conv2d;
import static deepdream.kernels.BackendComparison.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The packed-weight cache cannot go stale: only constants are cached and no op writes a constant;
 * a weight tensor that is written between two convolutions is repacked.
 */
class CpuConstantWeightsTest {
    static final ConvSpec S = ConvSpec.square(3, 1, 1);   // Winograd-sized below, plain GEMM for the backward

    @Test
    void aWeightWrittenBetweenTwoConvolutionsIsUsedAsWritten() {
        try (CpuBackend cpu = new CpuBackend(2); Backend ref = new ReferenceBackend()) {
            Random r = new Random(4);
            float[] x = gaussian(r, 16 * 9 * 9, 1), w = gaussian(r, 16 * 16 * 9, 0.3);
            Tensor xt = cpu.upload(x, 1, 16, 9, 9), wt = cpu.upload(w, 16, 16, 3, 3), y = cpu.allocate(1, 16, 9, 9);
            cpu.conv2d(xt, wt, null, S, y);   // packs wt
            cpu.set(wt, 5, 10f);
            cpu.scale(wt, 0.5f);
            cpu.conv2d(xt, wt, null, S, y);
            float[] written = w.clone();
            written[5] = 10f;
            for (int i = 0; i < written.length; i++) written[i] *= 0.5f;
            Tensor expected = ref.allocate(1, 16, 9, 9);
            ref.conv2d(ref.upload(x, 1, 16, 9, 9), ref.upload(written, 16, 16, 3, 3), null, S, expected);
            assertArrayEquals(expected.toHost(), y.toHost(), 1e-4f);
        }
    }

    @Test
    void constantsAreNeverWritten() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Tensor c = cpu.constant(new float[] {1, 2, 3, 4}, 1, 4, 1, 1), other = cpu.upload(new float[] {5, 6, 7, 8}, 1, 4, 1, 1);
            assertThrows(IllegalArgumentException.class, () -> cpu.set(c, 0, 9f));
            assertThrows(IllegalArgumentException.class, () -> cpu.fill(c, 0f));
            assertThrows(IllegalArgumentException.class, () -> cpu.copy(other, c));
            assertThrows(IllegalArgumentException.class, () -> cpu.axpy(1f, other, c));
            assertThrows(IllegalArgumentException.class, () -> cpu.scale(c, 2f));
            assertThrows(IllegalArgumentException.class, () -> cpu.fillChannel(c, 1, 0f));
            assertThrows(IllegalArgumentException.class, () -> cpu.clampChannels(c, new float[4], new float[4]));
            assertThrows(IllegalArgumentException.class, () -> cpu.relu(other, c));
            assertArrayEquals(new float[] {1, 2, 3, 4}, c.toHost());
        }
    }

    @Test
    void aConstantWeightGivesTheSameConvolutionAsAnUploadedOne() {
        try (CpuBackend cpu = new CpuBackend(2); Backend ref = new ReferenceBackend()) {
            Random r = new Random(8);
            float[] x = gaussian(r, 16 * 9 * 9, 1), w = gaussian(r, 16 * 16 * 9, 0.3);
            assertClose("conv with a constant weight", ref, cpu, b -> {
                Tensor y = b.allocate(1, 16, 9, 9);
                Tensor wc = b.constant(w, 16, 16, 3, 3);
                b.conv2d(b.upload(x, 1, 16, 9, 9), wc, null, S, y);
                b.conv2d(b.upload(x, 1, 16, 9, 9), wc, null, S, y);   // second call: the cached pack
                return y.toHost();
            }, 1e-4);
        }
    }
}
