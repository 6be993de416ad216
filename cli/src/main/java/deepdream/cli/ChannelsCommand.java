package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.engine.Backend;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code deepdream channels PHOTO --layer L}: the layer's channels ranked by how strongly the photo excites them. */
@Command(name = "channels", mixinStandardHelpOptions = true,
        description = {"Rank the channels of a layer by their mean activation on a photo (shrunk to " + Dreamer.GUIDE_MAX_SIDE + " px first).",
                "Each line: CHANNEL MEAN, strongest first. 'dream --channels strong:N' dreams the first N."})
public final class ChannelsCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PHOTO", description = "The photo.")
    Path photo;

    @Option(names = "--layer", paramLabel = "BLOB", description = "Blob whose channels to rank (default: the model's dream layer, " + DreamParams.DEFAULT_LAYER + " for GoogLeNet).")
    String layer;

    @Option(names = "--top", paramLabel = "N", description = "Print only the N strongest (default: all).")
    Integer top;

    @Option(names = "--weakest", description = "Weakest first instead.")
    boolean weakest;

    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;
    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        if (top != null && top < 1) throw new UserException("--top must be at least 1, got " + top);
        PlanarImage img = ImageFiles.read(photo, imageLimit.maxPixels);
        NetDef def = model.loadNet();
        String layer = this.layer != null ? this.layer : model.defaultDreamLayer(def);
        try (Backend b = backend.create(); Net net = Net.build(def, b)) {
            Dreamer dreamer = new Dreamer(net);
            double[] means;
            List<Integer> order;
            try {
                means = dreamer.channelActivity(img, layer);
                order = dreamer.rankChannels(img, layer, !weakest);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            int n = top == null ? order.size() : Math.min(top, order.size());
            for (int i = 0; i < n; i++) out.printf(Locale.ROOT, "%4d  %.4f%n", order.get(i), means[order.get(i)]);
            out.flush();
        }
    }
}
