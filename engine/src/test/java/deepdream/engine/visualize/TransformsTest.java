package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Resize;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The image transforms of a visualization: each adjoint is the exact transpose of its forward map
 * (⟨T x, y⟩ = ⟨x, Tᵀ y⟩), so the gradient that reaches the image is the true gradient; the forward
 * maps do what they claim (shift, zoom, resize like {@link Resize}); the blur is a normalized
 * low-pass filter.
 */
class TransformsTest {
    static PlanarImage random(int c, int h, int w, long seed) {
        Random r = new Random(seed);
        PlanarImage img = new PlanarImage(c, h, w);
        for (int i = 0; i < img.data().length; i++) img.data()[i] = (float) (2 * r.nextDouble() - 1);
        return img;
    }

    static double dot(PlanarImage a, PlanarImage b) {
        assertEquals(a.data().length, b.data().length);
        double s = 0;
        for (int i = 0; i < a.data().length; i++) s += (double) a.data()[i] * b.data()[i];
        return s;
    }

    /** ⟨T x, y⟩ = ⟨x, Tᵀ y⟩ for random x and y, to float rounding. */
    static void assertAdjoint(ImageTransform t, int h, int w, long seed) {
        ImageTransform.Instance inst = t.sample(h, w, new SplittableRandom(seed));
        PlanarImage x = random(3, h, w, seed);
        PlanarImage tx = inst.forward(x);
        PlanarImage y = random(3, tx.height(), tx.width(), seed + 1);
        PlanarImage ty = inst.adjoint(y);
        assertEquals(h, ty.height());
        assertEquals(w, ty.width());
        double lhs = dot(tx, y), rhs = dot(x, ty);
        assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), t + " at " + w + "x" + h);
    }

    @Property(tries = 40)
    void jitterAdjointIsItsTranspose(@ForAll @IntRange(min = 1, max = 19) int h, @ForAll @IntRange(min = 1, max = 19) int w,
                                     @ForAll @IntRange(min = 0, max = 30) int px, @ForAll long seed) {
        assertAdjoint(ImageTransform.jitter(px), h, w, seed);
    }

    @Property(tries = 40)
    void scaleJitterAdjointIsItsTranspose(@ForAll @IntRange(min = 1, max = 23) int h, @ForAll @IntRange(min = 1, max = 23) int w,
                                          @ForAll @DoubleRange(min = 0, max = 0.5) double f, @ForAll long seed) {
        assertAdjoint(ImageTransform.scaleJitter(f), h, w, seed);
    }

    @Property(tries = 40)
    void fitToAdjointIsItsTranspose(@ForAll @IntRange(min = 1, max = 23) int h, @ForAll @IntRange(min = 1, max = 23) int w,
                                    @ForAll @IntRange(min = 1, max = 23) int th, @ForAll @IntRange(min = 1, max = 23) int tw, @ForAll long seed) {
        assertAdjoint(ImageTransform.fitTo(th, tw), h, w, seed);
    }

    @Test
    void jitterShiftsCircularlyByUpToItsRange() {
        PlanarImage x = random(3, 9, 7, 3);
        SplittableRandom rnd = new SplittableRandom(5);
        boolean moved = false;
        for (int k = 0; k < 20; k++) {
            PlanarImage y = ImageTransform.jitter(2).sample(9, 7, rnd).forward(x);
            // y must be x rolled by some (dy, dx) in [-2, 2]²; find it.
            int found = 0;
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++)
                    if (java.util.Arrays.equals(Jitter.roll(x, dy, dx).data(), y.data())) { found++; moved |= dy != 0 || dx != 0; }
            assertEquals(1, found, "not a roll within ±2");
        }
        assertTrue(moved, "20 draws never moved the image");
        PlanarImage r = Jitter.roll(x, 1, -2);
        assertEquals(x.get(1, 0, 3), r.get(1, 1, 1));
        assertEquals(x.get(2, 8, 0), r.get(2, 0, 5));   // wraps around both ways
    }

    @Test
    void scaleJitterZoomsAboutTheCentreWithinItsRange() {
        PlanarImage x = random(3, 21, 17, 4);
        SplittableRandom rnd = new SplittableRandom(9);
        int changed = 0;
        for (int k = 0; k < 10; k++) {
            PlanarImage y = ImageTransform.scaleJitter(0.2).sample(21, 17, rnd).forward(x);
            assertEquals(21, y.height());
            assertEquals(17, y.width());
            // The centre pixel is a fixed point of any zoom about the centre (odd sizes).
            for (int c = 0; c < 3; c++) assertEquals(x.get(c, 10, 8), y.get(c, 10, 8), 1e-5);
            if (!java.util.Arrays.equals(x.data(), y.data())) changed++;
        }
        assertTrue(changed >= 9, "scale jitter left the image unchanged in " + (10 - changed) + " of 10 draws");
        // Same map as the engine's zoom (used by the dream's zoom animation).
        PlanarImage z = BilinearMap.zoom(21, 17, 1.15).forward(x), ref = Resize.zoomCentre(x, 1.15);
        for (int i = 0; i < z.data().length; i++) assertEquals(ref.data()[i], z.data()[i], 1e-5);
        assertThrows(IllegalArgumentException.class, () -> ImageTransform.scaleJitter(1.0));
    }

    @Test
    void fitToResizesLikeResizeBilinearAndIsTheIdentityAtItsSize() {
        PlanarImage x = random(3, 10, 14, 6);
        for (int[] s : new int[][] {{20, 25}, {13, 9}, {7, 8}}) {
            PlanarImage y = ImageTransform.fitTo(s[0], s[1]).sample(10, 14, new SplittableRandom(1)).forward(x), ref = Resize.bilinear(x, s[0], s[1]);
            assertEquals(s[0], y.height());
            for (int i = 0; i < y.data().length; i++) assertEquals(ref.data()[i], y.data()[i], 1e-5);
        }
        assertSame(x, ImageTransform.fitTo(10, 14).sample(10, 14, new SplittableRandom(1)).forward(x));
    }

    @Test
    void blurKeepsConstantsAndTheMeanAndRemovesHighFrequencies() {
        PlanarImage flat = new PlanarImage(3, 8, 9);
        java.util.Arrays.fill(flat.data(), 7f);
        for (float v : new GaussianBlur(1.3).apply(flat).data()) assertEquals(7f, v, 1e-4);
        // A checkerboard (the highest frequency) is almost erased; a smooth ramp (low frequency) survives.
        PlanarImage board = new PlanarImage(1, 16, 16), ramp = new PlanarImage(1, 16, 16);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++) { board.set(0, y, x, (x + y) % 2 == 0 ? 1 : -1); ramp.set(0, y, x, x / 15f); }
        PlanarImage b = new GaussianBlur(1).apply(board), r = new GaussianBlur(1).apply(ramp);
        assertTrue(Math.abs(b.get(0, 8, 8)) < 0.02, "checkerboard left at " + b.get(0, 8, 8));
        assertEquals(ramp.get(0, 8, 8), r.get(0, 8, 8), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(0));
    }
}
