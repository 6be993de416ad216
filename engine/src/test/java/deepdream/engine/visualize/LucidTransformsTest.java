package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static deepdream.engine.visualize.TransformsTest.assertAdjoint;
import static deepdream.engine.visualize.TransformsTest.random;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Lucid's robustness transforms (pad, crop jitter, random scale, random rotation) and Adam: each
 * adjoint is the exact transpose (⟨Tx, y⟩ = ⟨x, Tᵀy⟩, odd sizes), each forward does what it says,
 * and Adam's first steps match the formula worked by hand.
 */
class LucidTransformsTest {
    @Property(tries = 30)
    void padCropScaleRotateAdjointsAreTheirTransposes(@ForAll @IntRange(min = 6, max = 23) int h, @ForAll @IntRange(min = 6, max = 23) int w,
                                                      @ForAll long seed) {
        assertAdjoint(ImageTransform.pad(3), h, w, seed);
        assertAdjoint(ImageTransform.cropJitter(5), h, w, seed);
        assertAdjoint(ImageTransform.randomScale(0.9, 1.1, 0.77, 1.3), h, w, seed);
        assertAdjoint(ImageTransform.randomRotate(-10, -3, 7, 10, 45), h, w, seed);
        for (ImageTransform t : ImageTransform.lucid()) assertAdjoint(t, h + 24, w + 24, seed);
    }

    @Test
    void padSurroundsWithZerosAndCropJitterCutsAShiftedWindow() {
        PlanarImage x = random(3, 7, 9, 1);
        PlanarImage p = ImageTransform.pad(2).sample(7, 9, new SplittableRandom(1)).forward(x);
        assertEquals(11, p.height());
        assertEquals(13, p.width());
        assertEquals(x.get(1, 0, 0), p.get(1, 2, 2));
        assertEquals(0f, p.get(1, 1, 2));
        assertEquals(0f, p.get(2, 10, 12));
        SplittableRandom rnd = new SplittableRandom(4);
        java.util.Set<String> offsets = new java.util.HashSet<>();
        for (int k = 0; k < 60; k++) {
            PlanarImage c = ImageTransform.cropJitter(2).sample(7, 9, rnd).forward(x);
            assertEquals(5, c.height());
            assertEquals(7, c.width());
            int found = 0;
            for (int dy = 0; dy <= 2; dy++)
                for (int dx = 0; dx <= 2; dx++)
                    if (java.util.Arrays.equals(x.crop(dy, dx, 5, 7).data(), c.data())) { found++; offsets.add(dy + "," + dx); }
            assertEquals(1, found);
        }
        assertEquals(9, offsets.size(), "every offset 0..2 x 0..2 is drawn: " + offsets);
    }

    @Test
    void randomScaleResizesByOneOfItsFactors() {
        SplittableRandom rnd = new SplittableRandom(2);
        java.util.Set<Integer> heights = new java.util.TreeSet<>();
        for (int k = 0; k < 50; k++) heights.add(ImageTransform.randomScale(0.9, 1.1).sample(100, 60, rnd).forward(random(3, 100, 60, k)).height());
        assertEquals(java.util.Set.of(90, 110), heights);
    }

    @Test
    void rotationTurnsAboutTheCentre() {
        // A quarter turn of an odd square moves pixels exactly: (y, x) → (x, n−1−y) or its mirror.
        int n = 7;
        PlanarImage x = random(1, n, n, 3);
        PlanarImage r = new RandomRotate.Map(n, n, Math.PI / 2).forward(x);
        for (int y = 0; y < n; y++)
            for (int xx = 0; xx < n; xx++) assertEquals(x.get(0, n - 1 - xx, y), r.get(0, y, xx), 1e-5, "at " + y + "," + xx);
        assertEquals(x.get(0, 3, 3), new RandomRotate.Map(n, n, Math.toRadians(10)).forward(x).get(0, 3, 3), 1e-6, "the centre stays");
        // A 45° turn leaves the corners outside the source: they read 0.
        assertEquals(0f, new RandomRotate.Map(n, n, Math.PI / 4).forward(x).get(0, 0, 0));
        assertSame(x, ImageTransform.randomRotate(0).sample(n, n, new SplittableRandom(1)).forward(x));
    }

    @Test
    void lucidsListIsPadJitterScaleRotateJitter() {
        List<ImageTransform> t = ImageTransform.lucid();
        assertEquals(5, t.size());
        PlanarImage out = random(3, 100, 100, 1);
        SplittableRandom rnd = new SplittableRandom(7);
        for (ImageTransform tr : t) out = tr.sample(out.height(), out.width(), rnd).forward(out);
        // 100 + 24 − 8 = 116, scaled by 0.9..1.1 → 104..128, minus 4.
        assertTrue(out.height() >= 100 && out.height() <= 124, "size after Lucid's transforms: " + out.height());
        assertTrue(t.get(2).toString().contains("0.9") && t.get(2).toString().contains("1.1"), t.get(2).toString());
    }

    @Test
    void adamMatchesTheFormulaByHand() {
        Adam a = new Adam(2, 0.1);
        double[] p = {1, -1};
        a.ascend(p, new double[] {2, -0.5});
        // Step 1: m = 0.1 g, v = 0.001 g², lr_t = 0.1·√0.001/0.1, so each moves by lr·sign(g) (up to ε).
        assertEquals(1.1, p[0], 1e-6);
        assertEquals(-1.1, p[1], 1e-6);
        double after1 = p[0];
        a.ascend(p, new double[] {0, -0.5});
        // Step 2, parameter 0: m = 0.9·0.2 = 0.18, v = 0.999·0.004 = 0.003996; lr_t = 0.1·√(1−0.999²)/(1−0.81).
        double lr2 = 0.1 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.81);
        assertEquals(after1 + lr2 * 0.18 / (Math.sqrt(0.003996) + 1e-8), p[0], 1e-9);
        assertThrows(IllegalArgumentException.class, () -> a.ascend(new double[3], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1, 0));
    }
}
