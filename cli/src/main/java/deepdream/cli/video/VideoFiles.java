package deepdream.cli.video;

import deepdream.cli.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What INPUT and OUTPUT of {@code deepdream video} are: a folder of frames or a video file (by
 * extension), and which codec reads or writes it: ffmpeg when installed, else JCodec for MP4.
 */
public final class VideoFiles {
    private VideoFiles() {}

    /** The frame file of frame n (from 1) in a frames folder: 000001.png, ... */
    public static Path frameFile(Path dir, int n) { return dir.resolve(String.format(Locale.ROOT, "%06d.png", n)); }

    /** Lower-case extension without the dot; "" when none. */
    public static String extension(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    /** ffmpeg if installed, else the pure-Java codec. */
    public static VideoCodec codec() {
        Ffmpeg f = Ffmpeg.find();
        return f != null ? f : new JCodecVideo();
    }

    /** The codec that reads this video file, or a message saying what to do. */
    public static VideoCodec reader(Path video) {
        VideoCodec c = codec();
        String ext = extension(video);
        if (c.reads(ext)) return c;
        if (c instanceof Ffmpeg) throw new UserException("cannot tell what " + video + " is: ." + ext + " is not a video extension deepdream knows"
                + " (a folder of PNG/JPEG frames, or a video such as .mp4, .mkv, .avi, .mov, .webm, .gif)");
        throw new UserException("cannot read " + video + " without ffmpeg: in pure Java only MP4 (H.264) can be read. Install ffmpeg"
                + " (e.g. sudo apt-get install ffmpeg) to read ." + ext + " files");
    }

    /** The codec that writes this video file, or a message saying what to do. */
    public static VideoCodec writer(Path video) {
        VideoCodec c = codec();
        String ext = extension(video);
        if (c.writes(ext)) return c;
        if (c instanceof Ffmpeg) throw new UserException("cannot write " + video + ": ." + ext + " is not an output format deepdream knows; name it "
                + String.join(", ", new TreeSet<>(Ffmpeg.writable()).stream().map(e -> "." + e).toList()) + ", or a folder (no extension) for PNG frames");
        throw new UserException("cannot write " + video + " without ffmpeg: in pure Java only .mp4 (H.264) can be written. Install ffmpeg"
                + " (e.g. sudo apt-get install ffmpeg) for ." + ext + ", or write a folder of PNG frames (no extension)");
    }

    /** An OUTPUT with no extension (or an existing folder) is a frames folder. */
    public static boolean isFolderOutput(Path output) {
        return Files.isDirectory(output) || extension(output).isEmpty();
    }
}
