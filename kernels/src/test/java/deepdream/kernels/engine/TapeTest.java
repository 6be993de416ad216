package deepdream.kernels.engine;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.ops.Concat;
import deepdream.engine.ops.Dropout;
import deepdream.engine.ops.Op;
import deepdream.engine.ops.Relu;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TapeTest {
    private final Backend b = new ReferenceBackend();

    private Tensor ones(int... shape) {
        Tensor t = b.allocate(shape);
        b.fill(t, 1f);
        return t;
    }

    @Test
    void gradientsAccumulateWhereAValueFeedsTwoConsumers() {
        Tensor x = b.upload(new float[] {-1, 2, -3, 4}, 1, 2, 1, 2);
        try (Tape tape = Tape.recording(b)) {
            Var leaf = tape.leaf(x, true);
            Var a = tape.apply(new Relu(), leaf);      // gradient 1 where x > 0
            Var d = tape.apply(new Dropout(), leaf);   // gradient 1 everywhere
            Var y = tape.apply(new Concat(), a, d, a); // a is used twice by the same op
            Tensor seed = b.upload(new float[] {1, 1, 1, 1, 10, 10, 10, 10, 100, 100, 100, 100}, 1, 6, 1, 2);
            tape.backward(y, seed);
            // dx = relu'(x)·(1 + 100) + 10
            assertArrayEquals(new float[] {10, 111, 10, 111}, leaf.grad().toHost());
            assertNull(a.grad(), "intermediate gradients are released once used");
            assertNull(y.grad());
        }
    }

    @Test
    void noGradTapeRecordsNothingAndRefusesBackward() {
        try (Tape tape = Tape.noGrad(b)) {
            assertFalse(tape.isRecording());
            Var leaf = tape.leaf(ones(1, 2, 2, 2), true);
            assertFalse(leaf.requiresGrad(), "nothing needs a gradient on a no-grad tape");
            Var y = tape.apply(new Relu(), leaf);
            assertFalse(y.requiresGrad());
            assertNull(y.op(), "no op recorded");
            assertTrue(y.isLeaf());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(y, ones(1, 2, 2, 2)));
            assertTrue(e.getMessage().contains("no-grad"), e.getMessage());
        }
    }

    @Test
    void valuesNotNeedingGradientsAreNotRecorded() {
        try (Tape tape = Tape.recording(b)) {
            Var constant = tape.leaf(ones(1, 3), false);
            Var y = tape.apply(new Relu(), constant);
            assertFalse(y.requiresGrad());
            tape.backward(y, ones(1, 3));   // nothing to do, but legal
            assertNull(constant.grad());
        }
    }

    @Test
    void closeReleasesEverythingTheTapeCreatedButNotTheLeaves() {
        Tensor x = ones(1, 2, 3, 3);
        List<Tensor> created = new ArrayList<>();
        Tensor taken;
        Var leaf;
        try (Tape tape = Tape.recording(b)) {
            leaf = tape.leaf(x, true);
            Var a = tape.apply(new Relu(), leaf);
            Var c = tape.apply(new Dropout(), a);
            created.add(a.value());
            created.add(c.value());
            tape.backward(c, ones(1, 2, 3, 3));
            taken = leaf.takeGrad();
            assertNull(leaf.grad(), "takeGrad moves the gradient out of the tape");
            assertNotNull(taken);
        }
        for (Tensor t : created) assertTrue(t.isReleased(), "tape value not released: " + t);
        assertFalse(x.isReleased(), "leaves belong to the caller");
        assertFalse(taken.isReleased(), "a taken gradient belongs to the caller");
        float[] g = taken.toHost();
        for (float v : g) assertEquals(1f, v);
    }

    @Test
    void closeReleasesGradientsNotTaken() {
        Tensor x = ones(1, 4);
        Tensor grad;
        try (Tape tape = Tape.recording(b)) {
            Var leaf = tape.leaf(x, true);
            Var y = tape.apply(new Dropout(), leaf);
            tape.backward(y, ones(1, 4));
            grad = leaf.grad();
            assertNotNull(grad);
        }
        assertTrue(grad.isReleased());
    }

    @Test
    void multiOutputBackwardSumsTheSeeds() {
        Tensor x = b.upload(new float[] {1, -2, 3}, 1, 3);
        try (Tape tape = Tape.recording(b)) {
            Var leaf = tape.leaf(x, true);
            Var r = tape.apply(new Relu(), leaf);
            Var d = tape.apply(new Dropout(), r);
            Tensor s1 = b.upload(new float[] {1, 1, 1}, 1, 3), s2 = b.upload(new float[] {2, 2, 2}, 1, 3);
            tape.backward(Map.of(r, s1, d, s2));
            assertArrayEquals(new float[] {3, 0, 3}, leaf.grad().toHost());
            assertFalse(s1.isReleased(), "seeds are copied, the caller keeps them");
        }
    }

    @Test
    void listenerSeesEveryForwardAndBackward() {
        List<String> events = new ArrayList<>();
        try (Tape tape = Tape.recording(b)) {
            tape.setListener(new Tape.OpListener() {
                @Override public void forwardDone(Op op, Var output, long nanos) { events.add("F " + op.type()); }
                @Override public void backwardDone(Op op, Var output, long nanos) { events.add("B " + op.type()); }
            });
            Var y = tape.apply(new Dropout(), tape.apply(new Relu(), tape.leaf(ones(1, 2), true)));
            tape.backward(y, ones(1, 2));
        }
        assertEquals(List.of("F ReLU", "F Dropout", "B Dropout", "B ReLU"), events);
    }

    /** backwardStarting sees an output's whole gradient, before an in-place backward (ReLU's) masks it. */
    @Test
    void listenerSeesTheGradientArrivingBeforeAnInPlaceBackward() {
        List<String> seen = new ArrayList<>();
        try (Tape tape = Tape.recording(b)) {
            Var r = tape.apply(new Relu(), tape.leaf(b.upload(new float[] {-1, 2}, 1, 2), true));
            tape.setListener(new Tape.OpListener() {
                @Override public void forwardDone(Op op, Var output, long nanos) {}
                @Override public void backwardDone(Op op, Var output, long nanos) {}
                @Override public void backwardStarting(Op op, Var output) { seen.add(op.type() + " " + java.util.Arrays.toString(output.grad().toHost())); }
            });
            tape.backward(r, b.upload(new float[] {5, 7}, 1, 2));
        }
        assertEquals(List.of("ReLU [5.0, 7.0]"), seen);
    }

    @Test
    void leafFromAnotherBackendIsRefused() {
        Tensor foreign = new ReferenceBackend().allocate(1, 2);
        try (Tape tape = Tape.recording(b)) {
            assertThrows(IllegalArgumentException.class, () -> tape.leaf(foreign, true));
        }
    }
}
