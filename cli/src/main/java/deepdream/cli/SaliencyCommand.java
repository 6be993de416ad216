package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.io.Npy;
import deepdream.engine.Backend;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Resize;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.visualize.ClassScores;
import deepdream.engine.visualize.Saliency;
import deepdream.importers.caffe.Labels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code deepdream saliency IMAGE -o MAP.png}: which pixels drive a class score (Simonyan et al. 2013). */
@Command(name = "saliency", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Class saliency map: |d score / d input| of the pre-softmax class score, max over the colour channels,",
                "divided by its maximum. The photo is resized to the net's input size (224x224) as 'classify' does;",
                "the map is written at the photo's size: grey (white = most salient) or, with --overlay, as a heat map on the photo."})
public final class SaliencyCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A JPEG, PNG, BMP or GIF photo.")
    Path image;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MAP", description = "Where to write the map (.png or .jpg).")
    Path output;

    @Option(names = "--class", paramLabel = "K|NAME", description = "The class: an index or part of its label (default: the most probable class).")
    String classSpec;

    @Option(names = "--overlay", description = "Draw the map as a heat map over the photo instead of grey on black.")
    boolean overlay;

    @Option(names = "--npy", paramLabel = "FILE", description = "Also write the raw map at the net's input size (float32 HxW, 0..1) as .npy.")
    Path npy;

    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;

    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        long t0 = System.nanoTime();
        ImageWriter.formatOf(output);
        PlanarImage rgb = ImageFiles.read(image, imageLimit.maxPixels);
        NetDef def = model.loadNet();
        PrintWriter out = spec.commandLine().getOut();
        try (Backend b = backend.create(); Net net = Net.build(def, b)) {
            String blob = ClassScores.scoreBlob(def);
            int classes;
            try {
                classes = net.blobShapes(def.inputShape(), java.util.List.of(blob)).get(blob)[1];
            } catch (IllegalArgumentException e) {
                throw new UserException("the net cannot compute its class scores (" + blob + "): " + e.getMessage(), e);
            }
            Labels labels = model.loadLabels(classes);
            Integer k = classSpec == null ? null : ClassChoice.resolve(classSpec, labels, classes);
            Saliency.Result r;
            try {
                r = Saliency.compute(net, rgb, k);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage(), e);
            }
            PlanarImage map = Resize.bilinear(new PlanarImage(1, r.height(), r.width(), r.map()), rgb.height(), rgb.width());
            PlanarImage picture = overlay ? heatOverlay(rgb, map) : grey(map);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("Software", "deepdream");
            meta.put("deepdream.saliency", blob + " class " + r.classIndex() + (labels != null ? " " + labels.get(r.classIndex()) : ""));
            meta.put("deepdream.input", image.toString());
            if (npy != null) Npy.write(npy, new int[] {r.height(), r.width()}, r.map());
            ImageWriter.write(output, picture, meta);
            out.println(String.format(Locale.ROOT, "%s: score %.3f, probability %.4f%s", ClassChoice.describe(r.classIndex(), labels), r.score(),
                    r.probability(), k == null ? " (the most probable class)" : ""));
            out.println("wrote " + output + " (" + rgb.width() + "x" + rgb.height() + (overlay ? ", heat map over the photo" : ", saliency map")
                    + ")" + (npy != null ? " and " + npy + " (" + r.width() + "x" + r.height() + ")" : ""));
        }
        if (verbose.verbose) spec.commandLine().getErr().printf(Locale.ROOT, "deepdream: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        out.flush();
    }

    /** White = salient, black = not. */
    static PlanarImage grey(PlanarImage map) {
        int plane = map.height() * map.width();
        float[] d = new float[3 * plane];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) d[c * plane + i] = 255f * clamp01(map.data()[i]);
        return new PlanarImage(3, map.height(), map.width(), d);
    }

    /** The photo in dimmed grey, with the map's heat colours blended over it in proportion to the saliency. */
    static PlanarImage heatOverlay(PlanarImage rgb, PlanarImage map) {
        int plane = rgb.height() * rgb.width();
        float[] p = rgb.data(), m = map.data(), d = new float[3 * plane];
        float[] colour = new float[3];
        for (int i = 0; i < plane; i++) {
            float grey = 0.299f * p[i] + 0.587f * p[plane + i] + 0.114f * p[2 * plane + i];
            float s = clamp01(m[i]), a = (float) Math.min(1, Math.sqrt(s) * 1.2);   // sqrt: weak but real saliency still shows
            heat(s, colour);
            for (int c = 0; c < 3; c++) d[c * plane + i] = (1 - a) * (0.35f * grey + 0.35f * p[c * plane + i]) + a * colour[c];
        }
        return new PlanarImage(3, rgb.height(), rgb.width(), d);
    }

    /** A black-body style colour scale, 0 = dark red ... 1 = pale yellow (RGB 0..255). */
    static void heat(float s, float[] rgb) {
        float[][] stops = {{90, 0, 20}, {200, 20, 20}, {255, 120, 0}, {255, 210, 40}, {255, 255, 200}};
        float t = clamp01(s) * (stops.length - 1);
        int i = Math.min((int) t, stops.length - 2);
        float f = t - i;
        for (int c = 0; c < 3; c++) rgb[c] = stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f;
    }

    private static float clamp01(float v) { return v < 0 ? 0 : Math.min(v, 1); }
}
