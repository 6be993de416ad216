package deepdream.cli.dream;

import deepdream.cli.io.ImageFiles;
import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.dream.TileAxis;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.image.Resize;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.objective.Objective;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.caffe.RealWeights;
import deepdream.kernels.Backends;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How far the tiled gradient of the real net at inception_4c/output is from the whole-image one,
 * for the default margin. Measured on eagle.jpg at 640×424 with 256-pixel tiles (cpu backend);
 * "pixels" is the net's work: Σ window areas / image area (windows of one shape, TileAxis).
 * <pre>
 * margin   0: relative L2 error 0.380  pixels 1.15×
 * margin  32: relative L2 error 0.173  pixels 1.49×
 * margin  64: relative L2 error 0.033  pixels 2.09×
 * margin  96: relative L2 error 0.015  pixels 2.55×
 * margin 128: relative L2 error 0.004  pixels 3.06×
 * </pre>
 * inception_4c's receptive field is hundreds of pixels wide, but its far tails are faint: 96 pixels
 * (the default) leave 2% of the gradient, spread along tile borders that the random roll moves
 * every step, so no seam builds up. With the default 768-pixel tiles the margin costs less (1.53×
 * the pixels of a 4000×3000 octave in windows of one shape, TileAxis).
 * Run with -Dtiling.margins=0,32,64,96,128 to print the table again.
 */
class TilingRealWeightsTest {
    static double relError(float[] a, float[] b) {
        double d = 0, n = 0;
        for (int i = 0; i < a.length; i++) { d += Math.pow(a[i] - b[i], 2); n += (double) b[i] * b[i]; }
        return Math.sqrt(d / n);
    }

    /** Σ over windows of their area, over the image area. */
    static double pixels(int h, int w, int tile, int margin) {
        TileAxis rows = TileAxis.of(h, tile, margin, InputGradient.ALIGN), cols = TileAxis.of(w, tile, margin, InputGradient.ALIGN);
        return (double) rows.count() * rows.window() * cols.count() * cols.window() / ((long) h * w);
    }

    @Test
    void defaultMarginKeepsTheTiledGradientCloseToTheWholeOne() {
        Path weights = RealWeights.weightsOrSkip();
        NetDef def = CaffeImporter.loadDefault(weights);
        PlanarImage photo = ImageFiles.read(RealWeights.sharedFileOrSkip("images/eagle.jpg"), Long.MAX_VALUE);
        PlanarImage img = Preprocess.toNet(Resize.bilinear(photo, 424, 640), def.meanBgr());
        String margins = System.getProperty("tiling.margins", "0," + DreamParams.DEFAULT_TILE_MARGIN);
        try (Backend b = Backends.create("cpu"); Net net = Net.build(def, b)) {
            InputGradient grad = new InputGradient(net, List.of(new InputGradient.Term(DreamParams.DEFAULT_LAYER, 1, Objective.l2())));
            Tensor x = b.upload(img.data(), img.nchw()), whole = b.allocate(x.shape()), tiled = b.allocate(x.shape());
            grad.compute(x, whole);   // warm-up
            long t0 = System.nanoTime();
            grad.compute(x, whole);
            double wholeNanos = System.nanoTime() - t0;
            float[] w = whole.toHost();
            double errorAtDefault = Double.NaN, errorWithout = Double.NaN;
            for (String m : margins.split(",")) {
                int margin = Integer.parseInt(m.trim());
                long t1 = System.nanoTime();
                grad.computeTiled(x, tiled, 256, margin);
                double time = (System.nanoTime() - t1) / wholeNanos;
                double e = relError(tiled.toHost(), w);
                System.out.printf(Locale.ROOT, "tiling: margin %3d: relative L2 error %.4f  pixels %.2fx  time %.2fx%n",
                        margin, e, pixels(img.height(), img.width(), 256, margin), time);
                if (margin == DreamParams.DEFAULT_TILE_MARGIN) errorAtDefault = e;
                if (margin == 0) errorWithout = e;
            }
            assertTrue(errorAtDefault < 0.035, "tiled gradient with the default margin: relative error " + errorAtDefault);
            assertTrue(errorWithout > 4 * errorAtDefault, "the margin must matter: without it " + errorWithout + ", with it " + errorAtDefault);
        }
    }
}
