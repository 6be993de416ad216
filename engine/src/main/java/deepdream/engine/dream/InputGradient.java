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
 * <p>Tiling: the image is cut into a grid of tiles; each tile is run through the net with a margin
 * of surrounding pixels, and only the gradient of its centre is kept. Positionwise objectives (sums
 * over positions, like 0.5·Σa²) are then recovered exactly except for the receptive-field
 * contributions that cross the margin; the margin makes those small (measured in TilingRealWeightsTest).
 * Tile corners sit on multiples of {@link #ALIGN} pixels, GoogLeNet's largest stride, so a tile's
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
     * Like {@link #compute(Tensor, Tensor)}, computed tile by tile: tiles of tile×tile pixels, each
     * run with margin extra pixels on every side (both rounded up to multiples of {@link #ALIGN}).
     * Returns the sum of the tiles' objective values (an estimate of the whole's).
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
        if (tile >= h && tile >= w) return compute(x, grad);
        PlanarImage whole = new PlanarImage(c, h, w, b.download(x));
        PlanarImage wholeGrad = new PlanarImage(c, h, w);
        Map<String, int[]> wholeShapes = net.blobShapes(x.shape(), blobs);
        double value = 0;
        for (int ty = 0; ty < h; ty += tile)
            for (int tx = 0; tx < w; tx += tile) {
                int th = Math.min(tile, h - ty), tw = Math.min(tile, w - tx);
                int y0 = Math.max(0, ty - margin), x0 = Math.max(0, tx - margin);
                int y1 = Math.min(h, ty + th + margin), x1 = Math.min(w, tx + tw + margin);
                PlanarImage crop = whole.crop(y0, x0, y1 - y0, x1 - x0);
                Tensor cx = b.upload(crop.data(), crop.nchw());
                Tensor cg = b.allocate(crop.nchw());
                try {
                    Map<String, int[]> tileShapes = net.blobShapes(crop.nchw(), blobs);
                    value += compute(cx, cg, tileShapes, wholeShapes);
                    PlanarImage tileGrad = new PlanarImage(c, crop.height(), crop.width(), b.download(cg));
                    PlanarImage.copyRegion(tileGrad, ty - y0, tx - x0, wholeGrad, ty, tx, th, tw);
                } finally {
                    cx.release();
                    cg.release();
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
