package deepdream.cli.video;

import deepdream.cli.UserException;
import deepdream.cli.io.ImageFiles;
import deepdream.engine.image.PlanarImage;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** A folder of PNG/JPEG frames, in name order. Every frame's size is checked from its header before any dreaming. */
public final class FrameFolder implements FrameSource {
    public static final String DEFAULT_FRAME_RATE = "25";
    private final List<Path> files;
    private final int width, height;
    private final long maxPixels;
    private final String frameRate;
    private int next;

    public FrameFolder(Path dir, long maxPixels, String frameRate) {
        this.maxPixels = maxPixels;
        this.frameRate = frameRate == null ? DEFAULT_FRAME_RATE : frameRate;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> isFrameName(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UserException("cannot list the frames folder " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty())
            throw new UserException("the frames folder " + dir + " has no PNG or JPEG frames (expected files such as 000001.png, sorted by name)");
        int[] first = size(files.get(0));
        width = first[0];
        height = first[1];
        for (Path f : files) {
            int[] s = size(f);
            if (s[0] != width || s[1] != height)
                throw new UserException("frame " + f + " is " + s[0] + "x" + s[1] + " but " + files.get(0).getFileName() + " is " + width + "x" + height
                        + ": every frame of a clip must have one size (resize them, e.g. with ffmpeg -vf scale)");
        }
    }

    public static boolean isFrameName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** {width, height} from the header alone. */
    private static int[] size(Path f) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new UserException("frame " + f + " is not a PNG or JPEG image deepdream can read");
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            throw new UserException("cannot read frame " + f + ": " + e.getMessage(), e);
        }
    }

    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public int frameCount() { return files.size(); }
    @Override public String frameRate() { return frameRate; }

    @Override
    public PlanarImage next() {
        return next < files.size() ? ImageFiles.read(files.get(next++), maxPixels) : null;
    }

    @Override public void close() {}
}
