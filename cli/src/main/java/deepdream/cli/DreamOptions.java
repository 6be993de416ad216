package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Resize;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The options of the dream algorithm itself (layers, octaves, step, jitter, seed, objective, tiling,
 * input size), a mixin shared by every command that dreams: {@code dream}, {@code video}, {@code batch}.
 * A new dream control is added here once: its option, its {@link #params} line, its {@link #record}
 * and {@link #appendTo} lines. Once the model is loaded, {@link #forModel} adds the model's octave floor.
 */
public final class DreamOptions {
    @Option(names = "--layer", paramLabel = "BLOB[:WEIGHT]",
            description = {"Blob to amplify (repeatable, with optional weights: --layer inception_4c/output --layer inception_3b/output:0.5).",
                    "Default: " + DreamParams.DEFAULT_LAYER + ". See 'deepdream layers'."})
    public List<String> layers = new ArrayList<>();

    @Option(names = "--iterations", paramLabel = "N", description = "Gradient steps per octave (default: ${DEFAULT-VALUE}).")
    public int iterations = DreamParams.defaults().iterations();

    @Option(names = "--octaves", paramLabel = "N", description = "Octaves, smallest first (default: ${DEFAULT-VALUE}).")
    public int octaves = DreamParams.defaults().octaves();

    @Option(names = "--octave-scale", paramLabel = "S", description = "Size ratio between octaves (default: ${DEFAULT-VALUE}).")
    public double octaveScale = DreamParams.defaults().octaveScale();

    @Option(names = "--step", paramLabel = "S", description = "Step size, in units of the mean |gradient| (default: ${DEFAULT-VALUE}).")
    public double step = DreamParams.defaults().step();

    @Option(names = "--jitter", paramLabel = "PX", description = "Random shift per step, up to PX pixels each way (default: ${DEFAULT-VALUE}).")
    public int jitter = DreamParams.defaults().jitter();

    @Option(names = "--seed", paramLabel = "N", description = "Random seed; the same seed gives the same file. Default: drawn at random and printed.")
    public Long seed;

    @Option(names = "--channel", paramLabel = "C", description = "Maximize the mean of one channel of the layer instead of 0.5*sum(act^2).")
    public Integer channel;

    @Option(names = "--channels", paramLabel = "strong:N|weak:N|C,C,...",
            description = {"Maximize the means of several channels: the N the photo already excites most (strong:N) or least (weak:N)",
                    "at the (first) layer, or a list. 'deepdream channels PHOTO --layer L' ranks them."})
    public String channels;

    @Option(names = "--guide", paramLabel = "IMAGE", description = "Guided dream: steer towards the features of this image (the notebook's guide objective).")
    public Path guide;

    @Option(names = "--tile", paramLabel = "PX",
            description = {"Compute the gradient in PX-pixel tiles (bounded memory for big images); 0 turns tiling off.",
                    "Default: automatic, " + DreamParams.DEFAULT_TILE + "-pixel tiles for octaves above " + DreamParams.AUTO_TILE_PIXELS / 1000_000.0 + " megapixels."})
    public Integer tile;

    @Option(names = "--tile-margin", paramLabel = "PX", description = "Context around each tile, in pixels (default: ${DEFAULT-VALUE}).")
    public int tileMargin = DreamParams.DEFAULT_TILE_MARGIN;

    @Option(names = "--max-size", paramLabel = "PX", description = "Downsize the input first so its longer side is at most PX.")
    public Integer maxSize;

    @Option(names = "--lap-norm", paramLabel = "N",
            description = "Laplacian pyramid normalization of the gradient with N levels (the TensorFlow tutorial's lap_normalize; it uses 4 and --step 1): smoother, larger patterns.")
    public Integer lapNorm;

    @Option(names = "--normalize", paramLabel = "mean|std",
            description = "Gradient scale when --lap-norm is off: mean (mean |g|, the 2015 notebook; default) or std (root mean square, TensorFlow's normalize_std).")
    public String normalize;

    @Option(names = "--mask", paramLabel = "IMAGE",
            description = "Dream only where this image is light: grey levels weight the change per pixel (white dreams, black stays the photo). Same aspect ratio as the input.")
    public Path mask;

    @Option(names = "--original-colors", description = "Keep the input's colours (chroma, YCbCr) and take only the brightness from the dream.")
    public boolean originalColors;

    @Option(names = "--octave-sizes", paramLabel = "PX,PX,...", split = ",",
            description = "Explicit octaves as longer sides in pixels, smallest first, replacing --octaves/--octave-scale; sizes above the input's dream upscaled (more, finer detail) and the result is scaled back.")
    public List<Integer> octaveSizes;

    @Option(names = "--wrap", paramLabel = "x|xy",
            description = {"Seamless edges: x for a 360-degree equirectangular panorama (left meets right; the file gets the GPano tags photo viewers open as 360),",
                    "xy for a tileable texture. The net sees the wrapped content beyond each edge; octave resizes wrap too."})
    public String wrap;

    @Option(names = "--force", description = "Keep octaves smaller than the model's input size (by default they are dropped, with a note).")
    public boolean force;

    /** Checks that need no files; call first so a bad value fails before any work. */
    public void validate() {
        if (maxSize != null && maxSize < 1) throw new UserException("--max-size must be at least 1 pixel, got " + maxSize);
        if (lapNorm != null && (lapNorm < 1 || lapNorm > 12)) throw new UserException("--lap-norm must be 1 to 12 levels (the tutorial uses 4), got " + lapNorm);
        if (normalize != null) normalizeMode();
        if (wrap != null) wrapMode();
    }

    /** The seed given, or one drawn at random (the caller prints it so the dream can be repeated). */
    public long seedOrRandom() {
        return seed != null ? seed : new SecureRandom().nextInt(Integer.MAX_VALUE);
    }

    /** The algorithm's parameters; the guide image is read under {@code maxPixels}. */
    public DreamParams params(long usedSeed, long maxPixels) {
        try {
            DreamParams p = DreamParams.defaults().withIterations(iterations).withOctaves(octaves).withOctaveScale(octaveScale)
                    .withStep(step).withJitter(jitter).withSeed(usedSeed).withChannel(channel).withTileMargin(tileMargin);
            if (!layers.isEmpty()) p = p.withLayers(layers.stream().map(DreamOptions::parseLayer).toList());
            if (tile != null) p = p.withTile(tile == 0 ? -1 : tile);
            if (guide != null) p = p.withGuide(ImageFiles.read(guide, maxPixels));
            if (lapNorm != null) p = p.withLapLevels(lapNorm);
            if (normalize != null) p = p.withNormalize(normalizeMode());
            if (mask != null) p = p.withMask(maskWeights(ImageFiles.read(mask, maxPixels)));
            if (octaveSizes != null) p = p.withOctaveSides(octaveSizes);
            if (wrap != null) p = p.withWrap(wrapMode());
            if (channels != null) p = withChannels(p, channels);
            return p.withOriginalColors(originalColors);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    private DreamParams.Normalize normalizeMode() {
        return switch (normalize.toLowerCase(java.util.Locale.ROOT)) {
            case "mean" -> DreamParams.Normalize.MEAN;
            case "std" -> DreamParams.Normalize.STD;
            default -> throw new UserException("--normalize " + normalize + ": expected mean or std");
        };
    }

    /** strong:N, weak:N or a comma-separated list of channel indices. */
    static DreamParams withChannels(DreamParams p, String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.startsWith("strong:")) return p.withChannelPick(new DreamParams.ChannelPick(true, Integer.parseInt(s.substring(7))));
            if (s.startsWith("weak:")) return p.withChannelPick(new DreamParams.ChannelPick(false, Integer.parseInt(s.substring(5))));
            List<Integer> list = new ArrayList<>();
            for (String part : s.split(",")) list.add(Integer.parseInt(part.trim()));
            return p.withChannels(list);
        } catch (NumberFormatException e) {
            throw new UserException("--channels " + spec + ": expected strong:N, weak:N or a list such as 12,40,97");
        }
    }

    private DreamParams.Wrap wrapMode() {
        return switch (wrap.toLowerCase(java.util.Locale.ROOT)) {
            case "x" -> DreamParams.Wrap.X;
            case "xy" -> DreamParams.Wrap.XY;
            case "none", "off" -> DreamParams.Wrap.NONE;
            default -> throw new UserException("--wrap " + wrap + ": expected x (360-degree panorama) or xy (tileable texture)");
        };
    }

    /** The XMP packet an output of this dream carries: the GPano panorama tags for --wrap x, else none. */
    public static String xmpFor(DreamParams p, int width, int height) {
        return p.wrap() == DreamParams.Wrap.X ? deepdream.cli.io.PanoramaXmp.equirectangular(width, height) : null;
    }

    /** A mask picture as weights 0..1: its luminance, 0 for black, 1 for white. */
    static PlanarImage maskWeights(PlanarImage rgb) {
        int plane = rgb.height() * rgb.width();
        float[] d = rgb.data(), w = new float[plane];
        for (int i = 0; i < plane; i++) w[i] = (float) ((0.299 * d[i] + 0.587 * d[plane + i] + 0.114 * d[2 * plane + i]) / 255);
        return new PlanarImage(1, rgb.height(), rgb.width(), w);
    }

    /**
     * The model's part of the parameters, once it is loaded: octaves whose shorter side is below the
     * input size the model declares (GoogLeNet: 224) are dropped unless --force.
     */
    public DreamParams forModel(DreamParams p, deepdream.engine.model.NetDef def) {
        return forModel(p, def, def.layers().stream().anyMatch(l -> l.top().equals(DreamParams.DEFAULT_LAYER)) ? DreamParams.DEFAULT_LAYER : null, null);
    }

    /**
     * As {@link #forModel(DreamParams, deepdream.engine.model.NetDef)}, and: without --layer the dream
     * amplifies {@code defaultLayer} (the model's own, said on {@code err}); a --layer that is one of
     * the model's blob names is taken whole, ':' included (TF-exported names such as "concat:0").
     */
    public DreamParams forModel(DreamParams p, deepdream.engine.model.NetDef def, String defaultLayer, PrintWriter err) {
        java.util.Set<String> blobs = new java.util.HashSet<>();
        for (var l : def.layers()) blobs.add(l.top());
        if (!layers.isEmpty()) {
            p = p.withLayers(layers.stream().map(spec -> blobs.contains(spec) ? new DreamParams.Layer(spec, 1) : parseLayer(spec)).toList());
            for (String spec : layers)     // "x:heavy" is neither a blob nor a blob with a weight
                if (!blobs.contains(spec) && spec.indexOf(':') > 0 && parseLayer(spec).blob().equals(spec))
                    throw new UserException("--layer " + spec + ": the model has no blob of that name, and the weight after ':' must be a number,"
                            + " e.g. --layer inception_4c/output:0.5 ('deepdream layers' lists the blobs)");
        } else if (defaultLayer != null && !defaultLayer.equals(DreamParams.DEFAULT_LAYER)) {
            p = p.withLayers(List.of(new DreamParams.Layer(defaultLayer, 1)));
            if (err != null) err.println("deepdream: dreaming on " + defaultLayer + ", this model's default layer (--layer chooses another; 'deepdream layers' lists them)");
        }
        if (force || def.inputShape() == null || def.inputShape().length < 4) return p;
        return p.withMinOctaveSide(Math.min(def.inputShape()[2], def.inputShape()[3]));
    }

    /** Says when octaves are dropped for being smaller than the model needs. */
    public static void describeOctaves(PrintWriter err, PlanarImage img, DreamParams p) {
        Dreamer.OctavePlan plan = Dreamer.octavePlan(img.height(), img.width(), p);
        if (plan.dropped() == 0) return;
        int total = plan.sizes().size() + plan.dropped();
        err.println("deepdream: dreaming " + plan.sizes().size() + " of " + total + " octaves: the smallest " + plan.dropped()
                + " would be under the " + p.minOctaveSide() + " px the model was made for (--force keeps them, --max-size or --octave-scale changes them)");
    }

    /**
     * "blob" or "blob:weight". Names may hold ':' themselves (TF-exported ONNX); once the model is
     * known, {@link #forModel} takes a spec that is a blob name whole, and an unknown blob is the net's error.
     */
    public static DreamParams.Layer parseLayer(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) return new DreamParams.Layer(spec, 1);
        try {
            return new DreamParams.Layer(spec.substring(0, colon), Double.parseDouble(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return new DreamParams.Layer(spec, 1);
        }
    }

    /** Applies --max-size (saying so on {@code err}); the image itself when it is small enough. */
    public PlanarImage fitToMaxSize(PlanarImage img, PrintWriter err) {
        int side = Math.max(img.height(), img.width());
        if (maxSize == null || side <= maxSize) return img;
        double s = (double) maxSize / side;
        int h = Math.max(1, (int) Math.round(img.height() * s)), w = Math.max(1, (int) Math.round(img.width() * s));
        if (err != null) err.println("deepdream: resized the input from " + img.width() + "x" + img.height() + " to " + w + "x" + h + " (--max-size " + maxSize + ")");
        return Resize.bilinear(img, h, w);
    }

    /** Records the parameters of {@code p} (seed {@code usedSeed}) as PNG text entries. */
    public void record(DreamParams p, long usedSeed, Map<String, String> m) {
        m.put("deepdream.layers", String.join(" ", p.layers().stream().map(l -> l.blob() + ":" + fmt(l.weight())).toList()));
        m.put("deepdream.objective", p.guide() != null ? "guide " + guide : !p.channels().isEmpty() ? "channels " + join(p.channels())
                : p.channel() != null ? "channel " + p.channel() : "L2");
        m.put("deepdream.iterations", Integer.toString(p.iterations()));
        m.put("deepdream.octaves", Integer.toString(p.octaves()));
        m.put("deepdream.octave-scale", fmt(p.octaveScale()));
        m.put("deepdream.step", fmt(p.step()));
        m.put("deepdream.jitter", Integer.toString(p.jitter()));
        m.put("deepdream.seed", Long.toString(usedSeed));
        m.put("deepdream.tile", p.tile() == 0 ? "auto" : p.tile() < 0 ? "off" : Integer.toString(p.tile()));
        m.put("deepdream.tile-margin", Integer.toString(p.tileMargin()));
        if (maxSize != null) m.put("deepdream.max-size", Integer.toString(maxSize));
        m.put("deepdream.normalize", p.lapLevels() > 0 ? "laplacian " + p.lapLevels() : p.normalize().name().toLowerCase(java.util.Locale.ROOT));
        if (mask != null) m.put("deepdream.mask", mask.toString());
        if (p.originalColors()) m.put("deepdream.original-colors", "true");
        if (!p.octaveSides().isEmpty()) m.put("deepdream.octave-sizes", join(p.octaveSides()));
        if (force) m.put("deepdream.force", "true");
        if (p.wrap() != DreamParams.Wrap.NONE) m.put("deepdream.wrap", p.wrap().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static String join(List<Integer> v) { return String.join(",", v.stream().map(String::valueOf).toList()); }

    /** Appends the options that repeat {@code p} to a command line. */
    public void appendTo(StringBuilder c, DreamParams p) {
        for (DreamParams.Layer l : p.layers()) c.append(" --layer ").append(quote(l.blob() + (l.weight() == 1 ? "" : ":" + fmt(l.weight()))));
        c.append(" --iterations ").append(p.iterations()).append(" --octaves ").append(p.octaves())
                .append(" --octave-scale ").append(fmt(p.octaveScale())).append(" --step ").append(fmt(p.step()))
                .append(" --jitter ").append(p.jitter()).append(" --seed ").append(p.seed());
        if (p.channel() != null) c.append(" --channel ").append(p.channel());
        if (!p.channels().isEmpty()) c.append(" --channels ").append(join(p.channels()));
        if (guide != null) c.append(" --guide ").append(quote(guide.toString()));
        if (tile != null) c.append(" --tile ").append(tile);
        if (tileMargin != DreamParams.DEFAULT_TILE_MARGIN) c.append(" --tile-margin ").append(tileMargin);
        if (maxSize != null) c.append(" --max-size ").append(maxSize);
        if (p.lapLevels() > 0) c.append(" --lap-norm ").append(p.lapLevels());
        if (p.normalize() != DreamParams.Normalize.MEAN) c.append(" --normalize ").append(p.normalize().name().toLowerCase(java.util.Locale.ROOT));
        if (mask != null) c.append(" --mask ").append(quote(mask.toString()));
        if (p.originalColors()) c.append(" --original-colors");
        if (!p.octaveSides().isEmpty()) c.append(" --octave-sizes ").append(join(p.octaveSides()));
        if (force) c.append(" --force");
        if (p.wrap() != DreamParams.Wrap.NONE) c.append(" --wrap ").append(p.wrap().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The octave sizes of a dream of {@code img}, smallest first (the order progress is shown in). */
    public static List<int[]> smallestFirst(PlanarImage img, DreamParams p) {
        List<int[]> sizes = new ArrayList<>(Dreamer.octaveSizes(img.height(), img.width(), p));
        java.util.Collections.reverse(sizes);
        return sizes;
    }

    /** Says when and how tiling is used, so a slower big dream is not a mystery. */
    public static void describeTiling(PrintWriter err, PlanarImage img, DreamParams p) {
        List<int[]> sizes = Dreamer.octaveSizes(img.height(), img.width(), p);
        long tiled = sizes.stream().filter(s -> p.tileFor(s[0], s[1]) > 0).count();
        if (tiled == 0) return;
        int t = p.tileFor(sizes.get(0)[0], sizes.get(0)[1]);
        err.println("deepdream: " + (p.tile() == 0 ? "image above " + DreamParams.AUTO_TILE_PIXELS / 1000_000.0 + " megapixels: " : "")
                + "computing the gradient in " + t + "x" + t + " tiles with " + p.tileMargin() + "-pixel margins for the largest "
                + tiled + " octave" + (tiled > 1 ? "s" : "") + (p.tile() == 0 ? " (--tile PX to change, --tile 0 for off)" : ""));
    }

    public static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Quotes a command-line word for a POSIX shell when it needs it. */
    public static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
