package deepdream.engine.dream;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.image.Resize;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * DeepDream exactly as Google's 2015 notebook does it, as a library:
 * <pre>{@code
 * try (Backend b = Backends.create("cpu"); Net net = Net.build(CaffeImporter.loadDefault(weights), b)) {
 *     PlanarImage dream = new Dreamer(net).dream(photo, DreamParams.defaults().withSeed(1), DreamListener.NONE);
 * }
 * }</pre>
 * The photo (RGB 0..255) is turned into net input (BGR, mean subtracted) and shrunk into a pyramid
 * of octaves, each {@code octaveScale} times smaller. From the smallest up, each octave is its base
 * plus the detail the previous octaves dreamed (upscaled), and is refined by gradient-ascent
 * {@link #step}s. The result is RGB 0..255.
 */
public final class Dreamer {
    /** Guide images are shrunk to this longer side first: enough guide vectors, cheap to match. */
    public static final int GUIDE_MAX_SIDE = 336;

    private final Net net;
    private final float[] mean, lo, hi;

    public Dreamer(Net net) {
        this.net = net;
        this.mean = net.def().meanBgr().clone();
        float[][] range = Preprocess.pixelRange(mean);
        this.lo = range[0];
        this.hi = range[1];
    }

    /** Octave sizes {height, width}, largest (the image) first, each octave scale times smaller than the one before. */
    public static List<int[]> octaveSizes(int height, int width, DreamParams p) {
        List<int[]> sizes = new ArrayList<>();
        int h = height, w = width;
        sizes.add(new int[] {h, w});
        for (int i = 1; i < p.octaves(); i++) {
            h = Math.max(1, (int) Math.round(h / p.octaveScale()));
            w = Math.max(1, (int) Math.round(w / p.octaveScale()));
            sizes.add(new int[] {h, w});
        }
        return sizes;
    }

    /** Dreams on an RGB 0..255 image and returns the result, RGB 0..255. */
    public PlanarImage dream(PlanarImage rgb, DreamParams p, DreamListener listener) {
        List<int[]> sizes = octaveSizes(rgb.height(), rgb.width(), p);
        checkSizes(sizes, p);
        InputGradient gradient = new InputGradient(net, terms(p));
        SplittableRandom random = new SplittableRandom(p.seed());
        // The pyramid of bases, each made from the one above it, as the notebook does.
        List<PlanarImage> bases = new ArrayList<>();
        bases.add(Preprocess.toNet(rgb, mean));
        for (int i = 1; i < sizes.size(); i++) bases.add(Resize.bilinear(bases.get(i - 1), sizes.get(i)[0], sizes.get(i)[1]));
        Backend b = net.backend();
        PlanarImage detail = null, x = null;
        for (int o = 0; o < bases.size(); o++) {
            PlanarImage base = bases.get(bases.size() - 1 - o);
            int h = base.height(), w = base.width(), tile = p.tileFor(h, w);
            listener.octaveStarted(o + 1, bases.size(), h, w, tile);
            b.dropPooledBuffers();   // the previous octave's sizes are not needed again
            x = base.copy();
            if (detail != null) add(x, Resize.bilinear(detail, h, w));
            Tensor xt = b.upload(x.data(), x.nchw());
            try (StepBuffers buffers = new StepBuffers(b, x.nchw())) {
                for (int i = 0; i < p.iterations(); i++) {
                    int ox = random.nextInt(-p.jitter(), p.jitter() + 1), oy = random.nextInt(-p.jitter(), p.jitter() + 1);
                    double value = step(xt, gradient, ox, oy, p.step(), tile, p.tileMargin(), buffers);
                    listener.stepDone(o + 1, bases.size(), i + 1, p.iterations(), value);
                }
                x = new PlanarImage(x.channels(), h, w, xt.toHost());
            } finally {
                xt.release();
            }
            PlanarImage octaveImage = x;
            listener.octaveDone(o + 1, bases.size(), () -> Preprocess.fromNet(octaveImage, mean));
            detail = x.copy();
            add(detail, base, -1);
        }
        return Preprocess.fromNet(x, mean);
    }

    /**
     * One gradient-ascent step of the notebook's make_step, in place on x (net input, 1×3×H×W):
     * roll x by (oy, ox) with wrap-around; the gradient g of the objective with respect to the
     * rolled input; roll g back; x += step / mean(|g|) · g; clip x to [−mean, 255 − mean].
     * tile = 0 computes the gradient in one pass. Returns the objective's value (before the step).
     */
    public double step(Tensor x, InputGradient gradient, int ox, int oy, double step, int tile, int margin, StepBuffers buffers) {
        Backend b = net.backend();
        b.roll(x, oy, ox, buffers.rolled);
        double value = tile > 0 ? gradient.computeTiled(buffers.rolled, buffers.gradRolled, tile, margin)
                : gradient.compute(buffers.rolled, buffers.gradRolled);
        b.roll(buffers.gradRolled, -oy, -ox, buffers.grad);
        double meanAbs = b.sumAbs(buffers.grad) / x.size();
        // A zero gradient (a dead channel, a flat image) leaves x as it is instead of dividing by zero.
        if (meanAbs > 0) b.axpy((float) (step / meanAbs), buffers.grad, x);
        b.clampChannels(x, lo, hi);
        return value;
    }

    /** The three work tensors of a step, allocated once per octave and reused by every iteration. */
    public static final class StepBuffers implements AutoCloseable {
        final Tensor rolled, gradRolled, grad;

        public StepBuffers(Backend b, int[] shape) {
            rolled = b.allocate(shape);
            gradRolled = b.allocate(shape);
            grad = b.allocate(shape);
        }

        @Override
        public void close() {
            rolled.release();
            gradRolled.release();
            grad.release();
        }
    }

    /** The objective terms: per layer L2, the mean of one channel, or the guide's best match. */
    public List<InputGradient.Term> terms(DreamParams p) {
        List<InputGradient.Term> terms = new ArrayList<>();
        for (DreamParams.Layer l : p.layers()) {
            net.requireBlob(l.blob());
            Objective o = p.guide() != null ? guideObjective(p.guide(), l.blob())
                    : p.channel() != null ? Objective.channelMean(p.channel()) : Objective.l2();
            terms.add(new InputGradient.Term(l.blob(), l.weight(), o));
        }
        return terms;
    }

    /** The guide's features at the blob (guide shrunk to {@link #GUIDE_MAX_SIDE} first). */
    private Objective guideObjective(PlanarImage guideRgb, String blob) {
        PlanarImage g = guideRgb;
        int side = Math.max(g.height(), g.width());
        if (side > GUIDE_MAX_SIDE) {
            double s = (double) GUIDE_MAX_SIDE / side;
            g = Resize.bilinear(g, Math.max(1, (int) Math.round(g.height() * s)), Math.max(1, (int) Math.round(g.width() * s)));
        }
        PlanarImage in = Preprocess.toNet(g, mean);
        Backend b = net.backend();
        Tensor t = b.upload(in.data(), in.nchw());
        try (Tape tape = Tape.noGrad(b)) {
            Var a;
            try {
                a = net.forward(tape, tape.leaf(t, false), blob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the guide image (" + g.width() + "x" + g.height() + ") is too small for layer " + blob + ": " + e.getMessage(), e);
            }
            return Objective.guide(a.value().toHost(), a.value().c());
        } finally {
            t.release();
        }
    }

    /** The smallest octave must still reach every objective blob; say how to fix it otherwise. */
    private void checkSizes(List<int[]> sizes, DreamParams p) {
        int[] smallest = sizes.get(sizes.size() - 1);
        List<String> blobs = p.layers().stream().map(DreamParams.Layer::blob).toList();
        for (String blob : blobs) net.requireBlob(blob);   // unknown names: the message with suggestions
        Map<String, int[]> shapes;
        try {
            shapes = net.blobShapes(new int[] {1, mean.length, smallest[0], smallest[1]}, blobs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the image is too small for " + p.octaves() + " octaves of scale " + p.octaveScale()
                    + ": the smallest octave would be " + smallest[1] + "x" + smallest[0] + " pixels (" + e.getMessage()
                    + "). Use fewer --octaves, a smaller --octave-scale or a bigger image", e);
        }
        if (p.channel() == null) return;
        for (String blob : blobs) {
            int channels = shapes.get(blob)[1];
            if (p.channel() >= channels)
                throw new IllegalArgumentException("channel " + p.channel() + " is out of range: " + blob + " has " + channels + " channels (0.." + (channels - 1) + ")");
        }
    }

    private static void add(PlanarImage x, PlanarImage y) { add(x, y, 1); }

    private static void add(PlanarImage x, PlanarImage y, float a) {
        float[] xd = x.data(), yd = y.data();
        for (int i = 0; i < xd.length; i++) xd[i] += a * yd[i];
    }
}
