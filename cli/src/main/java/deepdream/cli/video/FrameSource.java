package deepdream.cli.video;

import deepdream.engine.image.PlanarImage;

/** Frames of a clip, read one at a time (RGB 0..255), so memory does not grow with the clip's length. */
public interface FrameSource extends AutoCloseable {
    int width();
    int height();
    /** The number of frames, or -1 when the container does not say and counting would mean decoding. */
    int frameCount();
    /** Frames per second as a rational ("30000/1001"), for the output video. */
    String frameRate();
    /** The next frame, or null after the last. */
    PlanarImage next();
    @Override void close();
}
