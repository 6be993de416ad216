package deepdream.engine.visualize;

import deepdream.engine.image.PlanarImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a visualization depends on besides the objective. Immutable; each {@code withX}
 * returns a changed copy. The defaults were chosen on the real GoogLeNet so that a channel of
 * inception_4c or a class is recognisable (docs/visualize.md); each regularizer is off at 0.
 */
public final class VisualizeParams {
    private int height = 224, width = 224;
    private int iterations = 30, octaves = 4, jitter = 16, blurEvery = 4;
    private double octaveScale = 1.4, step = 2, scaleJitter = 0.05, tv = 0.002, tvBeta = 2, decay = 0.001, blurSigma = 0.5, noise = 8;
    private long seed;
    private PlanarImage init;
    private Parameterization parameterization = Parameterization.PIXEL;
    private Optimizer optimizer;            // null: the parameterisation's default
    private Robustness robustness;          // null: the parameterisation's default
    private double learningRate = Double.NaN, spectrumDecay = 1, diversityWeight = 100;
    private int diversity = 1;

    /** What the optimizer changes: the pixels, or Lucid's decorrelated Fourier coefficients ({@link FourierImage}). */
    public enum Parameterization { PIXEL, FFT }

    /** STEP: DeepDream's rule (x += step · g / mean|g|); ADAM: Adam with {@link #learningRate()}. */
    public enum Optimizer { STEP, ADAM }

    /** CLASSIC: scale jitter and circular jitter (this tool's); LUCID: {@link ImageTransform#lucid()}. */
    public enum Robustness { CLASSIC, LUCID }

    private VisualizeParams() {}

    public static VisualizeParams defaults() { return new VisualizeParams(); }

    private VisualizeParams copy() {
        VisualizeParams p = new VisualizeParams();
        p.height = height; p.width = width; p.iterations = iterations; p.octaves = octaves; p.jitter = jitter; p.blurEvery = blurEvery;
        p.octaveScale = octaveScale; p.step = step; p.scaleJitter = scaleJitter; p.tv = tv; p.tvBeta = tvBeta; p.decay = decay;
        p.blurSigma = blurSigma; p.noise = noise; p.seed = seed; p.init = init;
        p.parameterization = parameterization; p.optimizer = optimizer; p.robustness = robustness; p.learningRate = learningRate;
        p.spectrumDecay = spectrumDecay; p.diversity = diversity; p.diversityWeight = diversityWeight;
        return p;
    }

    public int height() { return height; }
    public int width() { return width; }
    public int iterations() { return iterations; }
    public int octaves() { return octaves; }
    public double octaveScale() { return octaveScale; }
    public double step() { return step; }
    public long seed() { return seed; }
    public int jitter() { return jitter; }
    public double scaleJitter() { return scaleJitter; }
    public double tv() { return tv; }
    public double tvBeta() { return tvBeta; }
    public double decay() { return decay; }
    /** Blur every this many steps; 0 = never. */
    public int blurEvery() { return blurEvery; }
    public double blurSigma() { return blurSigma; }
    /** Amplitude of the uniform noise the image starts from, in pixel units (0..255) around the mean colour. */
    public double noise() { return noise; }
    /** The starting image (RGB 0..255, resized to the output size), or null for noise. */
    public PlanarImage init() { return init; }
    public Parameterization parameterization() { return parameterization; }
    /** Default: Adam for FFT (as Lucid), the step rule for pixels (as before). */
    public Optimizer optimizer() { return optimizer != null ? optimizer : parameterization == Parameterization.FFT ? Optimizer.ADAM : Optimizer.STEP; }
    /** Default: Lucid's transforms for FFT, the classic ones for pixels. */
    public Robustness robustness() { return robustness != null ? robustness : parameterization == Parameterization.FFT ? Robustness.LUCID : Robustness.CLASSIC; }
    /** Adam's learning rate; default 0.05 for FFT coefficients (Lucid's), 2 for pixels (0..255 units, as the step). */
    public double learningRate() { return !Double.isNaN(learningRate) ? learningRate : parameterization == Parameterization.FFT ? 0.05 : 2; }
    /** The FFT parameterisation's spectrum exponent: frequencies scaled by 1/f^decay (Lucid: 1). */
    public double spectrumDecay() { return spectrumDecay; }
    /** Images made together and pushed apart (1: no diversity term). */
    public int diversity() { return diversity; }
    /** Weight of the diversity term (subtracted; Lucid's tutorial: 100). */
    public double diversityWeight() { return diversityWeight; }

    public VisualizeParams withSize(int h, int w) {
        require(h >= 1 && w >= 1, "size must be positive, got " + w + "x" + h);
        VisualizeParams p = copy(); p.height = h; p.width = w; return p;
    }
    public VisualizeParams withIterations(int v) { require(v >= 1, "iterations must be at least 1, got " + v); VisualizeParams p = copy(); p.iterations = v; return p; }
    public VisualizeParams withOctaves(int v) { require(v >= 1, "octaves must be at least 1, got " + v); VisualizeParams p = copy(); p.octaves = v; return p; }
    public VisualizeParams withOctaveScale(double v) { require(v > 1 && Double.isFinite(v), "octave scale must be above 1, got " + v); VisualizeParams p = copy(); p.octaveScale = v; return p; }
    public VisualizeParams withStep(double v) { require(v > 0 && Double.isFinite(v), "step must be positive, got " + v); VisualizeParams p = copy(); p.step = v; return p; }
    public VisualizeParams withSeed(long v) { VisualizeParams p = copy(); p.seed = v; return p; }
    public VisualizeParams withJitter(int v) { require(v >= 0, "jitter must be 0 or more pixels, got " + v); VisualizeParams p = copy(); p.jitter = v; return p; }
    public VisualizeParams withScaleJitter(double v) { require(v >= 0 && v < 1, "scale jitter must be in [0, 1), e.g. 0.05, got " + v); VisualizeParams p = copy(); p.scaleJitter = v; return p; }
    public VisualizeParams withTv(double v) { require(v >= 0 && Double.isFinite(v), "TV weight must be 0 or more, got " + v); VisualizeParams p = copy(); p.tv = v; return p; }
    public VisualizeParams withTvBeta(double v) { require(v >= 1 && Double.isFinite(v), "TV exponent beta must be at least 1, got " + v); VisualizeParams p = copy(); p.tvBeta = v; return p; }
    public VisualizeParams withDecay(double v) { require(v >= 0 && Double.isFinite(v), "decay must be 0 or more, got " + v); VisualizeParams p = copy(); p.decay = v; return p; }
    public VisualizeParams withBlur(int every, double sigma) {
        require(every >= 0, "blur-every must be 0 (never) or more steps, got " + every);
        require(every == 0 || (sigma > 0 && Double.isFinite(sigma)), "blur sigma must be positive, got " + sigma);
        VisualizeParams p = copy(); p.blurEvery = every; p.blurSigma = sigma; return p;
    }
    public VisualizeParams withNoise(double v) { require(v >= 0 && Double.isFinite(v), "noise must be 0 or more, got " + v); VisualizeParams p = copy(); p.noise = v; return p; }
    public VisualizeParams withInit(PlanarImage v) {
        require(v == null || v.channels() == 3, "the starting image must be RGB");
        VisualizeParams p = copy(); p.init = v; return p;
    }
    public VisualizeParams withParameterization(Parameterization v) { VisualizeParams p = copy(); p.parameterization = java.util.Objects.requireNonNull(v); return p; }
    public VisualizeParams withOptimizer(Optimizer v) { VisualizeParams p = copy(); p.optimizer = v; return p; }
    public VisualizeParams withRobustness(Robustness v) { VisualizeParams p = copy(); p.robustness = v; return p; }
    public VisualizeParams withLearningRate(double v) { require(v > 0 && Double.isFinite(v), "learning rate must be positive, got " + v); VisualizeParams p = copy(); p.learningRate = v; return p; }
    public VisualizeParams withSpectrumDecay(double v) { require(v >= 0 && Double.isFinite(v), "spectrum decay must be 0 or more, got " + v); VisualizeParams p = copy(); p.spectrumDecay = v; return p; }
    public VisualizeParams withDiversity(int k, double weight) {
        require(k >= 1, "diversity needs at least 1 image, got " + k);
        require(weight >= 0 && Double.isFinite(weight), "diversity weight must be 0 or more, got " + weight);
        VisualizeParams p = copy(); p.diversity = k; p.diversityWeight = weight; return p;
    }
    /** Every regularizer off: plain gradient ascent (for comparisons). */
    public VisualizeParams withoutRegularizers() { return withJitter(0).withScaleJitter(0).withTv(0).withDecay(0).withBlur(0, blurSigma); }

    /**
     * The robustness transforms of each step, in order: Lucid's five ({@link ImageTransform#lucid()}),
     * or the classic scale jitter, then jitter.
     */
    public List<ImageTransform> transforms() {
        if (robustness() == Robustness.LUCID) return ImageTransform.lucid();
        List<ImageTransform> t = new ArrayList<>();
        if (scaleJitter > 0) t.add(ImageTransform.scaleJitter(scaleJitter));
        if (jitter > 0) t.add(ImageTransform.jitter(jitter));
        return t;
    }

    /** The image priors: total variation and L2 decay. */
    public List<Penalty> penalties() {
        List<Penalty> p = new ArrayList<>();
        if (tv > 0) p.add(Penalty.totalVariation(tv, tvBeta));
        if (decay > 0) p.add(Penalty.decay(decay));
        return p;
    }

    /** The periodic blur, or null when off. */
    public GaussianBlur blur() { return blurEvery > 0 ? new GaussianBlur(blurSigma) : null; }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
