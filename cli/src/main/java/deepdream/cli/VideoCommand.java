package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.video.FrameFolder;
import deepdream.cli.video.FrameSource;
import deepdream.cli.video.SegmentedVideo;
import deepdream.cli.video.VideoCodec;
import deepdream.cli.video.VideoFiles;
import deepdream.engine.Backend;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.VideoDreamer;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code deepdream video INPUT -o OUTPUT}: a temporally coherent dream of a clip, frame by frame,
 * each frame written atomically as soon as it is done so a rerun continues where the last one stopped.
 */
@Command(name = "video", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Dream a video clip (or a folder of frames) so the dream moves with the scene: each frame starts from the",
                "previous frame's dream carried along the optical flow. INPUT: a video file or a folder of PNG/JPEG frames.",
                "OUTPUT: a folder (000001.png, ...) or a video file by extension (.mp4, .mkv, .webm, .gif, ...; frames are kept",
                "in OUTPUT.frames/ until the video is written). Video files go through ffmpeg when it is installed, else MP4",
                "(H.264) in pure Java. Run the same command again to continue an interrupted run."})
public final class VideoCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "A video file or a folder of frames (sorted by name).")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT", description = "A folder for PNG frames, or a video file (.mp4, .mkv, .gif, ...).")
    Path output;

    @Mixin DreamOptions dream;

    @Option(names = "--blend", paramLabel = "B", description = "Share of the previous frame's dream carried into the next, 0..1 (default: ${DEFAULT-VALUE}).")
    double blend = VideoDreamer.Settings.DEFAULT_BLEND;

    @Option(names = "--later-iterations", paramLabel = "N", description = "Iterations per octave for frames after the first (default: ${DEFAULT-VALUE}).")
    int laterIterations = VideoDreamer.Settings.DEFAULT_LATER_ITERATIONS;

    @Option(names = "--later-octaves", paramLabel = "N", description = "Octaves for frames after the first (default: ${DEFAULT-VALUE}, at most --octaves).")
    int laterOctaves = VideoDreamer.Settings.DEFAULT_LATER_OCTAVES;

    @Option(names = "--later-step", paramLabel = "S", description = {"Step size for frames after the first (default: ${DEFAULT-VALUE}; frame 1 and new shots use --step).",
            "Each step adds new, uncorrelated dream, which is what shows as flicker (docs/video.md)."})
    double laterStep = VideoDreamer.Settings.DEFAULT_LATER_STEP;

    @Option(names = "--hold-strength", description = {"Carried frames whose dream ends below 0.9x the first frame's strength are scaled up to it,",
            "so a --blend below 1 does not fade; measured: the dream then remembers its start as with --blend 1",
            "(segment seams about 30.5 dB, docs/video.md)."})
    boolean holdStrength;

    @Option(names = "--anchor", paramLabel = "A", description = {"Add A x the light dream of the bare input frame (run seed) to each carried start: a pull",
            "that does not depend on the frames before, so video segments forget how they started (default: 0; docs/video.md)."})
    double anchor;

    @Option(names = "--independent", description = "Dream every frame on its own (flickers; the baseline coherence is measured against).")
    boolean independent;

    @Option(names = "--from", paramLabel = "N", description = "First frame to dream (from 1; default: 1).")
    int from = 1;

    @Option(names = "--to", paramLabel = "M", description = "Last frame to dream (default: the last).")
    Integer to;

    @Option(names = "--restart", description = "Delete the frames of an earlier run and start over.")
    boolean restart;

    @Option(names = "--keep-frames", description = "Keep OUTPUT.frames/ after the video file is written.")
    boolean keepFrames;

    @Option(names = "--fps", paramLabel = "RATE", description = "Frame rate of a frames folder input, e.g. 25 or 30000/1001 (default: " + FrameFolder.DEFAULT_FRAME_RATE + ").")
    String fps;

    @Option(names = "--stats", paramLabel = "CSV", description = "Write per-frame dream strength mean|O-I| and flicker (warping error) to this CSV file.")
    Path stats;

    @Option(names = "--segments", paramLabel = "N", description = {"Split the frames into N segments dreamed in parallel on Apache Spark (one task each;",
            "needs the batch jar, which ./deepdream uses for this). OUTPUT: a folder or a video file, as without --segments."})
    Integer segments;

    @Option(names = "--burn-in", paramLabel = "W", description = {"With --segments: start each segment W frames early and drop those, so its first",
            "frames match one sequential run (default: ${DEFAULT-VALUE}; without --blend: --blend 0.9 --hold-strength --anchor 1, see docs/cluster.md)."})
    int burnIn = 8;

    @Option(names = "--master", paramLabel = "URL", description = "With --segments: the Spark master (default: local[*], tasks retried 3 times).")
    String master;

    /** Set by the --segments runner in its tasks: no in-place progress bar there (the driver prints one line for all segments). */
    @Option(names = "--no-frame-bar", hidden = true)
    boolean noFrameBar;

    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;
    @Mixin MaxPixelsOption imageLimit;

    /** Set while frames are being dreamed, so Ctrl-C can say how to resume. */
    private volatile int lastWritten;
    private volatile boolean finished;

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr();
        validate();
        if (segments != null) { runSegments(err); return; }
        boolean folderOut = VideoFiles.isFolderOutput(output);
        VideoCodec writer = folderOut ? null : VideoFiles.writer(output);   // a bad extension fails before any work
        Path framesDir = folderOut ? output : output.resolveSibling(output.getFileName() + ".frames");
        prepareOutput(framesDir);
        FrameSource source = open();
        try (source) {
            int total = source.frameCount(), last = to != null ? (total > 0 ? Math.min(to, total) : to) : total;
            if (total > 0 && from > total) throw new UserException("--from " + from + " is past the end of " + input + " (" + total + " frames)");
            long usedSeed = seed(framesDir);
            NetDef def = model.loadNet();
            DreamParams params = dream.forModel(dream.params(usedSeed, imageLimit.maxPixels), def, model.defaultDreamLayer(def), spec.commandLine().getErr());
            if (params.channelPick() != null)
                throw new UserException("--channels " + dream.channels + " picks the channels of one photo; for a video give them as a list "
                        + "('deepdream channels FRAME.png --layer L' ranks the channels of a frame)");
            VideoDreamer.Settings settings = independent ? VideoDreamer.Settings.independent(params)
                    : new VideoDreamer.Settings(params, params.withIterations(laterIterations)
                    .withOctaves(Math.min(laterOctaves, params.octaves())).withStep(laterStep), blend, false, holdStrength, anchor);
            String settingsLine = settingsLine(settings);
            try (Backend b = backend.create(); Net net = Net.build(def, b)) {
                if (verbose.verbose) err.println("deepdream: backend " + b.describe() + ", reading " + input + " (" + source.width() + "x" + source.height()
                        + ", " + (total > 0 ? total + " frames" : "frame count unknown") + ", " + source.frameRate() + " fps)");
                if (dream.seed == null) err.println("deepdream: seed " + usedSeed + " (pass --seed " + usedSeed + " to repeat this video)");
                err.flush();
                Thread hook = new Thread(() -> {
                    if (!finished) System.err.println("\ndeepdream: stopped after frame " + lastWritten + "; frames so far are in " + framesDir
                            + ". Run the same command again to continue (--restart starts over).");
                }, "deepdream-video-interrupted");
                Runtime.getRuntime().addShutdownHook(hook);
                int lastDone = loop(source, new VideoDreamer(net), settings, settingsLine, framesDir, last, err);
                finished = true;
                Runtime.getRuntime().removeShutdownHook(hook);
                if (writer != null) {
                    writeVideo(writer, framesDir, lastDone, source.frameRate(), params.wrap() == DreamParams.Wrap.X, err);
                } else {
                    spec.commandLine().getOut().println("wrote frames " + from + ".." + lastDone + " to " + output);
                }
            }
        }
        err.flush();
    }

    /** A --wrap x video is a 360° panorama: MP4/MOV get the Spherical Video tag, other formats a note that they cannot. */
    private void tagPanorama(Path framesDir, PrintWriter err) {
        if (!deepdream.cli.video.SphericalMp4.supports(output)) {
            err.println("deepdream: " + output.getFileName() + " carries no 360° tag (only .mp4, .mov and .m4v can); viewers will show it flat");
            return;
        }
        FrameFolder frames = new FrameFolder(framesDir, Long.MAX_VALUE, FrameFolder.DEFAULT_FRAME_RATE);
        try {
            deepdream.cli.video.SphericalMp4.tagEquirectangular(output, frames.width(), frames.height());
            err.println("deepdream: tagged " + output.getFileName() + " as a 360° equirectangular video (Spherical Video V1)");
        } catch (IOException e) {   // the video itself is complete: say so rather than fail the run
            err.println("deepdream: warning: " + output.getFileName() + " is written but could not be tagged as 360° (" + e.getMessage() + ")");
        }
    }

    /**
     * Encodes frames from..last of framesDir into OUTPUT (the codec writes a temp file, then moves it), tags a
     * panorama as 360°, and drops the frames unless --keep-frames. The plain command and --segments both end here.
     */
    private void writeVideo(VideoCodec writer, Path framesDir, int last, String frameRate, boolean panorama, PrintWriter err) {
        err.println("deepdream: writing " + output + " with " + writer.name());
        err.flush();
        writer.encode(framesDir, from, last, frameRate, output, Files.isRegularFile(input) ? input : null);
        if (panorama) tagPanorama(framesDir, err);
        if (!keepFrames) deleteFrames(framesDir, true);
        spec.commandLine().getOut().println("wrote " + output + " (" + (last - from + 1) + " frames)");
    }

    private void validate() {
        dream.validate();
        if (!(blend >= 0 && blend <= 1)) throw new UserException("--blend must be between 0 and 1, got " + blend);
        if (from < 1) throw new UserException("--from must be 1 or more, got " + from);
        if (to != null && to < from) throw new UserException("--to " + to + " is before --from " + from);
        if (laterIterations < 1) throw new UserException("--later-iterations must be at least 1, got " + laterIterations);
        if (laterOctaves < 1) throw new UserException("--later-octaves must be at least 1, got " + laterOctaves);
        if (!(laterStep > 0 && Double.isFinite(laterStep))) throw new UserException("--later-step must be positive, got " + laterStep);
        if (!(anchor >= 0 && Double.isFinite(anchor))) throw new UserException("--anchor must be 0 or more, got " + anchor);
        if (fps != null && !fps.matches("[1-9]\\d*(/[1-9]\\d*)?")) throw new UserException("--fps " + fps + ": expected a rate such as 25 or 30000/1001");
    }

    /** --segments: the frame range is fixed here, the runner (batch jar) dreams it. */
    private void runSegments(PrintWriter err) {
        if (segments < 1) throw new UserException("--segments must be 1 or more, got " + segments);
        if (burnIn < 0) throw new UserException("--burn-in must be 0 or more, got " + burnIn);
        boolean folderOut = VideoFiles.isFolderOutput(output);
        VideoCodec writer = folderOut ? null : VideoFiles.writer(output);   // a bad extension fails before any work
        Path framesDir = folderOut ? output : output.resolveSibling(output.getFileName() + ".frames");
        SegmentedVideo runner = java.util.ServiceLoader.load(SegmentedVideo.class).findFirst().orElseThrow(() -> new UserException(
                "--segments runs on Apache Spark: start it with the ./deepdream launcher (it uses the batch jar for --segments) or spark-submit the batch jar"));
        int last;
        String frameRate;
        try (FrameSource source = open()) {
            frameRate = source.frameRate();
            int total = source.frameCount();
            if (to == null && total <= 0) throw new UserException("the frame count of " + input + " is unknown: give --to with --segments");
            last = to == null ? total : total > 0 ? Math.min(to, total) : to;
        }
        if (from > last) throw new UserException("--from " + from + " is past the end of " + input + " (" + last + " frames)");
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("video")) args.remove(0);
        if (!independent && !givesCarryOptions(args)) {
            args.addAll(SEGMENT_CARRY);
            err.println("deepdream: --segments: carried frames use " + String.join(" ", SEGMENT_CARRY)
                    + " (seams match a sequential run at --burn-in 8; give --blend to choose, docs/cluster.md)");
        } else if (!independent && blend >= 1 && anchor <= 0 && burnIn > 0)
            err.println("deepdream: warning: with --blend 1 and no --anchor a frame carries the whole history, so a burn-in cannot make the seams "
                    + "match a sequential run (measured about 30 dB); " + String.join(" ", SEGMENT_CARRY) + " with --burn-in 8 measured 35.3 dB (docs/cluster.md)");
        prepareOutput(framesDir);
        long seed = seed(framesDir);   // a rerun without --seed continues the stored frames' dream, as the plain command does
        if (dream.seed == null) err.println("deepdream: seed " + seed + " (pass --seed " + seed + " to repeat this video)");
        args = withoutOptions(args, Set.of("-o", "--output", "--from", "--to", "--seed", "--segments", "--burn-in", "--master"), Set.of("--restart"));
        runner.run(new SegmentedVideo.Request(args, input, framesDir, from, last, seed, segments, burnIn, master, restart), spec.commandLine().getOut(), err);
        if (writer != null) writeVideo(writer, framesDir, last, frameRate, dream.wrap != null && dream.wrap.equalsIgnoreCase("x"), err);   // the runner returns once every segment's frames are in framesDir
    }

    /**
     * What --segments carries when the command gives none of --blend, --hold-strength, --anchor: chosen by measurement
     * (docs/cluster.md): flicker 0.316 and strength 0.868 of independent dreams, seams 35.3 dB at --burn-in 8.
     */
    static final List<String> SEGMENT_CARRY = List.of("--blend", "0.9", "--hold-strength", "--anchor", "1");

    /** Whether args (as typed) choose how frames carry the dream: --blend, --hold-strength or --anchor, in any form. */
    static boolean givesCarryOptions(List<String> args) {
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (name.equals("--blend") || name.equals("--hold-strength") || name.equals("--anchor")) return true;
        }
        return false;
    }

    /** args less the named options (with their value, as "--x V" or "--x=V") and flags. */
    static List<String> withoutOptions(List<String> args, Set<String> withValue, Set<String> flags) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i), name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (flags.contains(a)) continue;
            if (withValue.contains(name)) { if (!a.contains("=")) i++; continue; }
            kept.add(a);
        }
        return kept;
    }

    private FrameSource open() {
        if (Files.isDirectory(input)) return new FrameFolder(input, imageLimit.maxPixels, fps);
        if (!Files.isRegularFile(input)) throw new UserException("input not found: " + input + " (a video file or a folder of frames)");
        if (!Files.isReadable(input)) throw new UserException("cannot read " + input + ": permission denied");
        if (FrameFolder.isFrameName(input.getFileName().toString()))
            throw new UserException(input + " is a single image: 'deepdream video' takes a video file or a folder of frames ('deepdream dream' dreams one image)");
        return VideoFiles.reader(input).open(input);
    }

    /** Creates the frames folder (proving OUTPUT is writable before any work) and clears a previous run on --restart. */
    private void prepareOutput(Path framesDir) {
        try {
            if (Files.exists(output) && !Files.isDirectory(output) && VideoFiles.isFolderOutput(output))
                throw new UserException("cannot write frames to " + output + ": it is a file, not a folder");
            Files.createDirectories(framesDir);
            Path probe = Files.createTempFile(framesDir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (UserException e) {
            throw e;
        } catch (IOException | SecurityException e) {
            throw new UserException("cannot write " + (framesDir.equals(output) ? output : output + " (its frames go to " + framesDir + " first)")
                    + ": " + e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage() + ". Choose an OUTPUT in a folder you can write to", e);
        }
        deleteFrames(framesDir, restart);
    }

    /** Removes temp files a killed run left; with all, every frame too. */
    private static void deleteFrames(Path dir, boolean all) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if ((n.startsWith(".") && n.endsWith(".tmp")) || (all && n.matches("\\d{6}\\.png"))) Files.deleteIfExists(p);
            }
            if (all && !Files.list(dir).findAny().isPresent()) Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UserException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The seed given, else the one the stored frames were made with (so a rerun continues the same dream), else a new one. */
    private long seed(Path framesDir) {
        if (dream.seed != null) return dream.seed;
        Path first = VideoFiles.frameFile(framesDir, from);
        if (Files.isRegularFile(first)) {
            String s = ImageWriter.readText(first).get(SEED_KEY);
            if (s != null && s.matches("-?\\d+")) return Long.parseLong(s);
        }
        return dream.seedOrRandom();
    }

    static final String SEED_KEY = "deepdream.video-seed", SETTINGS_KEY = "deepdream.video";

    /** Dreams (or skips, when already on disk) frames from..last; returns the last frame number written. */
    private int loop(FrameSource source, VideoDreamer dreamer, VideoDreamer.Settings s, String settingsLine, Path framesDir, int last, PrintWriter err) {
        PlanarImage prevInput = null, prevOutput = null;
        double firstStrength = 0;
        Path prevOutputFile = null;
        FrameClock clock = new FrameClock();
        int total = last > 0 ? last - from + 1 : -1, done = from - 1;
        boolean checked = false;
        StatsWriter statsOut = stats == null ? null : new StatsWriter(stats);
        try {
            for (int n = 1; last <= 0 || n <= last; n++) {
                PlanarImage raw = source.next();
                if (raw == null) break;
                if (n < from) continue;
                PlanarImage in = dream.fitToMaxSize(raw, n == from ? err : null);
                Path file = VideoFiles.frameFile(framesDir, n);
                VideoDreamer.Previous prev = prevInput == null ? null
                        : new VideoDreamer.Previous(prevInput, prevOutput != null ? prevOutput : readFrame(prevOutputFile, in), firstStrength);
                if (Files.isRegularFile(file)) {
                    if (!checked) checkSameSettings(file, settingsLine);
                    checked = true;
                    prevOutput = null;
                    prevOutputFile = file;
                    if (n == from) firstStrength = VideoDreamer.strength(in, readFrame(file, in));
                    if (statsOut != null) statsOut.frame(n, in, readFrame(file, in), prev);
                    clock.skipped();
                } else {
                    long t0 = System.nanoTime();
                    VideoDreamer.Result r;
                    try (DreamProgress bar = System.console() != null && !noFrameBar ? new DreamProgress(System.err, DreamOptions.smallestFirst(in,
                            prev == null || s.independent() ? s.first() : s.later()), (prev == null || s.independent() ? s.first() : s.later()).iterations(),
                            "frame " + n + (last > 0 ? "/" + last : ""), true) : null) {
                        r = dreamer.dreamFrame(n, in, prev, s, bar != null ? bar : DreamListener.NONE);
                    } catch (IllegalArgumentException e) {
                        throw new UserException(e.getMessage(), e);
                    }
                    ImageWriter.write(file, r.output(), metadata(s, n, last, settingsLine, prev == null || s.independent() || VideoDreamer.isCut(r.visible())));
                    prevOutput = r.output();
                    prevOutputFile = file;
                    if (n == from) firstStrength = VideoDreamer.strength(in, r.output());
                    if (statsOut != null) statsOut.frame(n, in, r.output(), prev, r);
                    clock.dreamed(System.nanoTime() - t0, prev != null && !s.independent());
                    err.println(clock.line(n, last, total, prev == null || s.independent() ? "full dream" : VideoDreamer.isCut(r.visible()) ? "new shot, full dream" : "carried"));
                    err.flush();
                }
                prevInput = in;
                done = n;
                lastWritten = n;
            }
        } finally {
            if (statsOut != null) statsOut.close(err);
        }
        if (done < from) throw new UserException(input + " has no frames from " + from + " on");
        if (to != null && done < to) err.println("deepdream: " + input + " ends at frame " + done + ", before --to " + to);
        return done;
    }

    private PlanarImage readFrame(Path file, PlanarImage like) {
        PlanarImage p = ImageFiles.read(file, Long.MAX_VALUE);
        if (p.width() != like.width() || p.height() != like.height())
            throw new UserException(file + " is " + p.width() + "x" + p.height() + " but the input frames are " + like.width() + "x" + like.height()
                    + " now: it was made with other settings. Use --restart to start over");
        return p;
    }

    /** Frames of another run's settings must not be mixed into this one. */
    private void checkSameSettings(Path file, String settingsLine) {
        String stored = ImageWriter.readText(file).get(SETTINGS_KEY);
        if (stored != null && !stored.equals(settingsLine))
            throw new UserException(file.getParent() + " holds frames of a run with other settings (" + stored + "); this run's are (" + settingsLine
                    + "). Use --restart to start over, or another OUTPUT");
    }

    /** Every option that changes the pixels, in one line (stored in each frame, compared on resume). */
    private String settingsLine(VideoDreamer.Settings s) {
        StringBuilder c = new StringBuilder(s.independent() ? "independent" : "coherent");
        dream.appendTo(c, s.first());
        if (!s.independent()) appendCarryOptions(c, s);
        if (model.model != null) c.append(" --model ").append(DreamOptions.quote(model.model.toString()));
        return c.toString();
    }

    /** The options of carried frames, as the settings line and the repeat command both write them. */
    private static void appendCarryOptions(StringBuilder c, VideoDreamer.Settings s) {
        c.append(" --blend ").append(DreamOptions.fmt(s.blend())).append(" --later-iterations ").append(s.later().iterations())
                .append(" --later-octaves ").append(s.later().octaves()).append(" --later-step ").append(DreamOptions.fmt(s.later().step()));
        if (s.holdStrength()) c.append(" --hold-strength");
        if (s.anchor() > 0) c.append(" --anchor ").append(DreamOptions.fmt(s.anchor()));
    }

    private Map<String, String> metadata(VideoDreamer.Settings s, int n, int last, String settingsLine, boolean fullDream) {
        Map<String, String> m = new LinkedHashMap<>();
        String version = Main.class.getPackage().getImplementationVersion();
        m.put("Software", "deepdream " + (version == null ? "dev" : version));
        m.put("deepdream.input", input + " frame " + n);
        m.put("deepdream.model", model.model == null ? "bvlc_googlenet (bundled)" : model.model.toString());
        dream.record(fullDream ? s.first() : s.later(), s.first().seed() + n - 1, m);
        m.put("deepdream.backend", backend.name());
        m.put("deepdream.frame", n + (last > 0 ? "/" + last : ""));
        m.put(SETTINGS_KEY, settingsLine);
        m.put(SEED_KEY, Long.toString(s.first().seed()));
        StringBuilder c = new StringBuilder("deepdream video ").append(DreamOptions.quote(input.toString())).append(" -o ").append(DreamOptions.quote(output.toString()));
        dream.appendTo(c, s.first());
        if (s.independent()) c.append(" --independent");
        else appendCarryOptions(c, s);
        if (from != 1) c.append(" --from ").append(from);
        if (to != null) c.append(" --to ").append(to);
        if (model.model != null) c.append(" --model ").append(DreamOptions.quote(model.model.toString()));
        c.append(" --backend ").append(backend.name());
        m.put("deepdream.command", c.toString());
        return m;
    }

    /** Frames per minute and ETA from the frames dreamed in this run (carried frames cost less than the first). */
    static final class FrameClock {
        private long fullNanos, carriedNanos;
        private int full, carried, skipped;
        private final long start = System.nanoTime();

        void skipped() { skipped++; }

        void dreamed(long nanos, boolean wasCarried) {
            if (wasCarried) { carriedNanos += nanos; carried++; }
            else { fullNanos += nanos; full++; }
        }

        String line(int n, int last, int total, String kind) {
            double perFrame = carried > 0 ? carriedNanos / 1e9 / carried : fullNanos / 1e9 / Math.max(1, full);
            double minutes = (System.nanoTime() - start) / 60e9;
            String s = String.format(Locale.ROOT, "frame %d%s (%s): %.1f s, %.1f frames/min", n, last > 0 ? "/" + last : "", kind,
                    (carried > 0 && kind.equals("carried") ? carriedNanos / (double) carried : fullNanos / (double) Math.max(1, full)) / 1e9,
                    (full + carried) / Math.max(minutes, 1e-9));
            if (last > 0 && n < last) s += String.format(Locale.ROOT, ", about %s left", duration(perFrame * (last - n)));
            return s;
        }

        static String duration(double seconds) {
            long s = Math.round(seconds);
            return s < 90 ? s + " s" : s < 5400 ? Math.round(s / 60.0) + " min" : String.format(Locale.ROOT, "%.1f h", s / 3600.0);
        }
    }

    /** --stats: one CSV line per frame, and the means on stderr at the end. */
    static final class StatsWriter {
        private final Path file;
        private final StringBuilder csv = new StringBuilder("frame,strength,warping_error\n");
        private double strengthSum, errorSum;
        private int frames, errorFrames;

        StatsWriter(Path file) { this.file = file; }

        void frame(int n, PlanarImage in, PlanarImage out, VideoDreamer.Previous prev) { frame(n, in, out, prev, null); }

        void frame(int n, PlanarImage in, PlanarImage out, VideoDreamer.Previous prev, VideoDreamer.Result r) {
            double strength = VideoDreamer.strength(in, out), e = Double.NaN;
            if (prev != null) {
                VideoDreamer.Result motion = r != null && r.flowToPrevious() != null ? r : VideoDreamer.motion(in, prev.input());
                e = VideoDreamer.warpingError(out, prev.output(), motion.flowToPrevious(), motion.visible());
                errorSum += e;
                errorFrames++;
            }
            strengthSum += strength;
            frames++;
            csv.append(n).append(',').append(String.format(Locale.ROOT, "%.4f", strength)).append(',')
                    .append(Double.isNaN(e) ? "" : String.format(Locale.ROOT, "%.4f", e)).append('\n');
        }

        void close(PrintWriter err) {
            deepdream.cli.io.AtomicFiles.write(file, o -> o.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            err.printf(Locale.ROOT, "deepdream: %d frames: mean dream strength %.3f, mean flicker (warping error) %s; per frame in %s%n", frames,
                    strengthSum / Math.max(1, frames), errorFrames == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", errorSum / errorFrames), file);
        }
    }
}
