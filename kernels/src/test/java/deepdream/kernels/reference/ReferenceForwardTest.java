package deepdream.kernels.reference;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.kernels.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forward results against small cases computed by hand, following Caffe's definitions. */
class ReferenceForwardTest {
    private final Backend b = new ReferenceBackend();

    private float[] run(PoolSpec s, float[] x, int h, int w) {
        Tensor in = b.upload(x, 1, 1, h, w);
        Tensor out = b.allocate(1, 1, s.outH(h), s.outW(w));
        b.pool(in, s, out);
        return out.toHost();
    }

    @Test
    void ceilModeMaxPoolKeepsTheOverhangingWindow() {
        // 3x3 input, 2x2 stride 2, no pad: ceil((3-2)/2)+1 = 2 per side; the last window hangs over.
        PoolSpec s = PoolSpec.max(2, 2, 0);
        assertEquals(2, s.outH(3));
        float[] x = {1, 2, 3,
                     4, 5, 6,
                     7, 8, 9};
        assertArrayEquals(new float[] {5, 6, 8, 9}, run(s, x, 3, 3));
    }

    @Test
    void paddedPoolDropsTheWindowStartingInThePadding() {
        // in=4, k=2, s=2, pad=1: ceil((4+2-2)/2)+1 = 3; the 3rd window starts at 2*2-1 = 3 < 4+1... kept.
        assertEquals(3, PoolSpec.max(2, 2, 1).outH(4));
        // in=3, k=2, s=2, pad=1: ceil((3+2-2)/2)+1 = 3, but window 2 starts at 4-1 = 3 = in: only padding, dropped.
        assertEquals(2, PoolSpec.max(2, 2, 1).outH(3));
        // GoogLeNet's pool1: 112 -> 56 with 3x3 s2 (no pad), ceil mode.
        assertEquals(56, PoolSpec.max(3, 2, 0).outH(112));
        float[] x = {1, 2, 3,
                     4, 5, 6,
                     7, 8, 9};
        // windows rows [-1,1) -> {0}, [1,3) -> {1,2}
        assertArrayEquals(new float[] {1, 3, 7, 9}, run(PoolSpec.max(2, 2, 1), x, 3, 3));
    }

    @Test
    void maxPoolGradientGoesToTheFirstMaximum() {
        PoolSpec s = PoolSpec.max(2, 2, 0);
        Tensor x = b.upload(new float[] {7, 7, 7, 7}, 1, 1, 2, 2);
        Tensor dy = b.upload(new float[] {3}, 1, 1, 1, 1);
        Tensor dx = b.allocate(1, 1, 2, 2);
        b.poolBackward(x, dy, s, dx);
        assertArrayEquals(new float[] {3, 0, 0, 0}, dx.toHost());
        x = b.upload(new float[] {1, 9, 9, 2}, 1, 1, 2, 2);
        b.poolBackward(x, dy, s, dx);
        assertArrayEquals(new float[] {0, 3, 0, 0}, dx.toHost());
    }

    @Test
    void avePoolDividesByTheWindowClippedToThePaddedInput() {
        // 3x3 ones, 3x3 kernel, stride 2, pad 1 -> 2x2 output. Window (0,0) covers rows/cols [-1,2):
        // size 9 counted against the padded input, 4 real ones -> 4/9. Window (1,1) covers [1,4) clipped to
        // [1,4) in the padded input (3+1 = 4): size 9, real pixels rows/cols {1,2}: 4 -> 4/9.
        PoolSpec s = PoolSpec.ave(3, 2, 1);
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        float[] y = run(s, ones, 3, 3);
        assertArrayEquals(new float[] {4f / 9, 4f / 9, 4f / 9, 4f / 9}, y, 1e-7f);
        // No padding, overhanging window: 3x3 input, k2 s2 -> window (1,1) is clipped to the input, size 1.
        y = run(PoolSpec.ave(2, 2, 0), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        assertArrayEquals(new float[] {3, 4.5f, 7.5f, 9}, y, 1e-6f);
    }

    @Test
    void convolutionOnATinyExample() {
        // 1x1x3x3 input, one 2x2 kernel, stride 1, pad 0, bias 0.5.
        Tensor x = b.upload(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = b.upload(new float[] {1, 0, 0, -1}, 1, 1, 2, 2);
        Tensor bias = b.upload(new float[] {0.5f}, 1);
        Tensor y = b.allocate(1, 1, 2, 2);
        b.conv2d(x, w, bias, ConvSpec.square(2, 1, 0), y);
        assertArrayEquals(new float[] {-3.5f, -3.5f, -3.5f, -3.5f}, y.toHost());
        // pad 1, stride 2: output 2x2 at top-left corners (-1,-1), (-1,1), (1,-1), (1,1).
        Tensor y2 = b.allocate(1, 1, 2, 2);
        b.conv2d(x, w, null, ConvSpec.square(2, 2, 1), y2);
        // (-1,-1): 1*0 + (-1)*x[0][0]=-1; (-1,1): -x[0][2] = -3; (1,-1): -x[2][0] = -7; (1,1): x[1][1] - x[2][2] = 5-9
        assertArrayEquals(new float[] {-1, -3, -7, -4}, y2.toHost());
    }

    @Test
    void groupedConvolutionOnlySeesItsGroup() {
        // 2 input channels, 2 groups, 1x1 kernels of weight 2 and 3: out c = w_c * in c.
        Tensor x = b.upload(new float[] {1, 2, 10, 20}, 1, 2, 1, 2);
        Tensor w = b.upload(new float[] {2, 3}, 2, 1, 1, 1);
        Tensor y = b.allocate(1, 2, 1, 2);
        b.conv2d(x, w, null, ConvSpec.square(1, 1, 0).withGroups(2), y);
        assertArrayEquals(new float[] {2, 4, 30, 60}, y.toHost());
    }

    @Test
    void lrnOnAHandExample() {
        // 3 channels at one pixel: a = (1, 2, 3), size 3, alpha 3, beta 0.5, k 1.
        // scale_0 = 1 + 1*(1+4) = 6, scale_1 = 1 + (1+4+9) = 15, scale_2 = 1 + (4+9) = 14.
        Tensor x = b.upload(new float[] {1, 2, 3}, 1, 3, 1, 1);
        Tensor y = b.allocate(1, 3, 1, 1);
        b.lrn(x, new LrnSpec(3, 3f, 0.5f, 1f), y);
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(6)), (float) (2 / Math.sqrt(15)), (float) (3 / Math.sqrt(14))},
                y.toHost(), 1e-7f);
    }

    @Test
    void softmaxSumsToOneAndIsShiftInvariant() {
        Tensor x = b.upload(new float[] {1000, 1001, 1002}, 1, 3);
        Tensor y = b.allocate(1, 3);
        b.softmax(x, y);
        double e = Math.E, z = 1 + e + e * e;
        assertArrayEquals(new float[] {(float) (1 / z), (float) (e / z), (float) (e * e / z)}, y.toHost(), 1e-7f);
    }

    @Test
    void innerProductFlattensEachSample() {
        Tensor x = b.upload(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 1, 2);   // 2 samples of 4
        Tensor w = b.upload(new float[] {1, 1, 1, 1, 1, -1, 1, -1}, 2, 4);
        Tensor bias = b.upload(new float[] {0, 100}, 2);
        Tensor y = b.allocate(2, 2);
        b.innerProduct(x, w, bias, y);
        assertArrayEquals(new float[] {10, 98, 26, 98}, y.toHost());
    }

    @Test
    void rollWrapsAroundInBothDirections() {
        Tensor x = b.upload(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
        Tensor y = b.allocate(1, 1, 2, 3);
        b.roll(x, 1, -1, y);
        // dst[(r+1)%2][(c-1)%3] = src[r][c]
        assertArrayEquals(new float[] {5, 6, 4, 2, 3, 1}, y.toHost());
        b.roll(x, -5, 7, y);   // same as (1, 1)
        assertArrayEquals(new float[] {6, 4, 5, 3, 1, 2}, y.toHost());
        assertThrows(IllegalArgumentException.class, () -> b.roll(x, 1, 1, x));
    }

    @Test
    void channelHelpers() {
        Tensor t = b.upload(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 1, 2);
        assertEquals(1 + 2 + 5 + 6, b.sumChannel(t, 0));
        b.clampChannels(t, new float[] {2, 0}, new float[] {5, 7.5f});
        assertArrayEquals(new float[] {2, 2, 3, 4, 5, 5, 7, 7.5f}, t.toHost());
        b.fillChannel(t, 1, -1);
        assertArrayEquals(new float[] {2, 2, -1, -1, 5, 5, -1, -1}, t.toHost());
        assertEquals(4 + 4 + 1 + 1 + 25 + 25 + 1 + 1, b.sumSquares(t));
        assertEquals(2 + 2 + 1 + 1 + 5 + 5 + 1 + 1, b.sumAbs(t));
        b.set(t, 3, 9);
        assertEquals(9, b.get(t, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> b.get(t, 8));
    }

    @Test
    void concatCopiesChannelSlicesBothWays() {
        Tensor a = b.upload(new float[] {1, 2, 3, 4}, 2, 1, 1, 2);
        Tensor c = b.upload(new float[] {5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 1, 2);
        Tensor out = b.allocate(2, 3, 1, 2);
        b.copyIntoChannels(a, out, 0);
        b.copyIntoChannels(c, out, 1);
        assertArrayEquals(new float[] {1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}, out.toHost());
        Tensor back = b.allocate(2, 2, 1, 2);
        b.copyFromChannels(out, 1, back);
        assertArrayEquals(c.toHost(), back.toHost());
        assertThrows(IllegalArgumentException.class, () -> b.copyIntoChannels(c, out, 2));
    }

    @Test
    void releasedBuffersAreReused() {
        ReferenceBackend rb = new ReferenceBackend();
        Tensor t = rb.allocate(1, 3, 5, 7);
        Object storage = t.storage();
        t.release();
        assertTrue(t.isReleased());
        assertEquals(4L * 105, rb.pooledBytes());
        Tensor u = rb.zeros(3, 35);
        assertTrue(u.storage() == storage, "same-size allocation should reuse the released array");
        assertArrayEquals(new float[105], u.toHost());
        assertEquals(0, rb.pooledBytes());
    }

    @Test
    void poolKeepsNoMoreThanItsCap() {
        ReferenceBackend small = new ReferenceBackend(4L * 100) {};
        Tensor a = small.allocate(60), c = small.allocate(60);
        a.release();
        c.release();   // 480 bytes would exceed the 400-byte cap: dropped
        assertEquals(4L * 60, small.pooledBytes());
        small.close();
        assertEquals(0, small.pooledBytes());
    }

    @Test
    void uploadChecksTheLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.upload(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("2×3"), e.getMessage());
    }

    @Test
    void backendsFactory() {
        assertEquals("reference", Backends.create("reference").name());
        assertEquals("reference", Backends.create("Reference", 4).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("gpu"));
        assertTrue(e.getMessage().contains("gpu") && e.getMessage().contains("reference"), e.getMessage());
    }
}
