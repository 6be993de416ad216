package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.engine.Backend;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.visualize.ClassScores;
import deepdream.importers.caffe.Labels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/** {@code deepdream classify IMAGE [--top K]}: the K most probable classes, best first. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify a photo with the net (whole image resized to the net's input size, 224x224).",
                "Prints K lines, best first: PROBABILITY LABEL, e.g. '0.6200 n02124075 Egyptian cat'.",
                "Without a label file the class index is printed instead of the label."})
public final class ClassifyCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A JPEG, PNG, BMP or GIF photo.")
    Path image;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "How many classes to print (default: ${DEFAULT-VALUE}).")
    int top;

    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        if (top < 1) throw new UserException("--top must be at least 1, got " + top);
        PlanarImage rgb = ImageFiles.read(image, imageLimit.maxPixels);
        NetDef def = model.loadNet();
        float[] probs = classify(def, rgb, backend);
        Labels labels = model.loadLabels(probs.length);
        PrintWriter out = spec.commandLine().getOut();
        if (labels == null)
            spec.commandLine().getErr().println("deepdream: no label file (synset_words.txt beside the weights, or --labels FILE): printing class indices");
        int[] order = IntStream.range(0, probs.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -probs[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        for (int k = 0; k < Math.min(top, order.length); k++) {
            int i = order[k];
            out.println(String.format(Locale.ROOT, "%.4f %s", probs[i], labels == null ? Integer.toString(i) : labels.get(i)));
        }
        out.flush();
    }

    /** The class probabilities of the whole image resized to the net's input size (see {@link ClassScores#probabilities}). */
    static float[] classify(NetDef def, PlanarImage rgb, BackendOptions backendOptions) {
        try (Backend b = backendOptions.create(); Net net = Net.build(def, b)) {
            return ClassScores.probabilities(net, rgb);
        }
    }
}
