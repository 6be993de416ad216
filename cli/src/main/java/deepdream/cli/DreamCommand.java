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
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT", description = "The photo (JPEG, PNG, BMP, GIF). Default: generated clouds.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT", description = "Where to write the dream (.png or .jpg).")
    Path output;

    @Option(names = "--layer", paramLabel = "BLOB[:WEIGHT]",
            description = {"Blob to amplify (repeatable, with optional weights: --layer inception_4c/output --layer inception_3b/output:0.5).",
                    "Default: " + DreamParams.DEFAULT_LAYER + ". See 'deepdream layers'."})
    List<String> layers = new ArrayList<>();

    @Option(names = "--iterations", paramLabel = "N", description = "Gradient steps per octave (default: ${DEFAULT-VALUE}).")
    int iterations = DreamParams.defaults().iterations();

    @Option(names = "--octaves", paramLabel = "N", description = "Octaves, smallest first (default: ${DEFAULT-VALUE}).")
    int octaves = DreamParams.defaults().octaves();

    @Option(names = "--octave-scale", paramLabel = "S", description = "Size ratio between octaves (default: ${DEFAULT-VALUE}).")
    double octaveScale = DreamParams.defaults().octaveScale();

    @Option(names = "--step", paramLabel = "S", description = "Step size, in units of the mean |gradient| (default: ${DEFAULT-VALUE}).")
    double step = DreamParams.defaults().step();

    @Option(names = "--jitter", paramLabel = "PX", description = "Random shift per step, up to PX pixels each way (default: ${DEFAULT-VALUE}).")
    int jitter = DreamParams.defaults().jitter();

    @Option(names = "--seed", paramLabel = "N", description = "Random seed; the same seed gives the same file. Default: drawn at random and printed.")
    Long seed;

    @Option(names = "--channel", paramLabel = "C", description = "Maximize the mean of one channel of the layer instead of 0.5*sum(act^2).")
    Integer channel;

    @Option(names = "--guide", paramLabel = "IMAGE", description = "Guided dream: steer towards the features of this image (the notebook's guide objective).")
    Path guide;

    @Option(names = "--tile", paramLabel = "PX",
            description = {"Compute the gradient in PX-pixel tiles (bounded memory for big images); 0 turns tiling off.",
                    "Default: automatic, " + DreamParams.DEFAULT_TILE + "-pixel tiles for octaves above " + DreamParams.AUTO_TILE_PIXELS / 1000_000.0 + " megapixels."})
    Integer tile;

    @Option(names = "--tile-margin", paramLabel = "PX", description = "Context around each tile, in pixels (default: ${DEFAULT-VALUE}).")
    int tileMargin = DreamParams.DEFAULT_TILE_MARGIN;

    @Option(names = "--max-size", paramLabel = "PX", description = "Downsize the input first so its longer side is at most PX.")
    Integer maxSize;

    @Option(names = "--size", paramLabel = "WxH", description = "Size of the generated clouds when there is no INPUT (default: ${DEFAULT-VALUE}).")
    String size = DEFAULT_CLOUDS_SIZE;

    static final String DEFAULT_CLOUDS_SIZE = "640x480";
    /** The clouds are the same for every dream, so before/after pictures match. */
    static final long CLOUDS_SEED = 0;

    @Option(names = "--frames", paramLabel = "N", description = "Zoom animation: N frames, each the dream of the previous one zoomed in (OUTPUT-0001.png, ...).")
    Integer frames;

    @Option(names = "--zoom", paramLabel = "S", description = "Zoom factor between frames (default: ${DEFAULT-VALUE}).")
    double zoom = 1.05;

    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;

    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        long t0 = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        ImageWriter.formatOf(output);   // a bad extension fails now, not after minutes of dreaming
        if (frames != null && frames < 1) throw new UserException("--frames must be at least 1, got " + frames);
        if (!(zoom > 0) || !Double.isFinite(zoom)) throw new UserException("--zoom must be a positive factor such as 1.05, got " + zoom);
        if (maxSize != null && maxSize < 1) throw new UserException("--max-size must be at least 1 pixel, got " + maxSize);
        long usedSeed = seed != null ? seed : new SecureRandom().nextInt(Integer.MAX_VALUE);
        DreamParams params = params(usedSeed);
        PlanarImage start = startImage(err);
        NetDef def = model.loadNet();
        try (Backend b = backend.create(); Net net = Net.build(def, b)) {
            if (verbose.verbose) err.println("deepdream: backend " + b.describe() + ", JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")");
            Dreamer dreamer = new Dreamer(net);
            describeTiling(err, start, params);
            if (seed == null) err.println("deepdream: seed " + usedSeed + " (pass --seed " + usedSeed + " to repeat this dream)");
            err.flush();
            int n = frames == null ? 1 : frames;
            PlanarImage image = start;
            for (int f = 1; f <= n; f++) {
                PlanarImage result;
                try (DreamProgress progress = new DreamProgress(System.err, smallestFirst(image, params), params.iterations(),
                        n > 1 ? "frame " + f + "/" + n : null, System.console() != null)) {
                    result = dreamer.dream(image, params.withSeed(usedSeed + f - 1), progress);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage(), e);
                }
                Path out = frames == null ? output : frameName(output, f);
                ImageWriter.write(out, result, metadata(params, usedSeed + f - 1, f, n));
                spec.commandLine().getOut().println("wrote " + out + " (" + result.width() + "x" + result.height() + ")");
                image = Resize.zoomCentre(result, zoom);
            }
        }
        if (verbose.verbose) err.printf(Locale.ROOT, "deepdream: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        err.flush();
    }

    private DreamParams params(long usedSeed) {
        try {
            DreamParams p = DreamParams.defaults().withIterations(iterations).withOctaves(octaves).withOctaveScale(octaveScale)
                    .withStep(step).withJitter(jitter).withSeed(usedSeed).withChannel(channel).withTileMargin(tileMargin);
            if (!layers.isEmpty()) p = p.withLayers(layers.stream().map(DreamCommand::parseLayer).toList());
            if (tile != null) p = p.withTile(tile == 0 ? -1 : tile);
            if (guide != null) p = p.withGuide(ImageFiles.read(guide, imageLimit.maxPixels));
            return p;
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    /** "blob" or "blob:weight" (blob names contain '/', never ':'). */
    static DreamParams.Layer parseLayer(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) return new DreamParams.Layer(spec, 1);
        try {
            return new DreamParams.Layer(spec.substring(0, colon), Double.parseDouble(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new UserException("--layer " + spec + ": the weight after ':' must be a number, e.g. --layer inception_4c/output:0.5");
        }
    }

    private PlanarImage startImage(PrintWriter err) {
        PlanarImage img;
        if (input == null) {
            int[] wh = parseSize(size);
            img = Clouds.generate(wh[1], wh[0], CLOUDS_SEED);
        } else {
            img = ImageFiles.read(input, imageLimit.maxPixels);
        }
        int side = Math.max(img.height(), img.width());
        if (maxSize != null && side > maxSize) {
            double s = (double) maxSize / side;
            int h = Math.max(1, (int) Math.round(img.height() * s)), w = Math.max(1, (int) Math.round(img.width() * s));
            err.println("deepdream: resized the input from " + img.width() + "x" + img.height() + " to " + w + "x" + h + " (--max-size " + maxSize + ")");
            img = Resize.bilinear(img, h, w);
        }
        return img;
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

    private static List<int[]> smallestFirst(PlanarImage img, DreamParams p) {
        List<int[]> sizes = new ArrayList<>(Dreamer.octaveSizes(img.height(), img.width(), p));
        java.util.Collections.reverse(sizes);
        return sizes;
    }

    /** Says when and how tiling is used, so a slower big dream is not a mystery. */
    private static void describeTiling(PrintWriter err, PlanarImage img, DreamParams p) {
        List<int[]> sizes = Dreamer.octaveSizes(img.height(), img.width(), p);
        long tiled = sizes.stream().filter(s -> p.tileFor(s[0], s[1]) > 0).count();
        if (tiled == 0) return;
        int t = p.tileFor(sizes.get(0)[0], sizes.get(0)[1]);
        err.println("deepdream: " + (p.tile() == 0 ? "image above " + DreamParams.AUTO_TILE_PIXELS / 1000_000.0 + " megapixels: " : "")
                + "computing the gradient in " + t + "x" + t + " tiles with " + p.tileMargin() + "-pixel margins for the largest "
                + tiled + " octave" + (tiled > 1 ? "s" : "") + (p.tile() == 0 ? " (--tile PX to change, --tile 0 for off)" : ""));
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
        m.put("deepdream.layers", String.join(" ", p.layers().stream().map(l -> l.blob() + ":" + fmt(l.weight())).toList()));
        m.put("deepdream.objective", p.guide() != null ? "guide " + guide : p.channel() != null ? "channel " + p.channel() : "L2");
        m.put("deepdream.iterations", Integer.toString(p.iterations()));
        m.put("deepdream.octaves", Integer.toString(p.octaves()));
        m.put("deepdream.octave-scale", fmt(p.octaveScale()));
        m.put("deepdream.step", fmt(p.step()));
        m.put("deepdream.jitter", Integer.toString(p.jitter()));
        m.put("deepdream.seed", Long.toString(frameSeed));
        m.put("deepdream.tile", p.tile() == 0 ? "auto" : p.tile() < 0 ? "off" : Integer.toString(p.tile()));
        m.put("deepdream.tile-margin", Integer.toString(p.tileMargin()));
        m.put("deepdream.backend", backend.name());
        if (maxSize != null) m.put("deepdream.max-size", Integer.toString(maxSize));
        if (frameCount > 1) m.put("deepdream.frame", frame + "/" + frameCount + " zoom " + fmt(zoom));
        m.put("deepdream.command", command(p));
        return m;
    }

    private String command(DreamParams p) {
        StringBuilder c = new StringBuilder("deepdream dream");
        if (input != null) c.append(' ').append(quote(input.toString()));
        c.append(" -o ").append(quote(output.toString()));
        for (DreamParams.Layer l : p.layers()) c.append(" --layer ").append(quote(l.blob() + (l.weight() == 1 ? "" : ":" + fmt(l.weight()))));
        c.append(" --iterations ").append(p.iterations()).append(" --octaves ").append(p.octaves())
                .append(" --octave-scale ").append(fmt(p.octaveScale())).append(" --step ").append(fmt(p.step()))
                .append(" --jitter ").append(p.jitter()).append(" --seed ").append(p.seed());
        if (p.channel() != null) c.append(" --channel ").append(p.channel());
        if (guide != null) c.append(" --guide ").append(quote(guide.toString()));
        if (tile != null) c.append(" --tile ").append(tile);
        if (tileMargin != DreamParams.DEFAULT_TILE_MARGIN) c.append(" --tile-margin ").append(tileMargin);
        if (maxSize != null) c.append(" --max-size ").append(maxSize);
        if (input == null) c.append(" --size ").append(size);
        if (frames != null) c.append(" --frames ").append(frames).append(" --zoom ").append(fmt(zoom));
        if (model.model != null) c.append(" --model ").append(quote(model.model.toString()));
        c.append(" --backend ").append(backend.name());
        return c.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
