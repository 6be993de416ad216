package deepdream.cli.video;

import deepdream.cli.io.ImageWriter;
import deepdream.engine.image.PlanarImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Short generated clips for the video tests: a smooth random texture panning a little each frame. */
public final class Clips {
    private Clips() {}

    /** Frame n (from 0) of a w×h clip whose content moves (dx, dy) pixels per frame. */
    public static PlanarImage frame(int n, int w, int h, double dx, double dy) {
        Random r = new Random(42);
        int waves = 10;
        double[][] k = new double[waves][4];
        for (double[] q : k) {
            double f = 0.08 + 0.3 * r.nextDouble(), a = 2 * Math.PI * r.nextDouble();
            q[0] = f * Math.cos(a); q[1] = f * Math.sin(a); q[2] = 2 * Math.PI * r.nextDouble(); q[3] = 10 + 15 * r.nextDouble();
        }
        PlanarImage p = new PlanarImage(3, h, w);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    double v = 128, sx = x - n * dx, sy = y - n * dy;
                    for (int i = 0; i < waves; i++) v += k[i][3] * Math.sin(k[i][0] * sx + k[i][1] * sy + k[i][2] + c);
                    p.set(c, y, x, (float) Math.max(0, Math.min(255, v)));
                }
        return p;
    }

    /** Writes frames 000001.png... of the panning clip into dir. */
    public static Path folder(Path dir, int frames, int w, int h) throws IOException {
        Files.createDirectories(dir);
        for (int n = 0; n < frames; n++) ImageWriter.write(VideoFiles.frameFile(dir, n + 1), frame(n, w, h, 1.5, 0.5), Map.of());
        return dir;
    }

    /** The clip as an H.264 MP4 made by ffmpeg from a frames folder. */
    public static Path mp4(Path frames, Path out) throws Exception {
        run(List.of("ffmpeg", "-v", "error", "-y", "-framerate", "10", "-i", frames.resolve("%06d.png").toString(), "-c:v", "libx264",
                "-pix_fmt", "yuv420p", out.toString()));
        return out;
    }

    /** {frames, width, height} of a video's first video stream, counted by decoding (ffprobe). */
    public static int[] probe(Path video) throws Exception {
        String out = run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                "stream=nb_read_frames,width,height", "-of", "csv=p=0:nk=0", video.toString()));
        int[] r = new int[3];
        for (String kv : out.strip().split(",")) {
            String[] p = kv.split("=");
            switch (p[0]) {
                case "nb_read_frames" -> r[0] = Integer.parseInt(p[1]);
                case "width" -> r[1] = Integer.parseInt(p[1]);
                case "height" -> r[2] = Integer.parseInt(p[1]);
                default -> { }
            }
        }
        return r;
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(cmd + " failed: " + out);
        return out;
    }

    /** Whether ffmpeg is installed (CI installs it; elsewhere the ffmpeg tests say why they are skipped). */
    public static boolean haveFfmpeg() { return Ffmpeg.find() != null; }
}
