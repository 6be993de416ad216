package deepdream.cli;

import deepdream.cli.io.ContactSheet;
import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.io.Npy;
import deepdream.engine.Backend;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.InputGradient;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.objective.Objective;
import deepdream.engine.visualize.ClassScores;
import deepdream.engine.visualize.VisualizeParams;
import deepdream.engine.visualize.Visualizer;
import deepdream.importers.caffe.Labels;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code deepdream visualize}: what a channel, a unit or a class "wants to see", by gradient ascent from noise. */
@Command(name = "visualize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Feature visualization: start from noise (or --init IMAGE) and change the image by gradient ascent until",
                "a channel, a unit or a class responds strongly, with image priors that keep it natural:",
                "jitter and scale jitter (robustness), total variation and L2 decay (penalties), periodic blur.",
                "--grid makes a labelled contact sheet of several channels in one command.",
                "PNG outputs record every parameter and the seed."})
public final class VisualizeCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--layer", paramLabel = "BLOB",
            description = {"The layer: default " + DreamParams.DEFAULT_LAYER + " for --channel/--unit/--grid,",
                    "the pre-softmax class scores (loss3/classifier) for --class. See 'deepdream layers'."})
    String layer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--channel", paramLabel = "C", description = "Maximize the mean of channel C of the layer.")
        Integer channel;

        @Option(names = {"--unit", "--neuron"}, paramLabel = "C[,Y,X]", description = "Maximize one unit (Lucid's neuron): channel C at position (Y, X) of the layer (default: the centre).")
        String unit;

        @Option(names = "--direction", paramLabel = "C:W,...|V.npy",
                description = {"Maximize the mean projection of the layer's activation vectors onto a direction (Lucid's direction):",
                        "channel:weight pairs (e.g. 97:1,143:0.5; other channels 0) or a .npy vector of one weight per channel."})
        String direction;

        @Option(names = "--class", paramLabel = "K|NAME", description = "Maximize the score of class K, or of the class whose label contains NAME (e.g. goldfish).")
        String classSpec;

        @Option(names = "--grid", paramLabel = "N|C1,C2,...", description = "Contact sheet of channels 0..N-1 (or of the listed channels) of the layer, each tile labelled.")
        String grid;
    }

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT", description = "Where to write the image (.png or .jpg).")
    Path output;

    private static final VisualizeParams D = VisualizeParams.defaults();

    @Option(names = "--size", paramLabel = "PX|WxH", description = "Image size (default: ${DEFAULT-VALUE}; a class is always scored at the net's 224x224).")
    String size = "224";

    @Option(names = "--iterations", paramLabel = "N", description = "Gradient steps per octave (default: " + 30 + "; with --param fft " + FFT_ITERATIONS + " steps in all).")
    Integer iterations;

    static final int FFT_ITERATIONS = 256;

    @Option(names = "--param", paramLabel = "pixel|fft",
            description = {"What is optimized: the pixels (default), or fft: Lucid's parameterisation, a 1/f-scaled Fourier",
                    "spectrum of decorrelated colours through a sigmoid, with Adam and Lucid's transforms by default (no octaves, no TV/decay/blur)."})
    String param = "pixel";

    @Option(names = "--optimizer", paramLabel = "step|adam", description = "step: x += step * g / mean|g| (DeepDream's); adam: Adam with --lr. Default: step for pixel, adam for fft.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "R", description = "Adam's learning rate (default: 0.05 for fft coefficients, as Lucid; 2 for pixels, in 0..255 units).")
    Double lr;

    @Option(names = "--transforms", paramLabel = "classic|lucid",
            description = {"Robustness transforms per step. classic: --scale-jitter and circular --jitter; lucid: pad 12, jitter 8,",
                    "scale 0.9-1.1, rotate -10..10 degrees, jitter 4. Default: classic for pixel, lucid for fft."})
    String transforms;

    @Option(names = "--spectrum-decay", paramLabel = "D", description = "--param fft: frequencies scaled by 1/f^D (default: ${DEFAULT-VALUE}, as Lucid).")
    double spectrumDecay = D.spectrumDecay();

    @Option(names = "--diversity", paramLabel = "K", description = "--param fft: make K images together, pushed apart by their Gram matrices (Lucid's diversity); written as a sheet.")
    int diversity = 1;

    @Option(names = "--diversity-weight", paramLabel = "W", description = "Weight of the diversity term (default: ${DEFAULT-VALUE}, as Lucid's tutorial).")
    double diversityWeight = D.diversityWeight();

    @Option(names = "--batch", paramLabel = "N",
            description = {"--grid: make N tiles at a time as one batch through the net (default: ${DEFAULT-VALUE}). Same pixels for any N;",
                    "larger N is faster on small images and needs about N times the memory of one image."})
    int batch = DEFAULT_BATCH;

    /** Measured (docs/speed-wave2.md): 8 gets nearly all of 16's speed-up at 128 px with half its memory. */
    static final int DEFAULT_BATCH = 8;

    @Option(names = "--octaves", paramLabel = "N", description = "Octaves, smallest first (default: ${DEFAULT-VALUE}).")
    int octaves = D.octaves();

    @Option(names = "--octave-scale", paramLabel = "S", description = "Size ratio between octaves (default: ${DEFAULT-VALUE}).")
    double octaveScale = D.octaveScale();

    @Option(names = "--step", paramLabel = "S", description = "Step size, in units of the mean |gradient| (default: ${DEFAULT-VALUE}).")
    double step = D.step();

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (noise, jitter); the same seed gives the same image. Default: drawn at random and printed.")
    Long seed;

    @Option(names = "--tv", paramLabel = "W", description = "Total variation penalty weight; 0 = off (default: ${DEFAULT-VALUE}).")
    double tv = D.tv();

    @Option(names = "--tv-beta", paramLabel = "B", description = "TV exponent: 2 = quadratic smoothing, 1 = edge-preserving (default: ${DEFAULT-VALUE}).")
    double tvBeta = D.tvBeta();

    @Option(names = "--decay", paramLabel = "D", description = "L2 decay weight towards the mean colour; 0 = off (default: ${DEFAULT-VALUE}).")
    double decay = D.decay();

    @Option(names = "--blur-every", paramLabel = "K", description = "Blur the image every K steps; 0 = never (default: ${DEFAULT-VALUE}).")
    int blurEvery = D.blurEvery();

    @Option(names = "--blur-sigma", paramLabel = "S", description = "Gaussian blur radius in pixels (default: ${DEFAULT-VALUE}).")
    double blurSigma = D.blurSigma();

    @Option(names = "--jitter", paramLabel = "PX", description = "Random shift per step, up to PX pixels each way; 0 = off (default: ${DEFAULT-VALUE}).")
    int jitter = D.jitter();

    @Option(names = "--scale-jitter", paramLabel = "F", description = "Random zoom per step by a factor in [1/(1+F), 1+F]; 0 = off (default: ${DEFAULT-VALUE}).")
    double scaleJitter = D.scaleJitter();

    @Option(names = "--noise", paramLabel = "A", description = "Start from the mean colour plus uniform noise of +-A (0..255 units) (default: ${DEFAULT-VALUE}).")
    double noise = D.noise();

    @Option(names = "--init", paramLabel = "IMAGE", description = "Start from this image (resized to --size) instead of noise.")
    Path init;

    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;

    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        long t0 = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr(), out = spec.commandLine().getOut();
        ImageWriter.formatOf(output);   // a bad extension fails now, not after minutes of work
        long usedSeed = seed != null ? seed : new SecureRandom().nextInt(Integer.MAX_VALUE);
        VisualizeParams params = params(usedSeed);
        NetDef def = model.loadNet();
        try (Backend b = backend.create(); Net net = Net.build(def, b)) {
            if (verbose.verbose) err.println("deepdream: backend " + b.describe() + ", JDK " + System.getProperty("java.version"));
            Visualizer visualizer = new Visualizer(net);
            String blob = layer != null ? layer : target.classSpec != null ? ClassScores.scoreBlob(def) : model.defaultDreamLayer(def);
            try {
                net.requireBlob(blob);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage(), e);
            }
            int[] shape = blobShape(net, blob, params);
            if (target.grid != null) {
                grid(visualizer, blob, shape, params, err, out);
            } else {
                Labels labels = null;
                Objective objective;
                String what;
                Integer classIndex = null;
                if (target.channel != null) {
                    requireChannel(target.channel, blob, shape);
                    objective = Objective.channelMean(target.channel);
                    what = "channel " + target.channel;
                } else if (target.direction != null) {
                    objective = Objective.direction(parseDirection(target.direction, blob, shape));
                    what = "direction " + target.direction;
                } else if (target.unit != null) {
                    int[] u = parseUnit(target.unit, blob, shape);
                    objective = Objective.unit(u[0], u[1], u[2]);
                    what = "unit " + u[0] + "," + u[1] + "," + u[2];
                } else {
                    labels = model.loadLabels(shape[1]);
                    classIndex = ClassChoice.resolve(target.classSpec, labels, shape[1]);
                    objective = Objective.unit(classIndex, 0, 0);
                    what = "class " + classIndex;
                }
                List<InputGradient.Term> terms = List.of(new InputGradient.Term(blob, 1, objective));
                if (params.diversity() > 1 && !objective.isPositionwise())
                    throw new UserException("--diversity needs --channel or --direction (an objective on every image of the batch), not --unit or --class");
                announceSeed(err, params);
                if (params.diversity() > 1) {
                    List<PlanarImage> images = runAll(visualizer, terms, params);
                    List<String> captions = new ArrayList<>();
                    for (int i = 0; i < images.size(); i++) captions.add(what + " #" + (i + 1));
                    ContactSheet.Sheet sheet = ContactSheet.compose(images, captions, images.size());
                    if (!sheet.captionsDrawn()) err.println("deepdream: this JDK cannot draw text (no fonts installed?): the sheet has no captions");
                    ImageWriter.write(output, sheet.image(), metadata(params, blob, what + ", " + images.size() + " diverse images"));
                    out.println("wrote " + output + " (" + sheet.image().getWidth() + "x" + sheet.image().getHeight() + ", " + images.size()
                            + " diverse images of " + blob + " " + what + ")");
                    return;
                }
                PlanarImage result = run(visualizer, terms, params, null);
                Map<String, String> meta = metadata(params, blob, what + (labels != null ? " " + labels.get(classIndex) : ""));
                ImageWriter.write(output, result, meta);
                out.println("wrote " + output + " (" + result.width() + "x" + result.height() + ", " + blob + " " + what + ")");
                if (classIndex != null) {
                    float before = ClassScores.probabilities(net, visualizer.startImage(params))[classIndex];
                    float after = ClassScores.probabilities(net, result)[classIndex];
                    out.println(String.format(Locale.ROOT, "%s: probability %.4f before (the starting %s), %.4f after",
                            ClassChoice.describe(classIndex, labels), before, params.parameterization() == VisualizeParams.Parameterization.FFT ? "grey" : init == null ? "noise" : "image", after));
                }
            }
        }
        if (verbose.verbose) err.printf(Locale.ROOT, "deepdream: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        out.flush();
        err.flush();
    }

    /** Once the options are known to be good: the seed that was drawn, so the image can be repeated. */
    private void announceSeed(PrintWriter err, VisualizeParams params) {
        if (seed == null) err.println("deepdream: seed " + params.seed() + " (pass --seed " + params.seed() + " to repeat this image)");
        err.flush();
    }

    private PlanarImage run(Visualizer visualizer, List<InputGradient.Term> terms, VisualizeParams params, String label) {
        try (DreamProgress progress = new DreamProgress(System.err, visualizer.netSizes(terms, params), params.iterations(), label, System.console() != null)) {
            return visualizer.visualize(terms, params, progress);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    private List<PlanarImage> runBatch(Visualizer visualizer, List<List<InputGradient.Term>> terms, VisualizeParams params, String label) {
        try (DreamProgress progress = new DreamProgress(System.err, visualizer.netSizes(terms.get(0), params), params.iterations(), label, System.console() != null)) {
            return visualizer.visualizeBatch(terms, params, progress);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    private List<PlanarImage> runAll(Visualizer visualizer, List<InputGradient.Term> terms, VisualizeParams params) {
        try (DreamProgress progress = new DreamProgress(System.err, visualizer.netSizes(terms, params), params.iterations(), null, System.console() != null)) {
            return visualizer.visualizeAll(terms, params, progress);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    /** "C:W,C:W,..." (other channels 0) or a .npy file of one weight per channel. */
    static float[] parseDirection(String s, String blob, int[] shape) {
        int channels = shape[1];
        if (s.toLowerCase(Locale.ROOT).endsWith(".npy")) {
            Npy.Array a = Npy.read(Path.of(s));
            if (a.data().length != channels)
                throw new UserException("--direction " + s + ": " + a.data().length + " values, but " + blob + " has " + channels + " channels (one weight per channel)");
            return a.data();
        }
        float[] v = new float[channels];
        for (String part : s.split(",")) {
            String[] cw = part.split(":");
            int c;
            float w;
            try {
                if (cw.length != 2) throw new NumberFormatException();
                c = Integer.parseInt(cw[0].strip());
                w = Float.parseFloat(cw[1].strip());
            } catch (NumberFormatException e) {
                throw new UserException("--direction " + s + ": expected channel:weight pairs (e.g. --direction 97:1,143:0.5) or a .npy file");
            }
            requireChannel(c, blob, shape);
            if (!Float.isFinite(w)) throw new UserException("--direction " + s + ": weight " + cw[1] + " is not a finite number");
            v[c] += w;
        }
        return v;
    }

    private void grid(Visualizer visualizer, String blob, int[] shape, VisualizeParams params, PrintWriter err, PrintWriter out) {
        List<Integer> channels = parseGrid(target.grid, blob, shape);
        announceSeed(err, params);
        List<PlanarImage> tiles = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        boolean batched = params.parameterization() == VisualizeParams.Parameterization.PIXEL;
        int chunk = batched ? batch : 1;   // the Fourier path makes one image at a time
        for (int i0 = 0; i0 < channels.size(); i0 += chunk) {
            int i1 = Math.min(channels.size(), i0 + chunk);
            List<List<InputGradient.Term>> terms = new ArrayList<>();
            for (int i = i0; i < i1; i++) terms.add(List.of(new InputGradient.Term(blob, 1, Objective.channelMean(channels.get(i)))));
            String label = i1 - i0 == 1 ? "channel " + channels.get(i0) + " (" + (i0 + 1) + "/" + channels.size() + ")"
                    : "channels " + channels.get(i0) + ".." + channels.get(i1 - 1) + " (" + (i0 + 1) + "-" + i1 + "/" + channels.size() + ")";
            if (batched) tiles.addAll(runBatch(visualizer, terms, params, label));
            else tiles.add(run(visualizer, terms.get(0), params, label));
        }
        for (int c : channels) captions.add(blob + " #" + c);
        ContactSheet.Sheet sheet = ContactSheet.compose(tiles, captions, ContactSheet.columns(tiles.size()));
        if (!sheet.captionsDrawn()) err.println("deepdream: this JDK cannot draw text (no fonts installed?): the sheet has no captions");
        String list = String.join(",", channels.stream().map(String::valueOf).toList());
        ImageWriter.write(output, sheet.image(), metadata(params, blob, "grid of channels " + list));
        out.println("wrote " + output + " (" + sheet.image().getWidth() + "x" + sheet.image().getHeight() + ", " + channels.size()
                + " channels of " + blob + ": " + list + ")");
    }

    /** Smaller first octaves hold too few pixels to shape anything. */
    static final int MIN_OCTAVE_SIDE = 8;

    private VisualizeParams params(long usedSeed) {
        int[] wh = parseSize(size);
        VisualizeParams.Parameterization parameterization = choice("--param", param, VisualizeParams.Parameterization.class);
        boolean fft = parameterization == VisualizeParams.Parameterization.FFT;
        if (fft) {
            for (String o : List.of("--octaves", "--octave-scale", "--tv", "--tv-beta", "--decay", "--blur-every", "--blur-sigma", "--noise", "--init"))
                if (given(o)) throw new UserException(o + " has no effect with --param fft (the Fourier parameterisation is the prior, in one go from grey): drop it, or use --param pixel");
        } else {
            for (String o : List.of("--spectrum-decay", "--diversity", "--diversity-weight"))
                if (given(o)) throw new UserException(o + " needs --param fft");
        }
        if (batch < 1) throw new UserException("--batch " + batch + ": give at least 1 (tiles made together)");
        if (given("--batch") && target.grid == null) throw new UserException("--batch applies to --grid only (one image needs no batch)");
        if (given("--lr") && "step".equalsIgnoreCase(optimizer)) throw new UserException("--lr is Adam's learning rate: use --optimizer adam, or --step for the step rule");
        int steps = iterations != null ? iterations : fft ? FFT_ITERATIONS : D.iterations();
        try {
            VisualizeParams p = VisualizeParams.defaults().withSize(wh[1], wh[0]).withIterations(steps).withOctaves(fft ? 1 : octaves)
                    .withOctaveScale(octaveScale).withStep(step).withSeed(usedSeed).withTv(tv).withTvBeta(tvBeta).withDecay(decay)
                    .withBlur(blurEvery, blurSigma).withJitter(jitter).withScaleJitter(scaleJitter).withNoise(noise)
                    .withParameterization(parameterization).withSpectrumDecay(spectrumDecay).withDiversity(diversity, diversityWeight);
            if (optimizer != null) p = p.withOptimizer(choice("--optimizer", optimizer, VisualizeParams.Optimizer.class));
            if (transforms != null) p = p.withRobustness(choice("--transforms", transforms, VisualizeParams.Robustness.class));
            if (lr != null) p = p.withLearningRate(lr);
            if (init != null) p = p.withInit(ImageFiles.read(init, imageLimit.maxPixels));
            List<int[]> sizes = Visualizer.octaveSizes(p);
            int[] smallest = sizes.get(0);
            if (Math.min(smallest[0], smallest[1]) < MIN_OCTAVE_SIDE)
                throw new UserException("the smallest octave would be " + smallest[1] + "x" + smallest[0] + " pixels: use fewer --octaves or a bigger --size");
            return p;
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    private boolean given(String option) { return spec.commandLine().getParseResult().hasMatchedOption(option); }

    /** An enum option's value, case-insensitive, or a message naming the choices. */
    static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(value.strip())) return e;
        throw new UserException(option + " " + value + ": expected one of " + String.join(", ",
                java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()));
    }

    /** The blob's shape at the size the objective is computed at (the output size, or the net's declared size). */
    private static int[] blobShape(Net net, String blob, VisualizeParams p) {
        int[] declared = net.def().inputShape();
        try {
            return net.blobShapes(new int[] {1, declared[1], p.height(), p.width()}, List.of(blob)).get(blob);
        } catch (IllegalArgumentException e) {
            try {
                return net.blobShapes(declared, List.of(blob)).get(blob);
            } catch (IllegalArgumentException e2) {
                throw new UserException("the net cannot compute " + blob + ": " + e2.getMessage(), e2);
            }
        }
    }

    private static void requireChannel(int c, String blob, int[] shape) {
        if (c < 0 || c >= shape[1])
            throw new UserException("channel " + c + " is out of range: " + blob + " has " + shape[1] + " channels (0.." + (shape[1] - 1) + ")");
    }

    /** "C" (the centre) or "C,Y,X". */
    static int[] parseUnit(String s, String blob, int[] shape) {
        String[] p = s.split(",");
        int h = shape.length > 2 ? shape[2] : 1, w = shape.length > 3 ? shape[3] : 1;
        int[] u;
        try {
            if (p.length == 1) u = new int[] {Integer.parseInt(p[0].strip()), h / 2, w / 2};
            else if (p.length == 3) u = new int[] {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()), Integer.parseInt(p[2].strip())};
            else throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new UserException("--unit " + s + ": expected C or C,Y,X (channel, row, column), e.g. --unit 97,7,7");
        }
        requireChannel(u[0], blob, shape);
        if (u[1] < 0 || u[1] >= h || u[2] < 0 || u[2] >= w)
            throw new UserException("--unit " + s + ": position (" + u[1] + "," + u[2] + ") is outside " + blob + ", which is " + w + "x" + h
                    + " at this size (rows 0.." + (h - 1) + ", columns 0.." + (w - 1) + ")");
        return u;
    }

    /** "N" = channels 0..N-1, or a comma-separated list. */
    static List<Integer> parseGrid(String s, String blob, int[] shape) {
        List<Integer> channels = new ArrayList<>();
        try {
            if (!s.contains(",")) {
                int n = Integer.parseInt(s.strip());
                if (n < 1) throw new UserException("--grid " + s + ": give at least 1 channel");
                if (n > shape[1]) throw new UserException("--grid " + n + ": " + blob + " has only " + shape[1] + " channels");
                for (int c = 0; c < n; c++) channels.add(c);
            } else {
                for (String part : s.split(",")) {
                    int c = Integer.parseInt(part.strip());
                    requireChannel(c, blob, shape);
                    channels.add(c);
                }
            }
        } catch (NumberFormatException e) {
            throw new UserException("--grid " + s + ": expected a count (--grid 16) or a list of channels (--grid 3,7,12)");
        }
        return channels;
    }

    static int[] parseSize(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+")) {
                int v = Integer.parseInt(t);
                if (v > 0) return new int[] {v, v};
            } else {
                return DreamCommand.parseSize(t);
            }
        } catch (NumberFormatException ignored) { /* reported below */ }
        throw new UserException("--size " + s + ": expected PIXELS (a square, e.g. 224) or WIDTHxHEIGHT (e.g. 320x240)");
    }

    private Map<String, String> metadata(VisualizeParams p, String blob, String what) {
        Map<String, String> m = new LinkedHashMap<>();
        String version = Main.class.getPackage().getImplementationVersion();
        m.put("Software", "deepdream " + (version == null ? "dev" : version));
        m.put("deepdream.visualize", blob + " " + what);
        m.put("deepdream.model", model.model == null ? "bvlc_googlenet (bundled)" : model.model.toString());
        m.put("deepdream.start", p.parameterization() == VisualizeParams.Parameterization.FFT ? "Fourier coefficients N(0, 0.01^2)"
                : init == null ? "noise " + fmt(p.noise()) : init.toString());
        m.put("deepdream.seed", Long.toString(p.seed()));
        m.put("deepdream.backend", backend.name());
        m.put("deepdream.command", command(p));
        return m;
    }

    /** A command line that repeats this run. */
    private String command(VisualizeParams p) {
        StringBuilder c = new StringBuilder("deepdream visualize");
        if (layer != null) c.append(" --layer ").append(quote(layer));
        if (target.channel != null) c.append(" --channel ").append(target.channel);
        if (target.unit != null) c.append(" --unit ").append(quote(target.unit));
        if (target.direction != null) c.append(" --direction ").append(quote(target.direction));
        if (target.classSpec != null) c.append(" --class ").append(quote(target.classSpec));
        if (target.grid != null) c.append(" --grid ").append(quote(target.grid));
        c.append(" -o ").append(quote(output.toString())).append(" --size ").append(p.width() == p.height() ? "" + p.width() : p.width() + "x" + p.height())
                .append(" --iterations ").append(p.iterations());
        String lower = p.robustness().name().toLowerCase(Locale.ROOT);
        if (p.parameterization() == VisualizeParams.Parameterization.FFT) {
            c.append(" --param fft --optimizer ").append(p.optimizer().name().toLowerCase(Locale.ROOT));
            if (p.optimizer() == VisualizeParams.Optimizer.ADAM) c.append(" --lr ").append(fmt(p.learningRate()));
            else c.append(" --step ").append(fmt(p.step()));
            c.append(" --transforms ").append(lower).append(" --spectrum-decay ").append(fmt(p.spectrumDecay()))
                    .append(" --seed ").append(p.seed());
            if (p.robustness() == VisualizeParams.Robustness.CLASSIC) c.append(" --jitter ").append(p.jitter()).append(" --scale-jitter ").append(fmt(p.scaleJitter()));
            if (p.diversity() > 1) c.append(" --diversity ").append(p.diversity()).append(" --diversity-weight ").append(fmt(p.diversityWeight()));
            if (model.model != null) c.append(" --model ").append(quote(model.model.toString()));
            c.append(" --backend ").append(backend.name());
            return c.toString();
        }
        c.append(" --optimizer ").append(p.optimizer().name().toLowerCase(Locale.ROOT));
        if (p.optimizer() == VisualizeParams.Optimizer.ADAM) c.append(" --lr ").append(fmt(p.learningRate()));
        c.append(" --transforms ").append(lower).append(" --octaves ").append(p.octaves())
                .append(" --octave-scale ").append(fmt(p.octaveScale())).append(" --step ").append(fmt(p.step()))
                .append(" --seed ").append(p.seed()).append(" --tv ").append(fmt(p.tv())).append(" --tv-beta ").append(fmt(p.tvBeta()))
                .append(" --decay ").append(fmt(p.decay())).append(" --blur-every ").append(p.blurEvery()).append(" --blur-sigma ").append(fmt(p.blurSigma()))
                .append(" --jitter ").append(p.jitter()).append(" --scale-jitter ").append(fmt(p.scaleJitter())).append(" --noise ").append(fmt(p.noise()));
        if (init != null) c.append(" --init ").append(quote(init.toString()));
        if (model.model != null) c.append(" --model ").append(quote(model.model.toString()));
        c.append(" --backend ").append(backend.name());
        return c.toString();
    }

    private static String fmt(double v) { return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v); }

    private static String quote(String s) { return s.matches("[A-Za-z0-9_./:=+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'"; }
}
