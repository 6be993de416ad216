package deepdream.engine.dream;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.image.Colors;
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

    /** Octave sizes {height, width}, largest first: see {@link #octavePlan}. */
    public static List<int[]> octaveSizes(int height, int width, DreamParams p) {
        return octavePlan(height, width, p).sizes();
    }

    /** The octave sizes {height, width}, largest first, and how many were dropped by {@link DreamParams#minOctaveSide}. */
    public record OctavePlan(List<int[]> sizes, int dropped) {}

    /**
     * Without explicit {@link DreamParams#octaveSides}: the image, then each octave scale times smaller
     * than the one before, dropping those whose shorter side falls below {@link DreamParams#minOctaveSide}
     * (the image itself always dreams). With them: those longer sides, the image's aspect ratio kept;
     * sizes above the image's dream upscaled and the result is scaled back.
     */
    public static OctavePlan octavePlan(int height, int width, DreamParams p) {
        List<int[]> sizes = new ArrayList<>();
        if (!p.octaveSides().isEmpty()) {
            double longer = Math.max(height, width);
            for (int i = p.octaveSides().size() - 1; i >= 0; i--) {
                double s = p.octaveSides().get(i) / longer;
                sizes.add(new int[] {Math.max(1, (int) Math.round(height * s)), Math.max(1, (int) Math.round(width * s))});
            }
            return new OctavePlan(sizes, 0);
        }
        int h = height, w = width, dropped = 0;
        sizes.add(new int[] {h, w});
        for (int i = 1; i < p.octaves(); i++) {
            h = Math.max(1, (int) Math.round(h / p.octaveScale()));
            w = Math.max(1, (int) Math.round(w / p.octaveScale()));
            if (Math.min(h, w) < p.minOctaveSide()) dropped++;
            else sizes.add(new int[] {h, w});
        }
        return new OctavePlan(sizes, dropped);
    }

    /** Dreams on an RGB 0..255 image and returns the result, RGB 0..255, the image's size. */
    public PlanarImage dream(PlanarImage rgb, DreamParams p, DreamListener listener) {
        p = resolveChannels(rgb, p);
        List<int[]> sizes = octaveSizes(rgb.height(), rgb.width(), p);
        checkSizes(sizes, p);
        if (p.mask() != null) checkMask(p.mask(), rgb);
        InputGradient gradient = new InputGradient(net, terms(p));
        SplittableRandom random = new SplittableRandom(p.seed());
        // The pyramid of bases, each made from the one above it, as the notebook does; octaves larger
        // than the image (explicit --octave-sizes) are the image upscaled.
        PlanarImage full = Preprocess.toNet(rgb, mean);
        List<PlanarImage> bases = new ArrayList<>();
        PlanarImage above = full;
        for (int[] size : sizes) {
            boolean larger = (long) size[0] * size[1] > (long) rgb.height() * rgb.width();
            PlanarImage base = larger ? resize(full, size[0], size[1], p.wrap())
                    : bases.isEmpty() && size[0] == rgb.height() && size[1] == rgb.width() ? full : resize(above, size[0], size[1], p.wrap());
            if (!larger) above = base;
            bases.add(base);
        }
        Backend b = net.backend();
        PlanarImage detail = null, x = null;
        for (int o = 0; o < bases.size(); o++) {
            PlanarImage base = bases.get(bases.size() - 1 - o);
            int h = base.height(), w = base.width(), tile = p.tileFor(h, w);
            listener.octaveStarted(o + 1, bases.size(), h, w, tile);
            b.dropPooledBuffers();   // the previous octave's sizes are not needed again
            float[] mask = p.mask() == null ? null : maskAt(p.mask(), h, w);
            StepRule rule = new StepRule(p.step(), p.normalize(), p.lapLevels(), mask, p.wrap());
            x = base.copy();
            if (detail != null) {
                PlanarImage up = resize(detail, h, w, p.wrap());
                if (mask != null) multiplyPlanes(up, mask);   // black stays the photo at every octave
                add(x, up);
            }
            Tensor xt = b.upload(x.data(), x.nchw());
            int channels = x.channels();
            int[] shape = x.nchw();
            x = null;        // the octave's image lives in xt now, and the detail was used: on a big photo
            detail = null;   // each of these is hundreds of MB that the tiles' activations need
            try (StepBuffers buffers = new StepBuffers(b, shape)) {
                for (int i = 0; i < p.iterations(); i++) {
                    int ox = random.nextInt(-p.jitter(), p.jitter() + 1), oy = random.nextInt(-p.jitter(), p.jitter() + 1);
                    double value = step(xt, gradient, ox, oy, rule, tile, p.tileMargin(), buffers);
                    listener.stepDone(o + 1, bases.size(), i + 1, p.iterations(), value);
                }
                x = new PlanarImage(channels, h, w, xt.toHost());
            } finally {
                xt.release();
            }
            PlanarImage octaveImage = x;
            listener.octaveDone(o + 1, bases.size(), () -> Preprocess.fromNet(octaveImage, mean));
            detail = x.copy();
            add(detail, base, -1);
        }
        if (x.height() != rgb.height() || x.width() != rgb.width()) x = resize(x, rgb.height(), rgb.width(), p.wrap());
        PlanarImage out = Preprocess.fromNet(x, mean);
        return p.originalColors() ? Colors.keepChroma(out, rgb) : out;
    }

    private static PlanarImage resize(PlanarImage img, int h, int w, DreamParams.Wrap wrap) {
        return wrap == DreamParams.Wrap.NONE ? Resize.bilinear(img, h, w) : Resize.bilinear(img, h, w, wrap.x(), wrap.y());
    }

    /** The mask resized to h×w, weights clipped to 0..1. */
    static float[] maskAt(PlanarImage mask, int h, int w) {
        float[] m = Resize.bilinear(mask, h, w).data();
        for (int i = 0; i < m.length; i++) m[i] = Math.min(1f, Math.max(0f, m[i]));
        return m;
    }

    private static void multiplyPlanes(PlanarImage img, float[] weights) {
        float[] d = img.data();
        int plane = weights.length;
        for (int i = 0; i < d.length; i++) d[i] *= weights[i % plane];
    }

    /**
     * How a step turns the gradient into a change of the image: step / mean(|g|) · g (the notebook),
     * step / rms(g) · g, or step · lap_normalize(g) with {@code lapLevels} &gt; 0; then weighted per
     * pixel by {@code mask} (h·w weights, or null).
     */
    public record StepRule(double step, DreamParams.Normalize normalize, int lapLevels, float[] mask, DreamParams.Wrap wrap) {
        public StepRule(double step, DreamParams.Normalize normalize, int lapLevels, float[] mask) { this(step, normalize, lapLevels, mask, DreamParams.Wrap.NONE); }

        public static StepRule notebook(double step) { return new StepRule(step, DreamParams.Normalize.MEAN, 0, null); }
    }

    /** Pixels of wrapped context on each wrapping side: what the tiles' margin measured as enough (see DreamParams). */
    public static final int WRAP_PAD = DreamParams.DEFAULT_TILE_MARGIN;

    /**
     * The gradient of the objective of the periodic image: x padded with {@link #WRAP_PAD} wrapped
     * pixels on the wrapping sides, so the net sees the far edge's content beside each edge, and the
     * gradient of the centre kept. Where the receptive field is within the pad, that is exactly the
     * periodic image's gradient: each position near an edge is counted once, on one side or the
     * other (adding the pads' gradients back as well would count them twice, and bring in the
     * zero padding at the pads' outer borders).
     */
    private double wrappedGradient(Tensor x, Tensor grad, InputGradient gradient, DreamParams.Wrap wrap, int tile, int margin) {
        Backend b = net.backend();
        int c = x.c(), h = x.h(), w = x.w(), px = WRAP_PAD, py = wrap.y() ? WRAP_PAD : 0;
        int ph = h + 2 * py, pw = w + 2 * px;
        float[] src = b.download(x), padded = new float[c * ph * pw];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < ph; y++) {
                int sy = Math.floorMod(y - py, h);
                for (int xx = 0; xx < pw; xx++) padded[(ch * ph + y) * pw + xx] = src[(ch * h + sy) * w + Math.floorMod(xx - px, w)];
            }
        int[] shape = {1, c, ph, pw};
        Tensor pt = b.upload(padded, shape), pg = b.allocate(shape);
        try {
            int t = tile > 0 ? tile : 0;
            double value = t > 0 ? gradient.computeTiled(pt, pg, t, margin) : gradient.compute(pt, pg);
            PlanarImage whole = new PlanarImage(c, ph, pw, b.download(pg));
            Tensor up = b.upload(whole.crop(py, px, h, w).data(), x.shape());
            b.copy(up, grad);
            up.release();
            return value;
        } finally {
            pt.release();
            pg.release();
        }
    }

    /**
     * One gradient-ascent step of the notebook's make_step, in place on x (net input, 1×3×H×W):
     * roll x by (oy, ox) with wrap-around; the gradient g of the objective with respect to the
     * rolled input; roll g back; x += step / mean(|g|) · g; clip x to [−mean, 255 − mean].
     * tile = 0 computes the gradient in one pass. Returns the objective's value (before the step).
     */
    public double step(Tensor x, InputGradient gradient, int ox, int oy, double step, int tile, int margin, StepBuffers buffers) {
        return step(x, gradient, ox, oy, StepRule.notebook(step), tile, margin, buffers);
    }

    /** {@link #step(Tensor, InputGradient, int, int, double, int, int, StepBuffers)} with another normalization or a mask. */
    public double step(Tensor x, InputGradient gradient, int ox, int oy, StepRule rule, int tile, int margin, StepBuffers buffers) {
        Backend b = net.backend();
        b.roll(x, oy, ox, buffers.rolled);
        double value = rule.wrap() != DreamParams.Wrap.NONE ? wrappedGradient(buffers.rolled, buffers.gradRolled, gradient, rule.wrap(), tile, margin)
                : tile > 0 ? gradient.computeTiled(buffers.rolled, buffers.gradRolled, tile, margin)
                : gradient.compute(buffers.rolled, buffers.gradRolled);
        b.roll(buffers.gradRolled, -oy, -ox, buffers.grad);
        double scale;
        if (rule.lapLevels() > 0) {
            scale = rule.step();
        } else {
            double norm = rule.normalize() == DreamParams.Normalize.STD ? Math.sqrt(b.sumSquares(buffers.grad) / x.size())
                    : b.sumAbs(buffers.grad) / x.size();
            // A zero gradient (a dead channel, a flat image) leaves x as it is instead of dividing by zero.
            scale = norm > 0 ? rule.step() / norm : 0;
        }
        if (rule.lapLevels() > 0 || rule.mask() != null) {
            // Host work on the gradient: the pyramid and the per-pixel weights (single-threaded, so
            // the same on every thread count).
            float[] g = b.download(buffers.grad);
            if (rule.lapLevels() > 0) buffers.laplacian(x.c(), x.h(), x.w(), rule.lapLevels()).normalize(g, g);
            if (rule.mask() != null) {
                int plane = x.h() * x.w();
                for (int i = 0; i < g.length; i++) g[i] *= rule.mask()[i % plane];
            }
            Tensor shaped = b.upload(g, x.shape());
            b.copy(shaped, buffers.grad);
            shaped.release();
        }
        if (scale != 0) b.axpy((float) scale, buffers.grad, x);
        b.clampChannels(x, lo, hi);
        return value;
    }

    /** The three work tensors of a step, allocated once per octave and reused by every iteration. */
    public static final class StepBuffers implements AutoCloseable {
        final Tensor rolled, gradRolled, grad;
        private LaplacianNorm laplacian;

        public StepBuffers(Backend b, int[] shape) {
            rolled = b.allocate(shape);
            gradRolled = b.allocate(shape);
            grad = b.allocate(shape);
        }

        LaplacianNorm laplacian(int c, int h, int w, int levels) {
            if (laplacian == null || !laplacian.fits(c, h, w, levels)) laplacian = new LaplacianNorm(c, h, w, levels);
            return laplacian;
        }

        @Override
        public void close() {
            rolled.release();
            gradRolled.release();
            grad.release();
        }
    }

    /**
     * The mean activation of every channel of {@code blob} on the photo (shrunk to
     * {@link #GUIDE_MAX_SIDE} first, like a guide): which features the photo already excites.
     */
    public double[] channelActivity(PlanarImage rgb, String blob) {
        net.requireBlob(blob);
        Backend b = net.backend();
        return atBlob(rgb, blob, "the photo", v -> {
            double[] means = new double[v.c()];
            for (int c = 0; c < means.length; c++) means[c] = b.sumChannel(v, c) / ((double) v.n() * v.h() * v.w());
            return means;
        });
    }

    /**
     * Runs {@code read} on the activation of {@code blob} for an image shrunk to {@link #GUIDE_MAX_SIDE}
     * (no gradient): what channel rankings and guides look at. {@code what} names the image in errors.
     */
    private <T> T atBlob(PlanarImage rgb, String blob, String what, java.util.function.Function<Tensor, T> read) {
        PlanarImage g = shrink(rgb);
        PlanarImage in = Preprocess.toNet(g, mean);
        Backend b = net.backend();
        Tensor t = b.upload(in.data(), in.nchw());
        try (Tape tape = Tape.noGrad(b)) {
            Var a;
            try {
                a = net.forward(tape, tape.leaf(t, false), blob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " (" + g.width() + "x" + g.height() + ") is too small for layer " + blob + ": " + e.getMessage(), e);
            }
            return read.apply(a.value());
        } finally {
            t.release();
        }
    }

    /** Channel indices of a blob ordered by activity on the photo: strongest first, or weakest first. */
    public List<Integer> rankChannels(PlanarImage rgb, String blob, boolean strongest) {
        double[] m = channelActivity(rgb, blob);
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < m.length; c++) order.add(c);
        // Ties by index, so the choice is the same everywhere.
        order.sort((a, c) -> strongest ? Double.compare(m[c], m[a]) != 0 ? Double.compare(m[c], m[a]) : Integer.compare(a, c)
                : Double.compare(m[a], m[c]) != 0 ? Double.compare(m[a], m[c]) : Integer.compare(a, c));
        return order;
    }

    /** The parameters with a {@link DreamParams#channelPick} turned into explicit channels for this photo (first layer's ranking). */
    public DreamParams resolveChannels(PlanarImage rgb, DreamParams p) {
        if (p.channelPick() == null) return p;
        List<Integer> ranked = rankChannels(rgb, p.layers().get(0).blob(), p.channelPick().strong());
        int n = Math.min(p.channelPick().count(), ranked.size());
        return p.withChannelPick(null).withChannels(List.copyOf(ranked.subList(0, n)));
    }

    private static PlanarImage shrink(PlanarImage g) {
        int side = Math.max(g.height(), g.width());
        if (side <= GUIDE_MAX_SIDE) return g;
        double s = (double) GUIDE_MAX_SIDE / side;
        return Resize.bilinear(g, Math.max(1, (int) Math.round(g.height() * s)), Math.max(1, (int) Math.round(g.width() * s)));
    }

    /** The objective terms: per layer L2, the mean of one channel (or of each of several), or the guide's best match. */
    public List<InputGradient.Term> terms(DreamParams p) {
        List<InputGradient.Term> terms = new ArrayList<>();
        for (DreamParams.Layer l : p.layers()) {
            net.requireBlob(l.blob());
            if (p.guide() == null && !p.channels().isEmpty()) {
                for (int c : p.channels()) terms.add(new InputGradient.Term(l.blob(), l.weight(), Objective.channelMean(c)));
                continue;
            }
            Objective o = p.guide() != null ? guideObjective(p.guide(), l.blob())
                    : p.channel() != null ? Objective.channelMean(p.channel()) : Objective.l2();
            terms.add(new InputGradient.Term(l.blob(), l.weight(), o));
        }
        return terms;
    }

    /** The guide's features at the blob (guide shrunk to {@link #GUIDE_MAX_SIDE} first). */
    private Objective guideObjective(PlanarImage guideRgb, String blob) {
        return atBlob(guideRgb, blob, "the guide image", v -> Objective.guide(v.toHost(), v.c()));
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
        List<Integer> asked = new ArrayList<>(p.channels());
        if (p.channel() != null) asked.add(p.channel());
        for (String blob : blobs) {
            int channels = shapes.get(blob)[1];
            for (int c : asked)
                if (c >= channels)
                    throw new IllegalArgumentException("channel " + c + " is out of range: " + blob + " has " + channels + " channels (0.." + (channels - 1) + ")");
        }
    }

    /** The mask is resized to the image, so it must have the image's shape (a pixel of rounding allowed). */
    private static void checkMask(PlanarImage mask, PlanarImage rgb) {
        double scaledHeight = (double) mask.height() * rgb.width() / mask.width();
        if (Math.abs(scaledHeight - rgb.height()) > Math.max(1, rgb.height() * 0.01))
            throw new IllegalArgumentException("the mask is " + mask.width() + "x" + mask.height() + " but the image is " + rgb.width() + "x" + rgb.height()
                    + ": the mask must have the image's aspect ratio (make it from the photo, e.g. paint over a copy)");
    }

    private static void add(PlanarImage x, PlanarImage y) { add(x, y, 1); }

    private static void add(PlanarImage x, PlanarImage y, float a) {
        float[] xd = x.data(), yd = y.data();
        for (int i = 0; i < xd.length; i++) xd[i] += a * yd[i];
    }
}
