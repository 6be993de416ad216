package deepdream.engine.dream;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.objective.Objective;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The gradient of Σ weight·objective(blob) with respect to the net's input: backpropagation to the
 * input, the heart of DeepDream. Either in one pass over the whole image, or tile by tile so that
 * memory stays bounded on big images.
 *
 * <p>Tiling: the image is cut into a grid of overlapping windows of one shape; each is run through
 * the net, and only the gradient of its core (at least a margin away from the window's inner edges)
 * is kept. Positionwise objectives (sums
 * over positions, like 0.5·Σa²) are then recovered exactly except for the receptive-field
 * contributions that cross the margin; the margin makes those small (measured in TilingRealWeightsTest).
 * Windows start on multiples of {@link #ALIGN} pixels, GoogLeNet's largest stride, so a tile's
 * activations fall on the same grid as the whole image's.
 */
public final class InputGradient {
    /** Tile sizes and margins are multiples of this: the deepest stride of GoogLeNet's conv stack. */
    public static final int ALIGN = 32;

    /** One weighted objective on one blob. */
    public record Term(String blob, double weight, Objective objective) {}

    private final Net net;
    private final List<Term> terms;
    private final List<String> blobs;

    public InputGradient(Net net, List<Term> terms) {
        if (terms.isEmpty()) throw new IllegalArgumentException("no objective: name at least one layer");
        for (Term t : terms) net.requireBlob(t.blob());
        this.net = net;
        this.terms = List.copyOf(terms);
        this.blobs = new ArrayList<>(new LinkedHashSet<>(terms.stream().map(Term::blob).toList()));
    }

    public List<Term> terms() { return terms; }

    /** grad = d(objective)/d(x) over the whole image; returns the objective's value. grad has x's shape. */
    public double compute(Tensor x, Tensor grad) { return compute(x, grad, null, null); }

    /**
     * Like {@link #compute(Tensor, Tensor)}, computed tile by tile: cores of at most tile×tile pixels,
     * each run with at least margin pixels of context on every inner side (both rounded up to
     * multiples of {@link #ALIGN}), in windows that all have one shape ({@link TileAxis}).
     * Returns the sum of the windows' objective values (an estimate of the whole's).
     */
    public double computeTiled(Tensor x, Tensor grad, int tile, int margin) {
        if (tile < 1 || margin < 0) throw new IllegalArgumentException("tile must be positive and margin non-negative: " + tile + ", " + margin);
        for (Term t : terms)
            if (!t.objective().isPositionwise())
                throw new IllegalArgumentException("the objective " + t.objective() + " cannot be computed tile by tile; turn tiling off");
        Shapes.requireSame("input gradient", x, grad);
        if (x.n() != 1) throw new IllegalArgumentException("tiling needs a single image, got " + Shapes.toString(x.shape()));
        tile = roundUp(tile);
        margin = roundUp(margin);
        Backend b = net.backend();
        int h = x.h(), w = x.w(), c = x.c();
        TileAxis rows = TileAxis.of(h, tile, margin, ALIGN), cols = TileAxis.of(w, tile, margin, ALIGN);
        if (rows.count() == 1 && cols.count() == 1) return compute(x, grad);
        PlanarImage whole = new PlanarImage(c, h, w, b.download(x));
        PlanarImage wholeGrad = new PlanarImage(c, h, w);
        Map<String, int[]> wholeShapes = net.blobShapes(x.shape(), blobs);
        int[] tileShape = {1, c, rows.window(), cols.window()};
        Map<String, int[]> tileShapes = net.blobShapes(tileShape, blobs);
        double value = 0;
        for (int i = 0; i < rows.count(); i++)
            for (int j = 0; j < cols.count(); j++) {
                int y0 = rows.starts()[i], x0 = cols.starts()[j];
                int coreY = rows.cores()[i], coreX = cols.cores()[j];
                PlanarImage crop = whole.crop(y0, x0, rows.window(), cols.window());
                Tensor tileX = b.upload(crop.data(), tileShape);
                Tensor tileG = b.allocate(tileShape);
                try {
                    value += compute(tileX, tileG, tileShapes, wholeShapes);
                    PlanarImage tileGrad = new PlanarImage(c, rows.window(), cols.window(), b.download(tileG));
                    PlanarImage.copyRegion(tileGrad, coreY - y0, coreX - x0, wholeGrad, coreY, coreX,
                            rows.cores()[i + 1] - coreY, cols.cores()[j + 1] - coreX);
                } finally {
                    tileX.release();
                    tileG.release();
                }
            }
        Tensor up = b.upload(wholeGrad.data(), x.shape());
        b.copy(up, grad);
        up.release();
        return value;
    }

    private double compute(Tensor x, Tensor grad, Map<String, int[]> tileShapes, Map<String, int[]> wholeShapes) {
        Shapes.requireSame("input gradient", x, grad);
        Backend b = net.backend();
        try (Tape tape = Tape.recording(b)) {
            Var input = tape.leaf(x, true);
            Map<String, Var> acts = net.forward(tape, input, blobs);
            Map<Var, Tensor> seeds = new IdentityHashMap<>();
            double value = 0;
            try {
                for (Term t : terms) {
                    Var a = acts.get(t.blob());
                    Tensor seed = b.allocate(a.shape());
                    double v = t.objective().valueAndGradient(b, a.value(), seed);
                    double scale = t.weight() * (tileShapes == null ? 1
                            : t.objective().tileScale(positions(tileShapes.get(t.blob())), positions(wholeShapes.get(t.blob()))));
                    if (scale != 1) b.scale(seed, (float) scale);
                    value += scale * v;
                    Tensor same = seeds.get(a);   // two terms on one blob: their seeds add
                    if (same == null) seeds.put(a, seed);
                    else { b.axpy(1f, seed, same); seed.release(); }
                }
                tape.backward(seeds, true);   // activations are freed as the backward passes them: peak memory ~ the forward's
            } finally {
                for (Tensor s : seeds.values()) s.release();
            }
            Tensor g = input.grad();
            if (g == null) b.fill(grad, 0f);   // the objective does not depend on the input (e.g. a zero weight)
            else b.copy(g, grad);
            return value;
        }
    }

    private static int positions(int[] shape) {
        int p = 1;
        for (int i = 2; i < shape.length; i++) p *= shape[i];
        return p;
    }

    static int roundUp(int v) { return (v + ALIGN - 1) / ALIGN * ALIGN; }
}
