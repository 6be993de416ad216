package deepdream.kernels.dream;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.kernels.GoogLeNetFixture;
import deepdream.kernels.cpu.CpuBackend;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The dream algorithm on GoogLeNet's first layers with random weights: the step rule, octaves, seeds. */
class DreamerTest {
    /** conv2/3x3: deep enough for strides, pooling and LRN, cheap enough for the reference backend. */
    static final String BLOB = "conv2/3x3";

    static PlanarImage photo(long seed, int h, int w) {
        Random r = new Random(seed);
        PlanarImage img = new PlanarImage(3, h, w);
        float[] d = img.data();
        // Smooth-ish content plus noise, values 0..255 like a photo.
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    d[(c * h + y) * w + x] = (float) Math.min(255, Math.max(0, 128 + 60 * Math.sin(0.2 * x + c) * Math.cos(0.15 * y) + 30 * r.nextGaussian()));
        return img;
    }

    static Tensor netInput(Backend b, PlanarImage rgb) {
        PlanarImage in = deepdream.engine.image.Preprocess.toNet(rgb, new float[] {104, 117, 123});
        return b.upload(in.data(), in.nchw());
    }

    @Test
    void oneStepRaisesTheObjective() {
        try (Backend b = new ReferenceBackend(); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            Dreamer dreamer = new Dreamer(net);
            InputGradient grad = new InputGradient(net, List.of(new InputGradient.Term(BLOB, 1, Objective.l2())));
            Tensor x = netInput(b, photo(3, 45, 53));
            Tensor g = b.allocate(x.shape());
            try (Dreamer.StepBuffers buf = new Dreamer.StepBuffers(b, x.shape())) {
                double before = grad.compute(x, g);
                double reported = dreamer.step(x, grad, 0, 0, 1.5, 0, 0, buf);
                double after = grad.compute(x, g);
                assertEquals(before, reported, 1e-6 * before, "step reports the objective before the step");
                assertTrue(after > before * 1.001, "objective " + before + " -> " + after);
            }
        }
    }

    /** Dreamer.step against the notebook's make_step written out here on host arrays. */
    @Test
    void stepFollowsTheNotebookRule() {
        int h = 37, w = 45, ox = 7, oy = -5;
        double step = 1.5;
        float[] mean = {104, 117, 123};
        try (Backend b = new ReferenceBackend(); Net net = Net.build(GoogLeNetFixture.upTo4c(2), b)) {
            InputGradient grad = new InputGradient(net, List.of(new InputGradient.Term(BLOB, 1, Objective.l2())));
            PlanarImage rgb = photo(5, h, w);
            // Push some values to the clip limits so clipping is exercised.
            for (int i = 0; i < 40; i++) rgb.data()[i * 31] = i % 2 == 0 ? 0 : 255;
            Tensor x = netInput(b, rgb);
            float[] x0 = x.toHost();

            // Independent: roll (np.roll semantics), gradient of the rolled image, roll back, normalize, clip.
            float[] rolled = roll(x0, h, w, oy, ox);
            Tensor xr = b.upload(rolled, x.shape()), gr = b.allocate(x.shape());
            grad.compute(xr, gr);
            float[] g = roll(gr.toHost(), h, w, -oy, -ox);
            double meanAbs = 0;
            for (float v : g) meanAbs += Math.abs(v);
            meanAbs /= g.length;
            float[] expected = new float[x0.length];
            for (int i = 0; i < x0.length; i++) {
                int c = i / (h * w);
                double v = x0[i] + step / meanAbs * g[i];
                expected[i] = (float) Math.min(255 - mean[c], Math.max(-mean[c], v));
            }

            try (Dreamer.StepBuffers buf = new Dreamer.StepBuffers(b, x.shape())) {
                new Dreamer(net).step(x, grad, ox, oy, step, 0, 0, buf);
            }
            float[] actual = x.toHost();
            int clipped = 0;
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), "value " + i);
                int c = i / (h * w);
                if (actual[i] == -mean[c] || actual[i] == 255 - mean[c]) clipped++;
            }
            assertTrue(clipped > 0, "the test image reaches the clip limits");
            // The step moved the image (a rule that did nothing would pass the comparison above only if g were 0).
            double moved = 0;
            for (int i = 0; i < actual.length; i++) moved += Math.abs(actual[i] - x0[i]);
            assertTrue(moved / actual.length > 0.5, "mean |change| " + moved / actual.length);
        }
    }

    static float[] roll(float[] src, int h, int w, int dy, int dx) {
        float[] out = new float[src.length];
        for (int c = 0; c < src.length / (h * w); c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    out[c * h * w + Math.floorMod(y + dy, h) * w + Math.floorMod(x + dx, w)] = src[c * h * w + y * w + x];
        return out;
    }

    @Test
    void octaveSizesShrinkByTheScaleFromTheImage() {
        List<int[]> sizes = Dreamer.octaveSizes(512, 773, DreamParams.defaults());
        int[][] expected = {{512, 773}, {366, 552}, {261, 394}, {186, 281}};   // round(previous / 1.4)
        assertEquals(expected.length, sizes.size());
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], sizes.get(i), "octave " + i);
    }

    @Test
    void octavesBelowTheMinimumSideAreDroppedAndExplicitSidesKeepTheAspect() {
        Dreamer.OctavePlan plan = Dreamer.octavePlan(512, 773, DreamParams.defaults().withMinOctaveSide(224));
        assertEquals(1, plan.dropped(), "186 px < 224 px");
        assertEquals(3, plan.sizes().size());
        assertArrayEquals(new int[] {261, 394}, plan.sizes().get(2));
        Dreamer.OctavePlan tiny = Dreamer.octavePlan(100, 150, DreamParams.defaults().withMinOctaveSide(224));
        assertEquals(1, tiny.sizes().size(), "the image itself always dreams");
        assertArrayEquals(new int[] {100, 150}, tiny.sizes().get(0));
        List<int[]> explicit = Dreamer.octaveSizes(512, 773, DreamParams.defaults().withOctaveSides(List.of(400, 773, 1100)));
        assertEquals(3, explicit.size());
        assertArrayEquals(new int[] {729, 1100}, explicit.get(0), "above the image, largest first");
        assertArrayEquals(new int[] {512, 773}, explicit.get(1));
        assertArrayEquals(new int[] {265, 400}, explicit.get(2));
        assertThrows(IllegalArgumentException.class, () -> DreamParams.defaults().withOctaveSides(List.of(400, 300)));
    }

    @Test
    void dreamRunsOctavesSmallestFirstWithEveryIteration() {
        try (Backend b = new CpuBackend(2); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            List<String> events = new ArrayList<>();
            DreamParams p = DreamParams.defaults().withLayer(BLOB).withOctaves(3).withIterations(2).withJitter(4).withSeed(9);
            PlanarImage out = new Dreamer(net).dream(photo(1, 60, 80), p, new DreamListener() {
                @Override public void octaveStarted(int o, int n, int h, int w, int tile) { events.add("octave " + o + "/" + n + " " + w + "x" + h); }
                @Override public void stepDone(int o, int n, int i, int m, double v) { events.add("step " + i + "/" + m); }
            });
            assertEquals(List.of("octave 1/3 41x31", "step 1/2", "step 2/2", "octave 2/3 57x43", "step 1/2", "step 2/2",
                    "octave 3/3 80x60", "step 1/2", "step 2/2"), events);
            assertEquals(60, out.height());
            assertEquals(80, out.width());
            for (float v : out.data()) assertTrue(v >= -1e-3 && v <= 255 + 1e-3, "output in 0..255: " + v);
        }
    }

    @Test
    void sameSeedSameDreamOtherSeedOtherDream() {
        try (Backend b = new CpuBackend(2); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            Dreamer d = new Dreamer(net);
            DreamParams p = DreamParams.defaults().withLayer(BLOB).withOctaves(2).withIterations(3);
            PlanarImage img = photo(2, 50, 70);
            float[] a = d.dream(img, p.withSeed(1), DreamListener.NONE).data();
            float[] again = d.dream(img, p.withSeed(1), DreamListener.NONE).data();
            float[] other = d.dream(img, p.withSeed(2), DreamListener.NONE).data();
            assertArrayEquals(a, again, "same seed, bit-identical result");
            double diff = 0;
            for (int i = 0; i < a.length; i++) diff += Math.abs(a[i] - other[i]);
            assertTrue(diff / a.length > 0.1, "another seed jitters differently: mean |difference| " + diff / a.length);
        }
    }

    /**
     * The same seed gives the same picture on a machine with another core count: the cpu backend
     * cuts element-wise loops at thread-dependent places, and a scalar tail that rounded differently
     * from the vector lanes (y += a·x against a fused multiply-add) made --threads 1 and 2 dream
     * visibly different eagles (up to 125 gray levels apart).
     */
    @Test
    void theThreadCountDoesNotChangeTheDream() {
        DreamParams p = DreamParams.defaults().withLayer(BLOB).withOctaves(2).withIterations(3).withSeed(5);
        PlanarImage img = photo(4, 151, 173);   // 3·151·173 values: above the size where element-wise loops split
        float[] one, three;
        try (Backend b = new CpuBackend(1); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            one = new Dreamer(net).dream(img, p, DreamListener.NONE).data();
        }
        try (Backend b = new CpuBackend(3); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            three = new Dreamer(net).dream(img, p, DreamListener.NONE).data();
        }
        assertArrayEquals(one, three, "1 and 3 threads, bit-identical dream");
    }

    @Test
    void tooSmallForTheOctavesSaysWhatToDo() {
        try (Backend b = new ReferenceBackend(); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            DreamParams p = DreamParams.defaults().withOctaves(8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dreamer(net).dream(photo(1, 100, 120), p, DreamListener.NONE));
            assertTrue(e.getMessage().contains("too small for 8 octaves") && e.getMessage().contains("fewer --octaves"), e.getMessage());
        }
    }

    @Test
    void channelOutOfRangeNamesTheRange() {
        try (Backend b = new ReferenceBackend(); Net net = Net.build(GoogLeNetFixture.upTo4c(1), b)) {
            DreamParams p = DreamParams.defaults().withLayer(BLOB).withOctaves(1).withChannel(192);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dreamer(net).dream(photo(1, 40, 40), p, DreamListener.NONE));
            assertTrue(e.getMessage().contains("192 channels (0..191)"), e.getMessage());
        }
    }
}
