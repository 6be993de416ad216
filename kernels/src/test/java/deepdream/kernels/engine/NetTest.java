package deepdream.kernels.engine;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.ops.Op;
import deepdream.engine.testing.RandomTensors;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetTest {
    private final Backend b = new ReferenceBackend();
    private final NetDef def = TinyInception.netDef(3, 4, 6, 6);

    private Tensor input(int h, int w) { return new RandomTensors(b, 9).uniform(-2, 2, 1, 4, h, w); }

    /** Runs forward for the wanted blobs and returns the types of the ops that ran. */
    private List<String> opsRun(Net net, Tape tape, Var in, List<String> wanted, Map<String, Var>[] out) {
        List<String> ran = new ArrayList<>();
        tape.setListener(new Tape.OpListener() {
            @Override public void forwardDone(Op op, Var output, long nanos) { ran.add(op.type()); }
            @Override public void backwardDone(Op op, Var output, long nanos) {}
        });
        out[0] = net.forward(tape, in, wanted);
        return ran;
    }

    @Test
    void inPlaceReluRebindsTheBlobName() {
        try (Net net = Net.build(def, b); Tape tape = Tape.noGrad(b)) {
            Var in = tape.leaf(input(6, 6), false);
            float[] v = net.forward(tape, in, "inc/1x1").value().toHost();
            boolean someZero = false;
            for (float f : v) {
                assertTrue(f >= 0, "inc/1x1 must be the value after its in-place ReLU");
                someZero |= f == 0;
            }
            assertTrue(someZero, "the ReLU should have cut something (bias -1 channels)");
            assertEquals(List.of("data", "inc/1x1", "inc/3x3_reduce", "inc/3x3", "inc/5x5_reduce", "inc/5x5", "inc/pool",
                    "inc/pool_proj", "inc/output"), net.blobNames());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void forwardToAnIntermediateBlobRunsOnlyWhatItNeeds() {
        try (Net net = Net.build(def, b); Tape tape = Tape.noGrad(b)) {
            Map<String, Var>[] out = new Map[1];
            Var in = tape.leaf(input(6, 6), false);
            assertEquals(List.of("Convolution", "ReLU", "Convolution", "ReLU"), opsRun(net, tape, in, List.of("inc/3x3"), out));
            assertEquals(List.of("MaxPool"), opsRun(net, tape, in, List.of("inc/pool"), out));
            assertEquals(List.of(), opsRun(net, tape, in, List.of("data"), out));
            assertTrue(out[0].get("data") == in);
            assertEquals(14, opsRun(net, tape, in, List.of("inc/output"), out).size());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void noGradForwardReleasesIntermediatesButKeepsWantedBlobs() {
        try (Net net = Net.build(def, b); Tape tape = Tape.noGrad(b)) {
            List<Var> produced = new ArrayList<>();
            tape.setListener(new Tape.OpListener() {
                @Override public void forwardDone(Op op, Var output, long nanos) { produced.add(output); }
                @Override public void backwardDone(Op op, Var output, long nanos) {}
            });
            Map<String, Var> out = net.forward(tape, tape.leaf(input(6, 6), false), List.of("inc/3x3_reduce", "inc/output"));
            assertFalse(out.get("inc/3x3_reduce").value().isReleased(), "a wanted intermediate must survive");
            assertFalse(out.get("inc/output").value().isReleased());
            long released = produced.stream().filter(v -> v.value().isReleased()).count();
            assertEquals(produced.size() - 2, released, "every other intermediate is released after its last use");
        }
    }

    @Test
    void blobShapesAtSeveralInputSizes() {
        try (Net net = Net.build(def, b)) {
            for (int[] hw : new int[][] {{6, 6}, {1, 1}, {7, 3}, {224, 224}}) {
                Map<String, int[]> shapes = net.blobShapes(new int[] {2, 4, hw[0], hw[1]});
                assertArrayEquals(new int[] {2, 4, hw[0], hw[1]}, shapes.get("data"));
                assertArrayEquals(new int[] {2, 3, hw[0], hw[1]}, shapes.get("inc/1x1"));
                assertArrayEquals(new int[] {2, 3, hw[0], hw[1]}, shapes.get("inc/3x3"));
                assertArrayEquals(new int[] {2, 4, hw[0], hw[1]}, shapes.get("inc/pool"));
                assertArrayEquals(new int[] {2, TinyInception.OUT_CHANNELS, hw[0], hw[1]}, shapes.get("inc/output"));
            }
            // A forward pass must produce exactly the inferred shape.
            try (Tape tape = Tape.noGrad(b)) {
                Var y = net.forward(tape, tape.leaf(input(7, 3), false), "inc/output");
                assertArrayEquals(net.blobShapes(new int[] {1, 4, 7, 3}).get("inc/output"), y.shape());
            }
        }
    }

    @Test
    void wrongInputChannelsNameTheLayer() {
        try (Net net = Net.build(def, b)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.blobShapes(new int[] {1, 3, 6, 6}));
            assertTrue(e.getMessage().contains("inc/1x1") && e.getMessage().contains("4 input channels"), e.getMessage());
        }
    }

    @Test
    void unknownBlobNameSuggestsCloseNames() {
        try (Net net = Net.build(def, b); Tape tape = Tape.noGrad(b)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(tape, tape.leaf(input(6, 6), false), "inc/3x3_reduse"));
            assertTrue(e.getMessage().contains("'inc/3x3_reduse'") && e.getMessage().contains("did you mean inc/3x3_reduce"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> net.requireBlob("output"));
            assertFalse(net.hasBlob("inc/relu_1x1"), "layer names of in-place layers are not blobs");
        }
    }

    @Test
    void aLayerMayReadTheSameBlobTwice() {
        List<LayerDef> layers = new ArrayList<>(def.layers());
        layers.add(new LayerDef("twice", new LayerSpec.Concat(), List.of("inc/pool", "inc/pool"), "twice"));
        NetDef twice = new NetDef("twice", "data", def.inputShape(), layers, def.meanBgr());
        try (Net net = Net.build(twice, b); Tape tape = Tape.noGrad(b)) {
            Var y = net.forward(tape, tape.leaf(input(6, 6), false), "twice");
            assertArrayEquals(new int[] {1, 8, 6, 6}, y.shape());
        }
    }

    @Test
    void aLayerReadingAnUnknownBlobIsRejectedAtBuildTime() {
        List<LayerDef> layers = List.of(new LayerDef("r", new LayerSpec.Relu(), List.of("nope"), "r"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Net.build(new NetDef("bad", "data", new int[] {1, 1, 1, 1}, layers, new float[] {0}), b));
        assertTrue(e.getMessage().contains("'r'") && e.getMessage().contains("'nope'"), e.getMessage());
    }
}
