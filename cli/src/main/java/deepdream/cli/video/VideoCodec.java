package deepdream.cli.video;

import java.nio.file.Path;

/** A way to read and write video files: ffmpeg when installed, else the pure-Java fallback. */
public interface VideoCodec {
    String name();
    /** Whether this codec reads files with this extension (lower case, without the dot). */
    boolean reads(String extension);
    boolean writes(String extension);
    FrameSource open(Path video);
    /**
     * Encodes frames dir/%06d.png, numbers first..last, into output (written to a temp file beside it,
     * then moved), at frameRate; audio is taken from audioFrom (may be null) starting at frame first.
     */
    void encode(Path framesDir, int first, int last, String frameRate, Path output, Path audioFrom);
}
