package deepdream.engine.dream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tiling's cut of one axis: every pixel's gradient comes from exactly one window, with at least
 * the margin of context on each side that is not the image's edge; all windows start aligned and
 * fit in the image; and a window is never longer than a tile with its two margins (plus the
 * alignment's rounding), so tiling never needs more memory than the tile size promises.
 */
class TileAxisTest {

    @Property(tries = 3000)
    void coresPartitionTheAxisWithTheMarginOfContext(@ForAll @IntRange(min = 1, max = 5000) int length,
                                                     @ForAll @IntRange(min = 1, max = 40) int tileUnits,
                                                     @ForAll @IntRange(min = 0, max = 6) int marginUnits) {
        int align = 32, tile = 32 * tileUnits, margin = 32 * marginUnits;
        TileAxis a = TileAxis.of(length, tile, margin, align);
        int n = a.count();
        assertEquals(n + 1, a.cores().length);
        assertEquals(0, a.cores()[0]);
        assertEquals(length, a.cores()[n]);
        assertEquals(0, a.starts()[0]);
        assertEquals(length, a.starts()[n - 1] + a.window(), "the last window ends at the edge");
        assertTrue(a.window() <= Math.min(length, tile + 2 * margin + 2 * align), "window " + a.window() + " for tile " + tile + " margin " + margin);
        assertTrue(n <= Math.max(1, (length + tile - 1) / tile), n + " windows");
        for (int i = 0; i < n; i++) {
            int start = a.starts()[i], end = start + a.window();
            assertEquals(0, start % align, "start " + start);
            assertTrue(a.cores()[i] < a.cores()[i + 1], "empty core " + i);
            if (i > 0) assertTrue(a.cores()[i] - start >= margin, "core " + i + " has " + (a.cores()[i] - start) + " px of context before it");
            if (i < n - 1) assertTrue(end - a.cores()[i + 1] >= margin, "core " + i + " has " + (end - a.cores()[i + 1]) + " px of context after it");
        }
    }

    @Test
    void aBigPhotoSideIsCutIntoEqualWindowsNoLongerThanNeeded() {
        TileAxis a = TileAxis.of(4000, 1024, 96, 32);
        assertEquals(4, a.count());
        assertEquals(1152, a.window());   // (4000 + 2·96·3) / 4 = 1144, then ≡ 4000 mod 32
        assertArrayEquals(new int[] {0, 960, 1888, 2848}, a.starts());
        assertArrayEquals(new int[] {0, 1056, 2000, 2944, 4000}, a.cores());
    }

    @Test
    void aSideNoLongerThanTheTileIsOneWindow() {
        TileAxis a = TileAxis.of(1000, 1024, 96, 32);
        assertEquals(1, a.count());
        assertEquals(1000, a.window());
    }
}
