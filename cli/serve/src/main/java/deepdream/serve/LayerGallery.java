package deepdream.serve;

import deepdream.cli.io.ImageWriter;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.image.Clouds;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The layers a user picks from, each with a thumbnail of what it dreams on the same clouds.
 * Thumbnails are made on first use, one at a time on the worker when no dream waits, and cached
 * under {@code CACHE/thumbnails/MODEL/}, so the second start shows them at once.
 */
final class LayerGallery {
    static final int THUMB_SIDE = 128, THUMB_OCTAVES = 2, THUMB_ITERATIONS = 10;

    record Layer(String blob, int channels) {}

    private final List<Layer> layers;
    private final Map<String, Layer> byName = new LinkedHashMap<>();
    private final Path dir;
    private final Dreamer dreamer;
    private final JobQueue queue;
    private final Set<String> scheduled = new HashSet<>(), failed = new HashSet<>();

    LayerGallery(Net net, Dreamer dreamer, JobQueue queue, Path thumbnailDir) {
        this.dreamer = dreamer;
        this.queue = queue;
        this.dir = thumbnailDir;
        this.layers = dreamable(net);
        for (Layer l : layers) byName.put(l.blob(), l);
    }

    List<Layer> layers() { return layers; }

    Optional<Layer> layer(String blob) { return Optional.ofNullable(byName.get(blob)); }

    /**
     * The cached thumbnail, or empty while it is being made (its making is scheduled on first ask);
     * a 404 when it cannot be made (a layer too deep for the thumbnail's size).
     */
    Optional<Path> thumbnail(String blob) {
        Path f = file(blob);
        if (Files.isRegularFile(f)) return Optional.of(f);
        synchronized (scheduled) {
            if (failed.contains(blob)) throw new HttpError(404, "no thumbnail for " + blob);
            if (scheduled.add(blob)) queue.submitBackground(() -> make(blob, f));
        }
        return Optional.empty();
    }

    private void make(String blob, Path f) {
        try {
            DreamParams p = DreamParams.defaults().withLayer(blob).withOctaves(THUMB_OCTAVES).withIterations(THUMB_ITERATIONS).withSeed(0);
            PlanarImage img = dreamer.dream(Clouds.generate(THUMB_SIDE, THUMB_SIDE, 0), p, DreamListener.NONE);
            ImageWriter.write(f, img, Map.of("deepdream.layers", blob));
        } catch (RuntimeException e) {
            System.err.println("deepdream: no thumbnail for " + blob + ": " + e.getMessage());
            synchronized (scheduled) { failed.add(blob); }
        } finally {
            synchronized (scheduled) { scheduled.remove(blob); }
        }
    }

    private Path file(String blob) {
        return dir.resolve(blob.replaceAll("[^A-Za-z0-9_.-]", "_") + ".png");   // blob is one of ours, never the client's text
    }

    /**
     * The blobs worth dreaming: 4-D feature maps at the model's input size, at least 2×2, and per
     * block only its output (GoogLeNet: conv1..pool2, the inception_*&#47;output, pool3, pool4; not
     * the branches inside an inception block).
     */
    static List<Layer> dreamable(Net net) {
        Map<String, int[]> shapes = net.blobShapes(net.def().inputShape());
        Set<String> blocksWithOutput = new HashSet<>();
        for (String b : shapes.keySet()) if (b.endsWith("/output")) blocksWithOutput.add(b.substring(0, b.indexOf('/')));
        List<Layer> out = new ArrayList<>();
        for (var e : shapes.entrySet()) {
            String b = e.getKey();
            int[] s = e.getValue();
            if (b.equals(net.inputBlob()) || s.length != 4 || s[2] < 2 || s[3] < 2) continue;
            int slash = b.indexOf('/');
            if (slash > 0 && blocksWithOutput.contains(b.substring(0, slash)) && !b.endsWith("/output")) continue;
            out.add(new Layer(b, s[1]));
        }
        return out;
    }
}
