package deepdream.cli.video;

import deepdream.cli.UserException;
import deepdream.cli.io.AtomicFiles;
import deepdream.engine.image.PlanarImage;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Video through the ffmpeg and ffprobe programs (ProcessBuilder): decoded frames come through a pipe
 * as raw RGB24, never through temp images; outputs keep the input's frame rate and audio.
 * {@value #PROPERTY} names the ffmpeg program to use ("none": behave as if it were not installed).
 */
public final class Ffmpeg implements VideoCodec {
    public static final String PROPERTY = "deepdream.ffmpeg";

    /** Output settings per extension: one table instead of switches. audio null = the format carries none here. */
    private record Target(List<String> video, List<String> audio) {}

    private static final Map<String, Target> TARGETS = Map.of(
            "mp4", new Target(List.of("-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart"), List.of("-c:a", "aac")),
            "mov", new Target(List.of("-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p"), List.of("-c:a", "aac")),
            "m4v", new Target(List.of("-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p"), List.of("-c:a", "aac")),
            "mkv", new Target(List.of("-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p"), List.of("-c:a", "aac")),
            "webm", new Target(List.of("-c:v", "libvpx-vp9", "-crf", "30", "-b:v", "0", "-pix_fmt", "yuv420p"), List.of("-c:a", "libopus")),
            "avi", new Target(List.of("-c:v", "mpeg4", "-q:v", "3"), List.of("-c:a", "ac3")),
            "gif", new Target(List.of("-filter_complex", "[0:v]split[a][b];[a]palettegen[p];[b][p]paletteuse"), null));
    /** Extensions read as video (anything ffmpeg can demux; these are the common ones). */
    private static final Set<String> READS = Set.of("mp4", "mov", "m4v", "mkv", "webm", "avi", "gif", "mpg", "mpeg", "ts", "mts", "m2ts", "flv", "wmv", "ogv", "3gp", "y4m");

    private final String ffmpeg, ffprobe;

    private Ffmpeg(String ffmpeg, String ffprobe) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
    }

    /** ffmpeg (and ffprobe beside it) from -Ddeepdream.ffmpeg or the PATH; null when absent. */
    public static Ffmpeg find() {
        String given = System.getProperty(PROPERTY);
        if ("none".equals(given)) return null;
        Path ffmpeg = given != null ? Path.of(given) : onPath("ffmpeg");
        if (ffmpeg == null || !Files.isExecutable(ffmpeg)) return null;
        Path probe = ffmpeg.resolveSibling("ffprobe");
        if (!Files.isExecutable(probe)) probe = onPath("ffprobe");
        return probe == null ? null : new Ffmpeg(ffmpeg.toString(), probe.toString());
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    @Override public String name() { return "ffmpeg"; }
    @Override public boolean reads(String ext) { return READS.contains(ext); }
    @Override public boolean writes(String ext) { return TARGETS.containsKey(ext); }
    public static Set<String> writable() { return TARGETS.keySet(); }

    @Override
    public FrameSource open(Path video) {
        Map<String, String> info = probe(video);
        int w = parse(info.get("width"), video), h = parse(info.get("height"), video);
        String packets = info.getOrDefault("nb_read_packets", "N/A");
        int count = packets.matches("\\d+") ? Integer.parseInt(packets) : -1;
        String rate = info.getOrDefault("r_frame_rate", "25/1");
        if (!rate.matches("\\d+(/\\d+)?") || rate.startsWith("0")) rate = "25/1";
        Process p = start(List.of(ffmpeg, "-v", "error", "-nostdin", "-i", video.toString(), "-map", "0:v:0", "-fps_mode", "passthrough",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-"), video, false);
        return new Pipe(p, video, w, h, count, rate);
    }

    /** The first video stream's width, height, frame rate and packet count (ffprobe). */
    Map<String, String> probe(Path video) {
        List<String> cmd = List.of(ffprobe, "-v", "error", "-select_streams", "v:0", "-count_packets",
                "-show_entries", "stream=width,height,r_frame_rate,nb_read_packets", "-of", "default=nw=1", video.toString());
        Process p = start(cmd, video, true);
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || !out.contains("width="))
                throw new UserException("cannot read the video " + video + ": ffprobe found no video stream in it"
                        + (out.isBlank() ? "" : " (" + out.strip().lines().reduce((a, b) -> b).orElse("") + ")") + "; is it a video file?");
        } catch (IOException e) {
            throw new UserException("cannot read the video " + video + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while reading " + video, e);
        }
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return m;
    }

    private static int parse(String v, Path video) {
        if (v == null || !v.matches("\\d+") || Integer.parseInt(v) < 1) throw new UserException("cannot read the video " + video + ": ffprobe reports no frame size");
        return Integer.parseInt(v);
    }

    private static Process start(List<String> cmd, Path file, boolean mergeErrors) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (mergeErrors) pb.redirectErrorStream(true);
            return pb.start();
        } catch (IOException e) {
            throw new UserException("cannot run " + cmd.get(0) + " for " + file + ": " + e.getMessage(), e);
        }
    }

    /** Raw RGB24 frames from ffmpeg's stdout, turned into planes. */
    private static final class Pipe implements FrameSource {
        private final Process process;
        private final DataInputStream in;
        private final Path video;
        private final int w, h, count;
        private final String rate;
        private final byte[] buf;
        private final StringBuilder errors = new StringBuilder();
        private final Thread errorReader;

        Pipe(Process process, Path video, int w, int h, int count, String rate) {
            this.process = process;
            this.in = new DataInputStream(process.getInputStream());
            this.video = video;
            this.w = w;
            this.h = h;
            this.count = count;
            this.rate = rate;
            this.buf = new byte[3 * w * h];
            // Drain stderr so ffmpeg never blocks on a full pipe; keep its last words for the message.
            errorReader = new Thread(() -> {
                try (InputStream err = process.getErrorStream()) {
                    String s = new String(err.readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (errors) { errors.append(s); }
                } catch (IOException ignored) { /* the process went away */ }
            }, "ffmpeg-stderr");
            errorReader.setDaemon(true);
            errorReader.start();
        }

        @Override public int width() { return w; }
        @Override public int height() { return h; }
        @Override public int frameCount() { return count; }
        @Override public String frameRate() { return rate; }

        @Override
        public PlanarImage next() {
            try {
                in.readFully(buf);
            } catch (EOFException e) {
                finish();
                return null;
            } catch (IOException e) {
                throw new UserException("cannot read frames of " + video + ": " + e.getMessage(), e);
            }
            int plane = w * h;
            float[] d = new float[3 * plane];
            for (int i = 0; i < plane; i++) {
                d[i] = buf[3 * i] & 0xff;
                d[plane + i] = buf[3 * i + 1] & 0xff;
                d[2 * plane + i] = buf[3 * i + 2] & 0xff;
            }
            return new PlanarImage(3, h, w, d);
        }

        /** At the end of the pipe: a failed decode is an error, not a short clip. */
        private void finish() {
            try {
                int rc = process.waitFor();
                errorReader.join(2000);
                if (rc != 0) {
                    String msg;
                    synchronized (errors) { msg = errors.toString().strip(); }
                    throw new UserException("ffmpeg could not decode " + video + (msg.isEmpty() ? "" : ": " + msg.lines().reduce((a, b) -> b).orElse("")));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void encode(Path framesDir, int first, int last, String frameRate, Path output, Path audioFrom) {
        String ext = VideoFiles.extension(output);
        Target t = TARGETS.get(ext);
        Path dir = output.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + output.getFileName() + ".partial." + ext);
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-y", "-v", "error", "-nostdin", "-framerate", frameRate, "-start_number", Integer.toString(first),
                "-i", framesDir.resolve("%06d.png").toString()));
        boolean audio = audioFrom != null && t.audio() != null;
        if (audio) {
            // The audio of the frames dreamed: from frame 'first' on (frame n starts at (n-1)/fps).
            cmd.addAll(List.of("-ss", String.format(Locale.ROOT, "%.6f", (first - 1) / rate(frameRate)), "-i", audioFrom.toString(),
                    "-map", "0:v:0", "-map", "1:a?"));
            cmd.addAll(t.audio());
            cmd.add("-shortest");
        }
        cmd.addAll(t.video());
        // H.264 in 4:2:0 wants even sizes: drop the last odd row or column.
        if (!ext.equals("gif")) cmd.addAll(List.of("-vf", "crop=trunc(iw/2)*2:trunc(ih/2)*2"));
        cmd.addAll(List.of("-frames:v", Integer.toString(last - first + 1), tmp.toString()));
        Process p = start(cmd, output, true);
        try {
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new UserException("ffmpeg could not write " + output + ": " + log.strip().lines().reduce((a, b) -> b).orElse("(no message)"));
            AtomicFiles.move(tmp, output);
        } catch (IOException e) {
            throw new UserException("cannot write " + output + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while writing " + output, e);
        } finally {
            try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort */ }
        }
    }

    static double rate(String r) {
        int slash = r.indexOf('/');
        return slash < 0 ? Double.parseDouble(r) : Double.parseDouble(r.substring(0, slash)) / Double.parseDouble(r.substring(slash + 1));
    }
}
