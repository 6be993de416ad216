package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.engine.Backend;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.image.Clouds;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Resize;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
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

/** {@code deepdream dream [INPUT] -o OUTPUT [...]}: the classic DeepDream of a photo (or of generated clouds). */
@Command(name = "dream", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Dream on a photo with the classic 2015 DeepDream algorithm (octaves, jitter, normalized gradient ascent).",
                "Without INPUT, dreams on generated clouds. The output format follows the extension (.png or .jpg);",
                "PNG files record every parameter and the seed, so a dream can be repeated from the file alone."})
public final class DreamCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT", description = "The photo (JPEG incl. CMYK, PNG, TIFF, WebP, BMP, GIF; EXIF orientation honoured). Default: generated clouds.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT", description = "Where to write the dream (.png or .jpg).")
    Path output;

    @Mixin DreamOptions dream;

    @Option(names = "--size", paramLabel = "WxH", description = "Size of the generated clouds when there is no INPUT (default: ${DEFAULT-VALUE}).")
    String size = DEFAULT_CLOUDS_SIZE;

    static final String DEFAULT_CLOUDS_SIZE = "640x480";
    /** The clouds are the same for every dream, so before/after pictures match. */
    static final long CLOUDS_SEED = 0;

    @Option(names = "--frames", paramLabel = "N", description = "Zoom animation: N frames, each the dream of the previous one zoomed in (OUTPUT-0001.png, ...).")
    Integer frames;

    @Option(names = "--zoom", paramLabel = "S", description = "Zoom factor between frames (default: ${DEFAULT-VALUE}).")
    double zoom = 1.05;

    @Option(names = "--bit-depth", paramLabel = "8|16", description = "Bits per channel of a PNG output (default: ${DEFAULT-VALUE}); 16 keeps the dream's smooth gradients.")
    int bitDepth = 8;

    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;

    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        long t0 = System.nanoTime();
        JitWarmup warmup = JitWarmup.startFor(backend.name());   // on the idle core while the photo and weights load
        try {
            dream(t0, warmup);
        } finally {
            // Also when the input or the weights are bad: in a long-lived JVM (tests, a library caller)
            // the warm-up would otherwise keep a core busy.
            if (warmup != null) warmup.close();
        }
    }

    private void dream(long t0, JitWarmup warmup) {
        PrintWriter err = spec.commandLine().getErr();
        ImageWriter.formatOf(output);   // a bad extension fails now, not after minutes of dreaming
        ImageWriter.checkBitDepth(output, bitDepth);
        if (frames != null && frames < 1) throw new UserException("--frames must be at least 1, got " + frames);
        if (!(zoom > 0) || !Double.isFinite(zoom)) throw new UserException("--zoom must be a positive factor such as 1.05, got " + zoom);
        dream.validate();
        long usedSeed = dream.seedOrRandom();
        DreamParams params = dream.params(usedSeed, imageLimit.maxPixels);
        PlanarImage start = startImage(err);
        NetDef def = model.loadNet();
        params = dream.forModel(params, def, model.defaultDreamLayer(def), err);
        try (Backend b = backend.create(); Net net = Net.build(def, b)) {
            if (warmup != null) {
                long w0 = System.nanoTime();
                warmup.close();
                if (verbose.verbose) err.printf(Locale.ROOT, "deepdream: weights ready at %.2f s; JIT warm-up: %d steps, %.2f s to stop%n",
                        (w0 - t0) / 1e9, warmup.steps(), (System.nanoTime() - w0) / 1e9);
            }
            if (verbose.verbose) err.println("deepdream: backend " + b.describe() + ", JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")");
            Dreamer dreamer = new Dreamer(net);
            if (params.channelPick() != null) {
                DreamParams.ChannelPick pick = params.channelPick();
                try {
                    params = dreamer.resolveChannels(start, params);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage(), e);
                }
                err.println("deepdream: channels " + String.join(",", params.channels().stream().map(String::valueOf).toList()) + " of " + params.layers().get(0).blob()
                        + " (the " + pick.count() + (pick.strong() ? " strongest" : " weakest") + " on the photo)");
            }
            DreamOptions.describeOctaves(err, start, params);
            DreamOptions.describeTiling(err, start, params);
            if (dream.seed == null) err.println("deepdream: seed " + usedSeed + " (pass --seed " + usedSeed + " to repeat this dream)");
            err.flush();
            int n = frames == null ? 1 : frames;
            PlanarImage image = start;
            for (int f = 1; f <= n; f++) {
                PlanarImage result;
                try (DreamProgress progress = new DreamProgress(System.err, DreamOptions.smallestFirst(image, params), params.iterations(),
                        n > 1 ? "frame " + f + "/" + n : null, System.console() != null)) {
                    result = dreamer.dream(image, params.withSeed(usedSeed + f - 1), progress);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage(), e);
                }
                Path out = frames == null ? output : frameName(output, f);
                ImageWriter.write(out, result, metadata(params, usedSeed + f - 1, f, n), bitDepth, DreamOptions.xmpFor(params, result.width(), result.height()));
                spec.commandLine().getOut().println("wrote " + out + " (" + result.width() + "x" + result.height() + ")");
                image = Resize.zoomCentre(result, zoom);
            }
        }
        if (verbose.verbose) err.printf(Locale.ROOT, "deepdream: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        err.flush();
    }

    private PlanarImage startImage(PrintWriter err) {
        PlanarImage img;
        if (input == null) {
            int[] wh = parseSize(size);
            img = Clouds.generate(wh[1], wh[0], CLOUDS_SEED);
        } else {
            img = ImageFiles.read(input, imageLimit.maxPixels);
        }
        return dream.fitToMaxSize(img, err);
    }

    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
                if (w > 0 && h > 0) return new int[] {w, h};
            }
        } catch (NumberFormatException ignored) { /* reported below */ }
        throw new UserException("--size " + s + ": expected WIDTHxHEIGHT, e.g. 640x480");
    }

    static Path frameName(Path output, int frame) {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name, ext = dot > 0 ? name.substring(dot) : "";
        return output.resolveSibling(String.format(Locale.ROOT, "%s-%04d%s", stem, frame, ext));
    }

    /** Everything needed to repeat this dream: the parameters, the seed, and a command line. */
    private Map<String, String> metadata(DreamParams p, long frameSeed, int frame, int frameCount) {
        Map<String, String> m = new LinkedHashMap<>();
        String version = Main.class.getPackage().getImplementationVersion();
        m.put("Software", "deepdream " + (version == null ? "dev" : version));
        m.put("deepdream.input", input == null ? "generated clouds " + size : input.toString());
        m.put("deepdream.model", model.model == null ? "bvlc_googlenet (bundled)" : model.model.toString());
        dream.record(p, frameSeed, m);
        m.put("deepdream.backend", backend.name());
        if (frameCount > 1) m.put("deepdream.frame", frame + "/" + frameCount + " zoom " + fmt(zoom));
        m.put("deepdream.command", command(p));
        return m;
    }

    private String command(DreamParams p) {
        StringBuilder c = new StringBuilder("deepdream dream");
        if (input != null) c.append(' ').append(quote(input.toString()));
        c.append(" -o ").append(quote(output.toString()));
        dream.appendTo(c, p);
        if (input == null) c.append(" --size ").append(size);
        if (frames != null) c.append(" --frames ").append(frames).append(" --zoom ").append(fmt(zoom));
        if (bitDepth != 8) c.append(" --bit-depth ").append(bitDepth);
        if (model.model != null) c.append(" --model ").append(quote(model.model.toString()));
        c.append(" --backend ").append(backend.name());
        return c.toString();
    }

    private static String fmt(double v) { return DreamOptions.fmt(v); }

    private static String quote(String s) { return DreamOptions.quote(s); }
}
