package deepdream.engine.dream;

import deepdream.engine.image.PlanarImage;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** --hold-strength: a carried frame's dream that ends below the floor is scaled up to it, one that does not is left alone. */
class HoldStrengthTest {
    static PlanarImage random(Random r, double amplitude, PlanarImage base) {
        float[] d = new float[3 * 7 * 9];
        for (int i = 0; i < d.length; i++) d[i] = (base == null ? 128 : base.data()[i]) + (float) (amplitude * r.nextGaussian());
        return new PlanarImage(3, 7, 9, d);
    }

    @Test
    void aFadedDreamIsScaledUpToTheFloorAlongItsOwnDirection() {
        Random r = new Random(3);
        PlanarImage input = random(r, 40, null), dreamed = random(r, 2, input);
        double before = VideoDreamer.strength(input, dreamed);
        assertTrue(before < 4, "the test's dream starts faint: " + before);
        PlanarImage held = VideoDreamer.held(input, dreamed, 4.0);
        assertEquals(4.0, VideoDreamer.strength(input, held), 1e-4, "strength after the hold");
        double c = 4.0 / before;
        for (int i = 0; i < held.data().length; i++)
            assertEquals(c * (dreamed.data()[i] - input.data()[i]), held.data()[i] - input.data()[i], 1e-3, "residual at " + i + " keeps its direction");
        assertEquals(before, VideoDreamer.strength(input, dreamed), 0, "the dreamed image itself is not changed");
    }

    @Test
    void aDreamAboveTheFloorIsLeftAlone() {
        Random r = new Random(4);
        PlanarImage input = random(r, 40, null), dreamed = random(r, 6, input);
        assertSame(dreamed, VideoDreamer.held(input, dreamed, 4.0));
        PlanarImage none = input.copy();
        assertSame(none, VideoDreamer.held(input, none, 4.0), "no dream at all: nothing to scale");
    }

    @Test
    void settingsCarryTheHold() {
        DreamParams p = DreamParams.defaults();
        VideoDreamer.Settings s = VideoDreamer.Settings.coherent(p);
        assertFalse(s.holdStrength(), "off by default");
        assertTrue(s.withHoldStrength(true).holdStrength());
        assertEquals(VideoDreamer.CARRY_CAP, VideoDreamer.HOLD_FLOOR, "the floor sits at the cap: the strength is held at one level");
    }
}
