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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Objective terms are summed: two terms on one blob (`--layer X --layer X:0.5`) give 1.5 times one term's gradient. */
class InputGradientTermsTest {
    @Test
    void twoTermsOnTheSameBlobAdd() {
        String blob = "conv2/3x3";
        try (Backend b = new CpuBackend(1); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            InputGradient one = new InputGradient(net, List.of(new InputGradient.Term(blob, 1, Objective.l2())));
            InputGradient two = new InputGradient(net, List.of(new InputGradient.Term(blob, 1, Objective.l2()),
                    new InputGradient.Term(blob, 0.5, Objective.l2())));
            Tensor x = DreamerTest.netInput(b, DreamerTest.photo(9, 37, 41));
            Tensor g1 = b.allocate(x.shape()), g2 = b.allocate(x.shape());
            double v1 = one.compute(x, g1), v2 = two.compute(x, g2);
            assertEquals(1.5 * v1, v2, 1e-6 * v1, "objective value");
            float[] a = g1.toHost(), c = g2.toHost();
            double worst = 0, scale = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(1.5 * a[i] - c[i]));
                scale = Math.max(scale, Math.abs(a[i]));
            }
            assertEquals(0, worst / scale, 1e-5, "gradient of two terms / 1.5 × one term's");
        }
    }
}
