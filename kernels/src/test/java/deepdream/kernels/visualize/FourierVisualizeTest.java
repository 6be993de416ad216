package deepdream.kernels.visualize;

import deepdream.engine.Backend;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;
import deepdream.engine.visualize.ClassScores;
import deepdream.engine.visualize.Fft;
import deepdream.engine.visualize.FourierImage;
import deepdream.engine.visualize.VisualizeParams;
import deepdream.engine.visualize.VisualizeParams.Optimizer;
import deepdream.engine.visualize.VisualizeParams.Parameterization;
import deepdream.engine.visualize.VisualizeParams.Robustness;
import deepdream.engine.visualize.Visualizer;
import deepdream.kernels.GoogLeNetFixture;
import deepdream.kernels.cpu.CpuBackend;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static deepdream.kernels.visualize.RegularizersTest.channelMeans;
import static org.junit.jupiter.api.Assertions.*;

/**
 * visualize --param fft (Lucid's Fourier parameterisation, Adam, Lucid's transforms) on the small
 * strided net: each channel's visualization excites its channel more than the others' do, the image
 * holds less high-frequency power than pixels optimized with the same transforms and optimizer, drives every class of the small classifier above 0.9 through
 * the resize; --diversity makes the batch's Gram matrices less alike; the same seed gives the same
 * bits on 1 and 2 threads. Figures measured when written are in the assertion messages and in
 * docs/visualize.md.
 */
class FourierVisualizeTest {
    static Backend b;
    static Net net;
    static final int CH = RegularizersTest.CH;

    // RegularizersTest's measures read its net: the same small net (seed 7) here.
    @BeforeAll static void setUp() { RegularizersTest.b = b = new ReferenceBackend(); RegularizersTest.net = net = Net.build(SmallConvNet.build(7), b); }
    @AfterAll static void tearDown() { RegularizersTest.net = null; RegularizersTest.b = null; net.close(); b.close(); }

    static VisualizeParams fft() {
        return VisualizeParams.defaults().withSize(SmallConvNet.SIZE, SmallConvNet.SIZE).withIterations(60).withSeed(3)
                .withParameterization(Parameterization.FFT);
    }

    static List<InputGradient.Term> channel(int c) { return List.of(new InputGradient.Term(SmallConvNet.LAYER, 1, Objective.channelMean(c))); }

    /**
     * Each channel's Fourier visualization excites that channel more than the others' visualizations
     * do (on this random net no transformed image makes channel 5 the largest of all, in pixels or in
     * Fourier coefficients: channels 4, 10, 11 rise with it).
     */
    @Test
    void eachChannelsVisualizationExcitesItsChannelMostAndIsAValidImage() {
        Visualizer v = new Visualizer(net);
        int[] channels = {2, 5, 8};
        double[][] means = new double[channels.length][];
        for (int i = 0; i < channels.length; i++) {
            PlanarImage r = v.visualize(channel(channels[i]), fft(), DreamListener.NONE);
            assertEquals(SmallConvNet.SIZE, r.height());
            for (float x : r.data()) assertTrue(x >= 0 && x <= 255, "pixel " + x);
            means[i] = channelMeans(r);
        }
        double[] start = channelMeans(v.startImage(fft()));
        for (int i = 0; i < channels.length; i++) {
            int c = channels[i];
            System.out.printf(Locale.ROOT, "fft channel %d: start %.3f, own visualization %.2f, others %.2f %.2f%n", c, start[c], means[i][c],
                    means[(i + 1) % 3][c], means[(i + 2) % 3][c]);
            assertTrue(means[i][c] > start[c] + 5, "channel " + c + ": " + start[c] + " -> " + means[i][c]);
            for (int j = 0; j < channels.length; j++)
                if (j != i) assertTrue(means[i][c] > means[j][c], "channel " + c + ": " + means[i][c] + " in its own visualization, "
                        + means[j][c] + " in channel " + channels[j] + "'s");
        }
    }

    /**
     * The point of the parameterisation: same objective, transforms, optimizer and steps, a smaller
     * share of the image's spectral power at high frequencies (above 0.25 cycles per pixel).
     * Measured when written: 0.057 (fft), 0.172 (pixels, Adam, Lucid's transforms), 0.339 (pixels, step, classic).
     */
    @Test
    void fftHasLessHighFrequencyPowerThanPixelsWithTheSameTransformsAndOptimizer() {
        Visualizer v = new Visualizer(net);
        VisualizeParams pixel = VisualizeParams.defaults().withSize(SmallConvNet.SIZE, SmallConvNet.SIZE).withIterations(60).withSeed(3)
                .withOctaves(1).withoutRegularizers().withRobustness(Robustness.LUCID).withOptimizer(Optimizer.ADAM).withLearningRate(2);
        PlanarImage f = v.visualize(channel(CH), fft(), DreamListener.NONE), p = v.visualize(channel(CH), pixel, DreamListener.NONE);
        double hf = highFrequencyShare(f), hp = highFrequencyShare(p);
        System.out.printf(Locale.ROOT, "high-frequency share: fft %.4f, pixel %.4f%n", hf, hp);
        assertTrue(hf < 0.5 * hp, String.format(Locale.ROOT, "high-frequency share of the power: fft %.4f, pixels %.4f", hf, hp));
    }

    /** Σ |X(f)|² over |f| &gt; 0.25 cycles/pixel / Σ over f ≠ 0, per channel summed (the image's own DFT). */
    static double highFrequencyShare(PlanarImage x) {
        int h = x.height(), w = x.width();
        double high = 0, all = 0;
        Fft fx = new Fft(w), fy = new Fft(h);
        for (int c = 0; c < 3; c++) {
            double[][] re = new double[h][w], im = new double[h][w];
            for (int y = 0; y < h; y++) for (int i = 0; i < w; i++) re[y][i] = x.get(c, y, i);
            for (int y = 0; y < h; y++) fx.transform(re[y], im[y], false);
            double[] cr = new double[h], ci = new double[h];
            for (int k = 0; k < w; k++) {
                for (int y = 0; y < h; y++) { cr[y] = re[y][k]; ci[y] = im[y][k]; }
                fy.transform(cr, ci, false);
                for (int y = 0; y < h; y++) {
                    if (y == 0 && k == 0) continue;   // the mean
                    double e = cr[y] * cr[y] + ci[y] * ci[y];
                    all += e;
                    if (Math.hypot(FourierImage.frequency(y, h), FourierImage.frequency(k, w)) > 0.25) high += e;
                }
            }
        }
        return high / all;
    }

    @Test
    void fftDrivesEveryClassAbove90PercentThroughTheResize() {
        try (Net classifier = Net.build(SmallConvNet.classifier(7), b)) {
            Visualizer v = new Visualizer(classifier);
            for (int size : new int[] {48, 57}) {   // 57: odd, the net sees every step resized to 48×48
                VisualizeParams p = fft().withSize(size, size);
                for (int k = 0; k < SmallConvNet.CLASSES; k++) {
                    PlanarImage r = v.visualize(List.of(new InputGradient.Term("fc", 1, Objective.unit(k, 0, 0))), p, DreamListener.NONE);
                    double after = ClassScores.probabilities(classifier, r)[k];
                    assertTrue(after > 0.9, "class " + k + " probability " + after + " at " + size);
                }
            }
        }
    }

    /** Lucid's Gram diversity: the batch's normalized Gram matrices are less alike with the term than without. */
    @Test
    void diversityPushesTheImagesApart() {
        Visualizer v = new Visualizer(net);
        VisualizeParams p = fft().withDiversity(3, 0);
        List<PlanarImage> plain = v.visualizeAll(channel(CH), p, DreamListener.NONE);
        List<PlanarImage> diverse = v.visualizeAll(channel(CH), p.withDiversity(3, 10), DreamListener.NONE);
        assertEquals(3, diverse.size());
        double sPlain = gramSimilarity(plain), sDiverse = gramSimilarity(diverse);
        double cPlain = channelMeans(plain.get(0))[CH], cDiverse = channelMeans(diverse.get(0))[CH];
        System.out.printf(Locale.ROOT, "gram cosine without %.4f, with %.4f; channel %.2f / %.2f%n", sPlain, sDiverse, cPlain, cDiverse);
        assertTrue(sDiverse < sPlain - 0.02, String.format(Locale.ROOT, "mean Gram cosine %.4f with diversity, %.4f without", sDiverse, sPlain));
        assertThrows(IllegalArgumentException.class, () -> v.visualize(channel(CH), p.withDiversity(3, 10), DreamListener.NONE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> v.visualizeAll(List.of(new InputGradient.Term(SmallConvNet.LAYER, 1, Objective.unit(CH, 2, 2))), p, DreamListener.NONE));
        assertTrue(e.getMessage().contains("a channel or a direction"), e.getMessage());
    }

    /** Mean over pairs of ⟨Ĝ_i, Ĝ_j⟩ at the objective's layer (Lucid's diversity value / (N − 1)). */
    static double gramSimilarity(List<PlanarImage> images) {
        int n = images.size(), c = SmallConvNet.CHANNELS;
        double[][] g = new double[n][];
        for (int i = 0; i < n; i++) {
            float[] a = RegularizersTest.activation(images.get(i));
            int p = a.length / c;
            g[i] = new double[c * c];
            double norm = 0;
            for (int r = 0; r < c; r++)
                for (int s = 0; s < c; s++) {
                    double d = 0;
                    for (int q = 0; q < p; q++) d += (double) a[r * p + q] * a[s * p + q];
                    g[i][r * c + s] = d;
                    norm += d * d;
                }
            for (int k = 0; k < c * c; k++) g[i][k] /= Math.sqrt(norm);
        }
        double s = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double d = 0;
                for (int k = 0; k < c * c; k++) d += g[i][k] * g[j][k];
                s += d;
                pairs++;
            }
        return s / pairs;
    }

    /** Host FFT, Adam and transforms in double and in a fixed order; the cpu backend's net is thread-count independent. */
    @Test
    void theThreadCountDoesNotChangeTheVisualization() {
        VisualizeParams p = VisualizeParams.defaults().withSize(61, 67).withIterations(3).withSeed(5)
                .withParameterization(Parameterization.FFT).withDiversity(2, 100);
        List<InputGradient.Term> t = List.of(new InputGradient.Term("inception_3b/output", 1, Objective.channelMean(7)));
        List<PlanarImage> one, two;
        try (Backend cpu = new CpuBackend(1); Net n = Net.build(GoogLeNetFixture.upTo4c(1), cpu)) {
            one = new Visualizer(n).visualizeAll(t, p, DreamListener.NONE);
        }
        try (Backend cpu = new CpuBackend(2); Net n = Net.build(GoogLeNetFixture.upTo4c(1), cpu)) {
            two = new Visualizer(n).visualizeAll(t, p, DreamListener.NONE);
        }
        for (int i = 0; i < 2; i++) assertArrayEquals(one.get(i).data(), two.get(i).data(), "image " + i + ": 1 and 2 threads, bit-identical");
        assertFalse(java.util.Arrays.equals(one.get(0).data(), one.get(1).data()), "the two images of the batch differ");
    }
}
