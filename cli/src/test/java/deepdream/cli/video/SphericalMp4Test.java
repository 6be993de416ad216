package deepdream.cli.video;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The 360° tag, read back by ffmpeg itself (its mov demuxer parses Spherical Video V1), on files with
 * the moov box before the media data (+faststart: every chunk offset moves) and after it; the
 * decoded frames must be identical before and after tagging.
 */
class SphericalMp4Test {
    @TempDir Path dir;

    @Test
    void ffmpegReadsTheTagAndTheFramesDecodeTheSame() throws Exception {
        if (!Clips.haveFfmpeg()) {
            assertNull(System.getenv("CI"), "CI installs ffmpeg (.ci/run)");
            System.out.println("skipped: ffmpeg is not installed");
            return;
        }
        Path frames = Clips.folder(dir.resolve("f"), 6, 64, 32);
        for (boolean faststart : new boolean[] {true, false}) {
            Path mp4 = dir.resolve(faststart ? "fast.mp4" : "plain.mp4");
            Clips.run(List.of("ffmpeg", "-v", "error", "-y", "-framerate", "10", "-i", frames.resolve("%06d.png").toString(), "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", "-movflags", faststart ? "+faststart" : "+default_base_moof", mp4.toString()));
            String before = framemd5(mp4);
            assertFalse(probeSideData(mp4).contains("equirectangular"), "untagged at first");
            long size = Files.size(mp4);

            SphericalMp4.tagEquirectangular(mp4, 64, 32);

            String side = probeSideData(mp4);
            assertTrue(side.contains("Spherical Mapping") && side.contains("equirectangular"), (faststart ? "faststart: " : "moov last: ") + side);
            assertEquals(before, framemd5(mp4), "the media data still decodes to the same frames" + (faststart ? " (offsets moved)" : ""));
            assertEquals(6, Clips.probe(mp4)[0]);
            assertTrue(uuidInsideTheVideoTrak(Files.readAllBytes(mp4)), "the V1 spec puts the box inside the video track's trak");
            assertTrue(Files.size(mp4) > size);
            try (var s = Files.list(dir)) { assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temp file left"); }
        }
    }

    @Test
    void onlyIsoMediaFilesCanCarryIt() {
        assertTrue(SphericalMp4.supports(Path.of("a.MP4")) && SphericalMp4.supports(Path.of("b.mov")));
        assertFalse(SphericalMp4.supports(Path.of("c.mkv")) || SphericalMp4.supports(Path.of("d.gif")));
    }

    @Test
    void aFileWithoutMoovIsAnError() throws Exception {
        Path junk = dir.resolve("junk.mp4");
        Files.write(junk, new byte[] {0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0});
        var e = assertThrows(java.io.IOException.class, () -> SphericalMp4.tagEquirectangular(junk, 2, 1));
        assertTrue(e.getMessage().contains("no moov box"), e.getMessage());
    }

    /** Walks moov → trak → its children and looks for the Spherical uuid box there. */
    static boolean uuidInsideTheVideoTrak(byte[] f) throws Exception {
        for (int at = 0; at < f.length; ) {
            SphericalMp4.Box top = SphericalMp4.box(f, at, f.length);
            if (top.type().equals("moov"))
                for (int t = top.bodyStart(); t < top.end(); ) {
                    SphericalMp4.Box trak = SphericalMp4.box(f, t, top.end());
                    if (trak.type().equals("trak"))
                        for (int c = trak.bodyStart(); c < trak.end(); ) {
                            SphericalMp4.Box child = SphericalMp4.box(f, c, trak.end());
                            if (child.type().equals("uuid") && java.util.Arrays.equals(java.util.Arrays.copyOfRange(f, child.bodyStart(), child.bodyStart() + 16), SphericalMp4.UUID))
                                return true;
                            c = child.end();
                        }
                    t = trak.end();
                }
            at = top.end();
        }
        return false;
    }

    static String framemd5(Path video) throws Exception {
        return Clips.run(List.of("ffmpeg", "-v", "error", "-i", video.toString(), "-map", "0:v", "-f", "framemd5", "-"))
                .lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b.substring(b.lastIndexOf(',') + 1).strip() + "\n");
    }

    static String probeSideData(Path video) throws Exception {
        return Clips.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams", video.toString()));
    }
}
