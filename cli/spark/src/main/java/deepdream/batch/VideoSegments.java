package deepdream.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The split of frames from..last into segments: every frame in exactly one, sizes differing by at most one. */
final class VideoSegments {
    private VideoSegments() {}

    /** Frames start..end are kept; dreaming begins at burnInStart (earlier frames only warm up the carried dream). */
    record Segment(int index, int burnInStart, int start, int end) implements Serializable {
        int frames() { return end - start + 1; }
    }

    static List<Segment> split(int from, int last, int segments, int burnIn) {
        int frames = last - from + 1, n = Math.min(segments, frames);
        List<Segment> out = new ArrayList<>();
        int start = from;
        for (int i = 0; i < n; i++) {
            int size = frames / n + (i < frames % n ? 1 : 0);
            out.add(new Segment(i + 1, Math.max(from, start - burnIn), start, start + size - 1));
            start += size;
        }
        return out;
    }
}
