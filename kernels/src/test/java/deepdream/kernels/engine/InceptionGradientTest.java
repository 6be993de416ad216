package deepdream.kernels.engine;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.ops.Concat;
import deepdream.engine.ops.Conv2d;
import deepdream.engine.ops.Pool;
import deepdream.engine.ops.Relu;
import deepdream.engine.testing.Differentiable;
import deepdream.engine.testing.GradientChecker;
import deepdream.engine.testing.RandomTensors;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole inception block gradient-checked end to end: the four branches share the input, so the
 * tape must accumulate four gradients into it. Once built by hand on a Tape, once through Net.
 */
class InceptionGradientTest {
    private final Backend b = new ReferenceBackend();

    /** Input with distinct values (max-pool branch) of magnitude ≤ {@link TinyInception#MAX_INPUT}. */
    private Tensor input(long seed, int c, int h, int w) {
        Tensor x = new RandomTensors(b, seed).distinct(0.04, 1, c, h, w);
        float max = 0;
        for (float v : x.toHost()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= TinyInception.MAX_INPUT, "test input too large for the weight scaling: " + max);
        return x;
    }

    @Test
    void inceptionBlockBuiltOnATape() {
        NetDef def = TinyInception.netDef(11, 4, 6, 6);
        Map<String, Conv2d> convs = new HashMap<>();
        for (LayerDef l : def.layers())
            if (l.spec() instanceof LayerSpec.Convolution conv) {
                HostBlob w = l.blobs().get(0), bias = l.blobs().get(1);
                convs.put(l.name(), new Conv2d(b.upload(w.data(), w.shape()), b.upload(bias.data(), bias.shape()), conv.geometry()));
            }
        Relu relu = new Relu();
        Differentiable block = Differentiable.ofTape("inception block (tape)", (tape, x) -> {
            Var b1 = tape.apply(relu, tape.apply(convs.get("inc/1x1"), x));
            Var b2 = tape.apply(relu, tape.apply(convs.get("inc/3x3"), tape.apply(relu, tape.apply(convs.get("inc/3x3_reduce"), x))));
            Var b3 = tape.apply(relu, tape.apply(convs.get("inc/5x5"), tape.apply(relu, tape.apply(convs.get("inc/5x5_reduce"), x))));
            Var b4 = tape.apply(relu, tape.apply(convs.get("inc/pool_proj"), tape.apply(new Pool(PoolSpec.max(3, 1, 1)), x)));
            return tape.apply(new Concat(), b1, b2, b3, b4);
        });
        Tensor x = input(5, 4, 6, 6);   // 144 elements: every coordinate is checked
        GradientChecker.Report r = new GradientChecker(b).assertGradient(x, block);
        System.out.println(r.message());
        assertTrue(r.coordinates().length == x.size());

        // The same block through Net must compute the same output and gradient.
        try (Net net = Net.build(def, b)) {
            Differentiable viaNet = Differentiable.ofTape("inception block (net)", (tape, in) -> net.forward(tape, in, "inc/output"));
            Tensor r0 = new RandomTensors(b, 1).uniform(-1, 1, 1, TinyInception.OUT_CHANNELS, 6, 6);
            assertArrayEquals(block.forward(x).toHost(), viaNet.forward(x).toHost());
            assertArrayEquals(block.backward(x, r0).toHost(), viaNet.backward(x, r0).toHost());
        }
    }

    @Test
    void inceptionBlockThroughNetAtOddSizes() {
        for (int[] hw : new int[][] {{5, 7}, {7, 3}}) {
            NetDef def = TinyInception.netDef(23, 3, hw[0], hw[1]);
            try (Net net = Net.build(def, b)) {
                Differentiable f = Differentiable.ofTape("inception block (net) " + hw[0] + "x" + hw[1],
                        (tape, in) -> net.forward(tape, in, "inc/output"));
                GradientChecker.Report r = new GradientChecker(b).seed(hw[0]).assertGradient(input(hw[1], 3, hw[0], hw[1]), f);
                System.out.println(r.message());
            }
        }
    }

    @Test
    void everyBranchHasLiveAndDeadReluChannels() {
        // Guards the test design above: if all ReLUs were always on, the masks would go untested.
        NetDef def = TinyInception.netDef(11, 4, 6, 6);
        try (Net net = Net.build(def, b); Tape tape = Tape.noGrad(b)) {
            float[] out = net.forward(tape, tape.leaf(input(5, 4, 6, 6), false), "inc/output").value().toHost();
            int plane = 36, zeroChannels = 0, liveChannels = 0;
            for (int c = 0; c < TinyInception.OUT_CHANNELS; c++) {
                boolean allZero = true;
                for (int p = 0; p < plane; p++) allZero &= out[c * plane + p] == 0f;
                if (allZero) zeroChannels++; else liveChannels++;
            }
            assertTrue(zeroChannels >= 4 && liveChannels >= 4, "dead " + zeroChannels + ", live " + liveChannels);
        }
    }
}
