package deepdream.kernels.visualize;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.image.Resize;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.engine.visualize.ClassScores;
import deepdream.engine.visualize.VisualizeParams;
import deepdream.engine.visualize.Visualizer;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each piece of a visualization measurably does its job, against a run without it (same seed, every
 * other regularizer off), on a small strided net:
 * <ul>
 *   <li>total variation and blur lower the image's high-frequency energy (mean squared difference
 *       between neighbouring pixels);</li>
 *   <li>decay lowers the image's contrast (RMS distance from the mean colour);</li>
 *   <li>jitter makes the result robust to small shifts, scale jitter to small zooms (the objective
 *       of the shifted/zoomed result, relative to the result's own);</li>
 *   <li>the channel and unit objectives raise what they target.</li>
 * </ul>
 * Measured when written (48×48, 40 steps of 2): energy 24 932 plain, 331 with TV (β = 2), 10 747 with
 * edge-preserving TV (β = 1), 1 255 with blur; contrast 78.1 plain, 63.2 with decay; shift robustness
 * 0.045 plain, 0.81 with jitter; zoom robustness 0.067 plain, 0.68 with scale jitter. Each test fails
 * when its regularizer is made a no-op (checked by planting exactly that). The thresholds leave margins.
 */
class RegularizersTest {
    static Backend b;
    static Net net;
    static final int CH = 5;

    @BeforeAll static void setUp() { b = new ReferenceBackend(); net = Net.build(SmallConvNet.build(7), b); }
    @AfterAll static void tearDown() { net.close(); b.close(); }

    /** Plain gradient ascent: every regularizer off. */
    static VisualizeParams plain() {
        return VisualizeParams.defaults().withSize(SmallConvNet.SIZE, SmallConvNet.SIZE).withOctaves(1).withIterations(40).withSeed(3).withoutRegularizers();
    }

    static PlanarImage run(VisualizeParams p) { return run(p, Objective.channelMean(CH)); }

    static PlanarImage run(VisualizeParams p, Objective o) {
        return new Visualizer(net).visualize(List.of(new InputGradient.Term(SmallConvNet.LAYER, 1, o)), p, DreamListener.NONE);
    }

    static PlanarImage plainResult;

    static PlanarImage plainResult() {
        if (plainResult == null) plainResult = run(plain());
        return plainResult;
    }

    @Test
    void totalVariationLowersHighFrequencyEnergy() {
        double off = gradientEnergy(plainResult()), on = gradientEnergy(run(plain().withTv(0.02)));
        assertTrue(on < 0.2 * off, String.format(Locale.ROOT, "TV: energy %.1f vs %.1f without", on, off));
        // Edge-preserving TV (beta 1) smooths too.
        double beta1 = gradientEnergy(run(plain().withTv(0.3).withTvBeta(1)));
        assertTrue(beta1 < 0.7 * off, String.format(Locale.ROOT, "TV beta 1: energy %.1f vs %.1f without", beta1, off));
    }

    @Test
    void blurLowersHighFrequencyEnergy() {
        double off = gradientEnergy(plainResult()), on = gradientEnergy(run(plain().withBlur(4, 0.5)));
        assertTrue(on < 0.2 * off, String.format(Locale.ROOT, "blur: energy %.1f vs %.1f without", on, off));
    }

    @Test
    void decayLowersContrast() {
        double off = contrast(plainResult()), on = contrast(run(plain().withDecay(0.01)));
        assertTrue(on < 0.9 * off, String.format(Locale.ROOT, "decay: contrast %.1f vs %.1f without", on, off));
    }

    @Test
    void jitterMakesTheResultRobustToShifts() {
        double off = shiftRobustness(plainResult()), on = shiftRobustness(run(plain().withJitter(4)));
        assertTrue(on > 0.5 && on > 4 * off, String.format(Locale.ROOT, "jitter: shift robustness %.3f vs %.3f without", on, off));
    }

    @Test
    void scaleJitterMakesTheResultRobustToZooms() {
        double off = zoomRobustness(plainResult()), on = zoomRobustness(run(plain().withScaleJitter(0.15)));
        assertTrue(on > 0.4 && on > 4 * off, String.format(Locale.ROOT, "scale jitter: zoom robustness %.3f vs %.3f without", on, off));
    }

    @Test
    void channelObjectiveRaisesItsChannelAboveTheOthers() {
        PlanarImage start = new Visualizer(net).startImage(plain()), result = plainResult();
        double[] before = channelMeans(start), after = channelMeans(result);
        assertTrue(after[CH] > 10 * Math.max(before[CH], 1e-3), "channel " + CH + ": " + before[CH] + " -> " + after[CH]);
        for (int c = 0; c < after.length; c++)
            if (c != CH) assertTrue(after[CH] > after[c], "channel " + c + " (" + after[c] + ") beat the target channel (" + after[CH] + ")");
    }

    @Test
    void unitObjectiveRaisesThatUnitAboveItsChannel() {
        int h = 12, w = 12, o = CH * h * w;   // conv2 is 12×12 at 48×48
        // A unit that is active but unremarkable at the start (a unit at 0 is behind its ReLU: no gradient).
        float[] start = activation(new Visualizer(net).startImage(plain()));
        List<Integer> alive = new java.util.ArrayList<>();
        for (int i = 0; i < h * w; i++) if (start[o + i] > 0) alive.add(i);
        alive.sort(java.util.Comparator.comparingDouble(i -> start[o + i]));
        assertTrue(alive.size() >= 3, "too few active units to choose from");
        int pick = alive.get(alive.size() / 2), y = pick / w, x = pick % w;
        PlanarImage result = run(plain(), Objective.unit(CH, y, x));
        float[] act = activation(result);
        float target = act[o + y * w + x];
        assertTrue(target > 10 * start[o + pick], "unit value " + start[o + pick] + " -> " + target);
        for (int yy = 0; yy < h; yy++)
            for (int xx = 0; xx < w; xx++)
                if (yy != y || xx != x) assertTrue(act[o + yy * w + xx] < target, "position " + yy + "," + xx + " beat the target unit");
    }

    @Test
    void classObjectiveRaisesItsProbabilityAtAnyCanvasSize() {
        try (Net classifier = Net.build(SmallConvNet.classifier(7), b)) {
            Visualizer v = new Visualizer(classifier);
            // 48×48 in one octave; 64×64 in two (46×46, 64×64): the classifier only runs at 48×48, so there
            // the net sees every step resized. Jitter as large relative to the image as the default (16 px)
            // is at 224: a classifier's scores are bound to positions.
            List<VisualizeParams> runs = List.of(VisualizeParams.defaults().withSize(48, 48).withOctaves(1).withIterations(20).withSeed(2).withJitter(3),
                    VisualizeParams.defaults().withSize(64, 64).withOctaves(2).withIterations(20).withSeed(2).withJitter(4));
            for (int k = 0; k < SmallConvNet.CLASSES; k++) {
                for (VisualizeParams p : runs) {
                    double before = ClassScores.probabilities(classifier, v.startImage(p))[k];
                    PlanarImage r = v.visualize(List.of(new InputGradient.Term("fc", 1, Objective.unit(k, 0, 0))), p, DreamListener.NONE);
                    assertEquals(p.height(), r.height());
                    double after = ClassScores.probabilities(classifier, r)[k];
                    assertTrue(after > 0.9 && after > before, "class " + k + " probability " + before + " -> " + after + " at " + p.width());
                }
            }
        }
    }

    @Test
    void resultIsAValidImageOfTheRequestedSize() {
        PlanarImage r = run(plain().withStep(20).withSize(40, 52).withOctaves(2));
        assertEquals(40, r.height());
        assertEquals(52, r.width());
        for (float v : r.data()) assertTrue(v >= -1e-3 && v <= 255 + 1e-3, "pixel " + v + " outside 0..255");
    }

    // ---- measures ----------------------------------------------------------------------------

    /** Mean squared difference between horizontally and vertically neighbouring pixels. */
    static double gradientEnergy(PlanarImage x) {
        double s = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < x.height(); y++)
                for (int i = 0; i < x.width(); i++) {
                    if (i + 1 < x.width()) s += sq(x.get(c, y, i + 1) - x.get(c, y, i));
                    if (y + 1 < x.height()) s += sq(x.get(c, y + 1, i) - x.get(c, y, i));
                }
        return s / x.data().length;
    }

    /** RMS distance from the mean colour. */
    static double contrast(PlanarImage rgb) {
        PlanarImage x = Preprocess.toNet(rgb, net.def().meanBgr());
        double s = 0;
        for (float v : x.data()) s += (double) v * v;
        return Math.sqrt(s / x.data().length);
    }

    static float[] activation(PlanarImage rgb) {
        PlanarImage x = Preprocess.toNet(rgb, net.def().meanBgr());
        try (Tape t = Tape.noGrad(b)) {
            Tensor in = b.upload(x.data(), x.nchw());
            try {
                return net.forward(t, t.leaf(in, false), SmallConvNet.LAYER).value().toHost();
            } finally {
                in.release();
            }
        }
    }

    static double[] channelMeans(PlanarImage rgb) {
        float[] a = activation(rgb);
        int plane = a.length / SmallConvNet.CHANNELS;
        double[] m = new double[SmallConvNet.CHANNELS];
        for (int c = 0; c < m.length; c++) {
            for (int i = 0; i < plane; i++) m[c] += a[c * plane + i];
            m[c] /= plane;
        }
        return m;
    }

    static double channelMean(PlanarImage rgb) { return channelMeans(rgb)[CH]; }

    /** Mean objective over the 15 shifts by 0..3 pixels each way, relative to the unshifted objective. */
    static double shiftRobustness(PlanarImage rgb) {
        double base = channelMean(rgb), s = 0;
        int n = 0;
        for (int dy = 0; dy < 4; dy++)
            for (int dx = 0; dx < 4; dx++) {
                if (dy == 0 && dx == 0) continue;
                s += channelMean(roll(rgb, dy, dx));
                n++;
            }
        return s / n / base;
    }

    /** Mean objective over zooms by 0.87..1.15, relative to the unzoomed objective. */
    static double zoomRobustness(PlanarImage rgb) {
        double base = channelMean(rgb), s = 0;
        double[] f = {0.87, 0.92, 1.08, 1.15};
        for (double z : f) s += channelMean(Resize.zoomCentre(rgb, z));
        return s / f.length / base;
    }

    static PlanarImage roll(PlanarImage src, int dy, int dx) {
        PlanarImage d = new PlanarImage(src.channels(), src.height(), src.width());
        for (int c = 0; c < src.channels(); c++)
            for (int y = 0; y < src.height(); y++)
                for (int x = 0; x < src.width(); x++) d.set(c, (y + dy) % src.height(), (x + dx) % src.width(), src.get(c, y, x));
        return d;
    }

    static double sq(double v) { return v * v; }
}
