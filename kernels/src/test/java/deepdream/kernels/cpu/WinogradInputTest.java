package deepdream.kernels.cpu;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The vector Winograd input transform against its per-tile scalar twin: the same float operations
 * in the same order, so the two must agree bit for bit — on tasks that start mid-row, cross tile
 * rows, end in a partial task, and touch the padded border.
 */
class WinogradInputTest {

    @Property(tries = 200)
    void vectorTransformEqualsScalarTwin(@ForAll @IntRange(min = 1, max = 5) int c, @ForAll @IntRange(min = 2, max = 20) int h,
                                         @ForAll @IntRange(min = 2, max = 90) int w, @ForAll @IntRange(min = 0, max = 2) int pad,
                                         @ForAll @IntRange(min = 0, max = 1000) int taskChoice, @ForAll long seed) {
        int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
        if (oh < 1 || ow < 1) return;
        CpuConv.Geometry g = new CpuConv.Geometry(c, h, w, 1, 3, 3, 1, 1, pad, pad, oh, ow);
        int tilesX = (ow + 1) / 2, tiles = ((oh + 1) / 2) * tilesX, tasks = (tiles + Gemm.NR - 1) / Gemm.NR;
        int t0 = (taskChoice % tasks) * Gemm.NR, nt = Math.min(Gemm.NR, tiles - t0);
        Random r = new Random(seed);
        float[] x = new float[3 + c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] fast = new float[16 * c * Gemm.NR], slow = new float[16 * c * Gemm.NR];
        Arrays.fill(fast, Float.NaN);   // every lane must be written, the ones past nt with zeros
        Winograd.input(x, 3, g, t0, nt, tilesX, fast, new float[Winograd.INPUT_SCRATCH]);
        Winograd.inputScalar(x, 3, g, t0, nt, tilesX, slow);
        assertArrayEquals(slow, fast, "c=" + c + " h=" + h + " w=" + w + " pad=" + pad + " t0=" + t0 + " nt=" + nt);
    }

    /** The comparison above would catch a transform that is off by one column (a planted error). */
    @Property(tries = 20)
    void aShiftedPatchIsCaught(@ForAll long seed) {
        CpuConv.Geometry g = new CpuConv.Geometry(2, 9, 70, 1, 3, 3, 1, 1, 1, 1, 9, 70);
        Random r = new Random(seed);
        float[] x = new float[2 * 9 * 70 + 1];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] fast = new float[16 * 2 * Gemm.NR], shifted = new float[16 * 2 * Gemm.NR];
        Winograd.input(x, 0, g, 0, Gemm.NR, 35, fast, new float[Winograd.INPUT_SCRATCH]);
        Winograd.inputScalar(x, 1, g, 0, Gemm.NR, 35, shifted);   // every patch one column to the right
        assertFalse(Arrays.equals(fast, shifted));
    }
}
