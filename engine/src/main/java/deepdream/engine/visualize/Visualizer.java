package deepdream.engine.visualize;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.image.Resize;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Activity maximization (feature visualization): gradient ascent on the image, from noise or a
 * photo, so that an objective (a channel, a unit, a class score) becomes large:
 * <pre>{@code
 * PlanarImage img = new Visualizer(net).visualize(
 *         List.of(new InputGradient.Term("loss3/classifier", 1, Objective.unit(1, 0, 0))),   // goldfish
 *         VisualizeParams.defaults().withSeed(1), DreamListener.NONE);
 * }</pre>
 * Each step, on the image x (net input: BGR, mean subtracted):
 * <ol>
 *   <li>the transforms T (scale jitter, jitter, and a resize when the net only runs at one size)
 *       are drawn at random and the net sees T(x);</li>
 *   <li>g = Tᵀ ∇objective(T(x)), normalized to mean |g| = 1 (the DeepDream step rule);</li>
 *   <li>x += step · (g − Σ weightₖ ∇Pₖ(x)) for the priors P (total variation, L2 decay);</li>
 *   <li>every few steps x is blurred; x is clipped to valid pixel values.</li>
 * </ol>
 * Octaves: the image starts octaveScale^(octaves−1) times smaller and is upscaled between octaves,
 * so coarse structure forms first and detail is added on top. Jitter is in pixels of the output
 * size, scaled down for the smaller octaves.
 */
public final class Visualizer {
    private final Net net;
    private final float[] mean, lo, hi;

    public Visualizer(Net net) {
        this.net = net;
        this.mean = net.def().meanBgr().clone();
        float[][] range = Preprocess.pixelRange(mean);
        this.lo = range[0];
        this.hi = range[1];
    }

    /** Image sizes {height, width} of the octaves, smallest first, the last being the output size. */
    public static List<int[]> octaveSizes(VisualizeParams p) {
        List<int[]> sizes = new ArrayList<>();
        for (int o = p.octaves() - 1; o >= 0; o--) {
            double s = Math.pow(p.octaveScale(), o);
            sizes.add(new int[] {Math.max(1, (int) Math.round(p.height() / s)), Math.max(1, (int) Math.round(p.width() / s))});
        }
        return sizes;
    }

    /** The visualization, RGB 0..255, of size p.height() × p.width(). */
    public PlanarImage visualize(List<InputGradient.Term> objective, VisualizeParams p, DreamListener listener) {
        if (p.diversity() > 1) throw new IllegalArgumentException("diversity makes " + p.diversity() + " images: call visualizeAll");
        return visualizeAll(objective, p, listener).get(0);
    }

    /**
     * The p.diversity() visualizations made together (one unless diversity is asked for), RGB 0..255.
     * With {@link VisualizeParams.Parameterization#FFT} the optimizer changes Lucid's Fourier
     * coefficients ({@link FourierImage}) at the output size, for p.iterations() steps in one go
     * (no octaves: the 1/f spectrum already forms the coarse shapes first); the image priors of the
     * pixel path (TV, decay, blur) are not used, the parameterisation is the prior.
     */
    public List<PlanarImage> visualizeAll(List<InputGradient.Term> objective, VisualizeParams p, DreamListener listener) {
        if (p.parameterization() == VisualizeParams.Parameterization.FFT) return fourier(objective, p, listener);
        if (p.diversity() > 1) throw new IllegalArgumentException("diversity works with the Fourier parameterisation only (--param fft)");
        return List.of(pixels(objective, p, listener));
    }

    private PlanarImage pixels(List<InputGradient.Term> objective, VisualizeParams p, DreamListener listener) {
        return pixelBatch(List.of(objective), p, listener).get(0);
    }

    /**
     * Several pixel visualizations made as one batch (a grid's tiles): image i optimizes objectives.get(i)
     * and gets exactly the pixels {@code visualize(objectives.get(i), p, ...)} gives on its own: its own
     * random stream (seeded with p.seed(), as a run by itself), its own transforms, its own objective
     * computed on its own sample ({@link Objective#perSample}), and kernels whose sums do not depend on
     * the batch. Images whose transformed sizes agree share one forward and backward pass. The
     * listener sees the batch's mean objective. Memory grows with the batch: callers chunk.
     */
    public List<PlanarImage> visualizeBatch(List<List<InputGradient.Term>> objectives, VisualizeParams p, DreamListener listener) {
        if (objectives.isEmpty()) throw new IllegalArgumentException("a batch needs at least one objective");
        if (p.parameterization() != VisualizeParams.Parameterization.PIXEL || p.diversity() > 1)
            throw new IllegalArgumentException("batched visualizations use the pixel parameterisation without diversity; run the others one by one");
        List<InputGradient.Term> first = objectives.get(0);
        for (List<InputGradient.Term> o : objectives) {
            boolean same = o.size() == first.size();
            for (int t = 0; same && t < o.size(); t++)
                same = o.get(t).blob().equals(first.get(t).blob()) && o.get(t).weight() == first.get(t).weight();
            if (!same) throw new IllegalArgumentException("every image of a batch needs the same layers and weights (only the objectives may differ)");
        }
        return pixelBatch(objectives, p, listener);
    }

    private List<PlanarImage> pixelBatch(List<List<InputGradient.Term>> objectives, VisualizeParams p, DreamListener listener) {
        int n = objectives.size();
        List<int[]> sizes = octaveSizes(p);
        int[] fixed = netInputSize(objectives.stream().flatMap(List::stream).toList(), sizes);
        List<Penalty> penalties = p.penalties();
        GaussianBlur blur = p.blur();
        // One stream per image, seeded as a run of that image alone: never by its place in the batch.
        SplittableRandom[] random = new SplittableRandom[n];
        PlanarImage init = p.init() == null ? null : Preprocess.toNet(Resize.bilinear(p.init(), p.height(), p.width()), mean);
        PlanarImage[] x = new PlanarImage[n], base = new PlanarImage[n];
        for (int i = 0; i < n; i++) {
            random[i] = new SplittableRandom(p.seed());
            x[i] = start(p, sizes.get(0), random[i]);
            base[i] = x[i].copy();   // with an init image: what the octave started from, to carry its detail upwards
        }
        for (int o = 0; o < sizes.size(); o++) {
            int h = sizes.get(o)[0], w = sizes.get(o)[1];
            if (o > 0) {
                PlanarImage octaveBase = init == null ? null : Resize.bilinear(init, h, w);
                for (int i = 0; i < n; i++) {
                    if (init == null) {
                        x[i] = Resize.bilinear(x[i], h, w);
                    } else {
                        // As the dreamer does: this octave's photo plus the (upscaled) change made so far.
                        PlanarImage change = subtract(x[i], base[i]);
                        base[i] = octaveBase.copy();
                        x[i] = add(octaveBase.copy(), Resize.bilinear(change, h, w));
                    }
                }
            }
            // Jitter is given in pixels of the output: smaller octaves shift proportionally less.
            List<ImageTransform> transforms = p.withJitter(scaledJitter(p.jitter(), w, p.width())).transforms();
            if (fixed != null) transforms.add(ImageTransform.fitTo(fixed[0], fixed[1]));
            listener.octaveStarted(o + 1, sizes.size(), h, w, 0);
            // Adam's moments belong to one octave's pixels: a new octave (new size) starts them afresh.
            Adam[] adam = new Adam[n];
            if (p.optimizer() == VisualizeParams.Optimizer.ADAM) for (int i = 0; i < n; i++) adam[i] = new Adam(x[i].data().length, p.learningRate());
            for (int it = 0; it < p.iterations(); it++) {
                double value = step(x, objectives, transforms, penalties, p.step(), adam, random);
                for (int i = 0; i < n; i++) {
                    if (blur != null && (it + 1) % p.blurEvery() == 0) System.arraycopy(blur.apply(x[i]).data(), 0, x[i].data(), 0, x[i].data().length);
                    clip(x[i]);
                }
                listener.stepDone(o + 1, sizes.size(), it + 1, p.iterations(), value / n);
            }
        }
        List<PlanarImage> out = new ArrayList<>(n);
        for (PlanarImage xi : x) out.add(Preprocess.fromNet(xi, mean));
        return out;
    }

    /**
     * The size the net sees at each octave, smallest first: the octave sizes, or one fixed size for
     * objectives that need it (a class: always 224×224). For progress estimates: a step costs about
     * the pixels the net sees.
     */
    public List<int[]> netSizes(List<InputGradient.Term> objective, VisualizeParams p) {
        List<int[]> sizes = octaveSizes(p);
        int[] fixed = netInputSize(objective, sizes);
        return fixed == null ? sizes : sizes.stream().map(s -> fixed.clone()).toList();
    }

    static int scaledJitter(int jitter, int octaveWidth, int width) {
        return jitter == 0 ? 0 : Math.max(1, (int) Math.round((double) jitter * octaveWidth / width));
    }

    /**
     * The size the net must see, or null when it can see the image as it is. Positionwise objectives
     * (a channel's mean) work at every octave size the net can run at. A unit is a position in the
     * full-size blob, so the net sees every octave resized to the output size (as it does for a layer
     * too deep for the small octaves); a classifier only runs at the net's declared input size.
     */
    int[] netInputSize(List<InputGradient.Term> objective, List<int[]> sizes) {
        boolean positionwise = objective.stream().allMatch(t -> t.objective().isPositionwise());
        List<String> blobs = objective.stream().map(InputGradient.Term::blob).distinct().toList();
        int[] smallest = sizes.get(0), last = sizes.get(sizes.size() - 1);
        if (positionwise && runs(smallest, blobs)) return null;
        if (runs(last, blobs)) return last;
        int[] declared = net.def().inputShape();
        int[] size = {declared[2], declared[3]};
        if (!runs(size, blobs)) throw new IllegalArgumentException("the net cannot compute " + String.join(", ", blobs) + " at " + size[1] + "x" + size[0]);
        return size;
    }

    private boolean runs(int[] hw, List<String> blobs) {
        try {
            net.blobShapes(new int[] {1, mean.length, hw[0], hw[1]}, blobs);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One ascent step in place on x (the step rule, or Adam when given); returns the objective's value (before the step). */
    double step(PlanarImage x, InputGradient gradient, List<ImageTransform> transforms, List<Penalty> penalties, double step, Adam adam, SplittableRandom random) {
        return step(new PlanarImage[] {x}, List.of(gradient.terms()), transforms, penalties, step, new Adam[] {adam}, new SplittableRandom[] {random});
    }

    /**
     * One ascent step in place on every image of a batch; returns the sum of their objectives. Image
     * i draws its transforms from random[i] only; images whose transformed sizes agree go through the
     * net together, each with its own objective.
     */
    double step(PlanarImage[] x, List<List<InputGradient.Term>> objectives, List<ImageTransform> transforms, List<Penalty> penalties,
                double step, Adam[] adam, SplittableRandom[] random) {
        int n = x.length;
        List<List<ImageTransform.Instance>> drawn = new ArrayList<>(n);
        PlanarImage[] seen = new PlanarImage[n];
        for (int i = 0; i < n; i++) {
            List<ImageTransform.Instance> d = new ArrayList<>(transforms.size());
            seen[i] = x[i];
            for (ImageTransform t : transforms) {
                ImageTransform.Instance inst = t.sample(seen[i].height(), seen[i].width(), random[i]);
                d.add(inst);
                seen[i] = inst.forward(seen[i]);
            }
            drawn.add(d);
        }
        PlanarImage[] g = new PlanarImage[n];
        double value = 0;
        boolean[] done = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (done[i]) continue;
            List<Integer> group = new ArrayList<>();
            for (int j = i; j < n; j++)
                if (!done[j] && seen[j].height() == seen[i].height() && seen[j].width() == seen[i].width()) { group.add(j); done[j] = true; }
            value += netGradient(seen, objectives, group, g);
        }
        for (int i = 0; i < n; i++) {
            PlanarImage gi = g[i];
            for (int k = drawn.get(i).size() - 1; k >= 0; k--) gi = drawn.get(i).get(k).adjoint(gi);
            ascend(x[i], gi, penalties, step, adam[i]);
        }
        return value;
    }

    /** g[i] = ∂objective_i/∂seen[i] for the images of one group (same size), in one pass; returns the sum of their values. */
    private double netGradient(PlanarImage[] seen, List<List<InputGradient.Term>> objectives, List<Integer> group, PlanarImage[] g) {
        Backend b = net.backend();
        PlanarImage s0 = seen[group.get(0)];
        int size = s0.data().length, k = group.size();
        List<InputGradient.Term> terms;
        if (k == 1) {
            terms = objectives.get(group.get(0));
        } else {
            List<InputGradient.Term> first = objectives.get(group.get(0));
            terms = new ArrayList<>(first.size());
            for (int t = 0; t < first.size(); t++) {
                List<Objective> each = new ArrayList<>(k);
                for (int i : group) each.add(objectives.get(i).get(t).objective());
                terms.add(new InputGradient.Term(first.get(t).blob(), first.get(t).weight(), Objective.perSample(each)));
            }
        }
        float[] batch = new float[k * size];
        for (int j = 0; j < k; j++) System.arraycopy(seen[group.get(j)].data(), 0, batch, j * size, size);
        int[] shape = {k, s0.channels(), s0.height(), s0.width()};
        Tensor in = b.upload(batch, shape), grad = b.allocate(shape);
        try {
            double value = new InputGradient(net, terms).compute(in, grad);
            float[] gd = b.download(grad);
            for (int j = 0; j < k; j++)
                g[group.get(j)] = new PlanarImage(s0.channels(), s0.height(), s0.width(), java.util.Arrays.copyOfRange(gd, j * size, (j + 1) * size));
            return value;
        } finally {
            in.release();
            grad.release();
        }
    }

    /** x += the normalized gradient g (image space) minus the priors' gradients, by the step rule or Adam. */
    private void ascend(PlanarImage x, PlanarImage g, List<Penalty> penalties, double step, Adam adam) {
        Backend b = net.backend();
        float[] gd = g.data(), xd = x.data();
        double sumAbs = 0;
        for (float v : gd) sumAbs += Math.abs(v);
        // A zero gradient (a dead unit) moves nothing instead of dividing by zero; the priors still act.
        float scale = sumAbs > 0 ? (float) (step * gd.length / sumAbs) : 0f;
        for (int i = 0; i < xd.length; i++) gd[i] *= scale;
        if (!penalties.isEmpty()) {
            Tensor xt = b.upload(xd, x.nchw()), pg = b.allocate(x.nchw());
            try {
                for (Penalty pen : penalties) {
                    pen.objective().gradient(b, xt, pg);
                    float[] pd = b.download(pg);
                    float a = (float) (-step * pen.weight());
                    for (int i = 0; i < gd.length; i++) gd[i] += a * pd[i];
                }
            } finally {
                xt.release();
                pg.release();
            }
        }
        if (adam != null) adam.ascend(xd, gd);
        else for (int i = 0; i < xd.length; i++) xd[i] += gd[i];
    }

    /** Lucid's start: every coefficient N(0, 0.01²), a nearly flat grey. */
    static final double FOURIER_INIT_SD = 0.01;

    private List<PlanarImage> fourier(List<InputGradient.Term> objective, VisualizeParams p, DreamListener listener) {
        if (p.init() != null) throw new IllegalArgumentException("a starting image (--init) needs the pixel parameterisation (--param pixel)");
        int k = p.diversity(), h = p.height(), w = p.width();
        List<InputGradient.Term> terms = new ArrayList<>(objective);
        if (k > 1) {
            for (InputGradient.Term t : objective)
                if (!t.objective().isPositionwise())
                    throw new IllegalArgumentException("diversity needs an objective on every image of the batch (a channel or a direction), not " + t.objective());
            if (p.diversityWeight() > 0) terms.add(new InputGradient.Term(objective.get(0).blob(), -p.diversityWeight(), Objective.diversity()));
        }
        InputGradient gradient = new InputGradient(net, terms);
        int[] fixed = netInputSize(objective, List.of(new int[] {h, w}));
        List<ImageTransform> transforms = p.transforms();
        if (fixed != null) transforms.add(ImageTransform.fitTo(fixed[0], fixed[1]));

        FourierImage image = new FourierImage(h, w, p.spectrumDecay(), mean);
        SplittableRandom random = new SplittableRandom(p.seed());
        double[][] params = new double[k][];
        Adam[] adams = new Adam[k];
        for (int i = 0; i < k; i++) {
            params[i] = image.randomParameters(random, FOURIER_INIT_SD);
            if (p.optimizer() == VisualizeParams.Optimizer.ADAM) adams[i] = new Adam(image.parameterCount(), p.learningRate());
        }
        Backend b = net.backend();
        listener.octaveStarted(1, 1, h, w, 0);
        for (int it = 0; it < p.iterations(); it++) {
            FourierImage.Rendered[] rendered = new FourierImage.Rendered[k];
            PlanarImage[] seen = new PlanarImage[k];
            for (int i = 0; i < k; i++) seen[i] = (rendered[i] = image.render(params[i])).netInput();
            // One draw of the transforms for the whole batch (as Lucid): the images stay one tensor.
            List<ImageTransform.Instance> drawn = new ArrayList<>(transforms.size());
            for (ImageTransform t : transforms) {
                ImageTransform.Instance inst = t.sample(seen[0].height(), seen[0].width(), random);
                drawn.add(inst);
                for (int i = 0; i < k; i++) seen[i] = inst.forward(seen[i]);
            }
            int sh = seen[0].height(), sw = seen[0].width(), size = 3 * sh * sw;
            float[] batch = new float[k * size];
            for (int i = 0; i < k; i++) System.arraycopy(seen[i].data(), 0, batch, i * size, size);
            int[] shape = {k, 3, sh, sw};
            double value;
            float[] g;
            Tensor in = b.upload(batch, shape), grad = b.allocate(shape);
            try {
                value = gradient.compute(in, grad);
                g = b.download(grad);
            } finally {
                in.release();
                grad.release();
            }
            for (int i = 0; i < k; i++) {
                PlanarImage gi = new PlanarImage(3, sh, sw, java.util.Arrays.copyOfRange(g, i * size, (i + 1) * size));
                for (int d = drawn.size() - 1; d >= 0; d--) gi = drawn.get(d).adjoint(gi);
                double[] pg = image.backward(rendered[i], gi);
                if (adams[i] != null) adams[i].ascend(params[i], pg);
                else stepRule(params[i], pg, p.step());
            }
            listener.stepDone(1, 1, it + 1, p.iterations(), value);
        }
        List<PlanarImage> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) out.add(Preprocess.fromNet(image.render(params[i]).netInput(), mean));
        return out;
    }

    /** DeepDream's rule on parameters: θ += step · g / mean|g| (nothing when g is 0). */
    private static void stepRule(double[] params, double[] g, double step) {
        double sumAbs = 0;
        for (double v : g) sumAbs += Math.abs(v);
        if (sumAbs == 0) return;
        double scale = step * g.length / sumAbs;
        for (int i = 0; i < params.length; i++) params[i] += scale * g[i];
    }

    private void clip(PlanarImage x) {
        float[] d = x.data();
        int plane = x.height() * x.width();
        for (int c = 0; c < x.channels(); c++)
            for (int i = c * plane; i < (c + 1) * plane; i++) d[i] = Math.min(Math.max(d[i], lo[c]), hi[c]);
    }

    /** The image the visualization starts from, RGB 0..255 at the output size (for "before" measurements). */
    public PlanarImage startImage(VisualizeParams p) {
        if (p.parameterization() == VisualizeParams.Parameterization.FFT) {
            FourierImage image = new FourierImage(p.height(), p.width(), p.spectrumDecay(), mean);
            return Preprocess.fromNet(image.render(image.randomParameters(new SplittableRandom(p.seed()), FOURIER_INIT_SD)).netInput(), mean);
        }
        PlanarImage x = start(p, octaveSizes(p).get(0), new SplittableRandom(p.seed()));
        return Preprocess.fromNet(Resize.bilinear(x, p.height(), p.width()), mean);
    }

    /** The first octave's image (net input space): the init image shrunk to it, or noise. Draws the noise from random. */
    private PlanarImage start(VisualizeParams p, int[] first, SplittableRandom random) {
        if (p.init() == null) return noise(first[0], first[1], p.noise(), random);
        return Preprocess.toNet(Resize.bilinear(Resize.bilinear(p.init(), p.height(), p.width()), first[0], first[1]), mean);
    }

    /** Mean colour plus uniform noise in [−amplitude, amplitude] (net input space). */
    private PlanarImage noise(int h, int w, double amplitude, SplittableRandom random) {
        PlanarImage img = new PlanarImage(mean.length, h, w);
        float[] d = img.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) ((2 * random.nextDouble() - 1) * amplitude);
        return img;
    }

    private static PlanarImage add(PlanarImage x, PlanarImage y) {
        float[] xd = x.data(), yd = y.data();
        for (int i = 0; i < xd.length; i++) xd[i] += yd[i];
        return x;
    }

    private static PlanarImage subtract(PlanarImage x, PlanarImage y) {
        PlanarImage d = x.copy();
        float[] dd = d.data(), yd = y.data();
        for (int i = 0; i < dd.length; i++) dd[i] -= yd[i];
        return d;
    }
}
