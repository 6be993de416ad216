package deepdream.kernels.engine;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.ops.Add;
import deepdream.engine.testing.Differentiable;
import deepdream.engine.testing.GradientChecker;
import deepdream.engine.testing.RandomTensors;
import deepdream.kernels.cpu.CpuBackend;
import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static deepdream.kernels.BackendComparison.assertClose;
import static deepdream.kernels.BackendComparison.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The element-wise Add layer (ResNet's shortcut): kernels against the reference, its gradient, a residual block in a net. */
class AddLayerTest {
    static final Backend REF = new ReferenceBackend();
    /** Every add split across three threads, even for a few elements. */
    static final CpuBackend CPU = new CpuBackend(3, new CpuBackend.Thresholds(1, 2048));

    @AfterContainer
    static void close() { CPU.close(); }

    @Property(tries = 30)
    void cpuAddMatchesReferenceInAndOutOfPlace(@ForAll @IntRange(min = 1, max = 500) int size, @ForAll boolean inPlace, @ForAll long seed) {
        Random r = new Random(seed);
        float[] a = gaussian(r, size, 1), b = gaussian(r, size, 1);
        assertClose("add", REF, CPU, be -> {
            Tensor ta = be.upload(a, size), tb = be.upload(b, size), y = inPlace ? ta : be.allocate(size);
            be.add(ta, tb, y);
            return y.toHost();
        }, 0);
    }

    @Test
    void gradientReachesBothInputs() {
        Backend b = new ReferenceBackend();
        RandomTensors r = new RandomTensors(b, 3);
        Tensor x0 = r.uniform(-1, 1, 2, 3, 4, 5), x1 = r.uniform(-1, 1, 2, 3, 4, 5);
        new GradientChecker(b).seed(1).assertGradient(x0, Differentiable.of(new Add(), 0, x0, x1));
        new GradientChecker(b).seed(2).assertGradient(x1, Differentiable.of(new Add(), 1, x0, x1));
    }

    @Test
    void shapesMustMatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerSpec.Add().outputShape(List.of(), new int[] {1, 2, 3, 3}, new int[] {1, 2, 3, 4}));
        assertTrue(e.getMessage().contains("1×2×3×3") && e.getMessage().contains("1×2×3×4"), e.getMessage());
    }

    /** A residual block y = x + conv(x) as a net: forward is the sum, backward the identity plus the conv's gradient. */
    @Test
    void residualBlockInANet() {
        Random r = new Random(5);
        float[] w = gaussian(r, 4 * 4 * 9, 0.2);
        NetDef def = new NetDef("residual", "data", new int[] {1, 4, 6, 7}, List.of(
                new LayerDef("conv", new LayerSpec.Convolution(ConvSpec.square(3, 1, 1)), List.of("data"), "conv", List.of(new HostBlob(new int[] {4, 4, 3, 3}, w))),
                new LayerDef("sum", new LayerSpec.Add(), List.of("data", "conv"), "sum")), new float[] {0, 0, 0, 0});
        float[] x = gaussian(r, 4 * 6 * 7, 1);
        for (Backend b : List.of(REF, (Backend) CPU)) {
            try (Net net = Net.build(def, b); Tape tape = Tape.recording(b)) {
                Var in = tape.leaf(b.upload(x, 1, 4, 6, 7), true);
                Var conv = net.forward(tape, in, "conv"), sum = net.forward(tape, in, "sum");
                float[] expected = conv.value().toHost();
                for (int i = 0; i < x.length; i++) expected[i] += x[i];
                assertArrayEquals(expected, sum.value().toHost(), 1e-5f, b.name());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Net.build(new NetDef("one input", "data", new int[] {1, 4, 6, 7},
                List.of(new LayerDef("sum", new LayerSpec.Add(), List.of("data"), "sum")), new float[] {0, 0, 0, 0}), REF));
    }
}
