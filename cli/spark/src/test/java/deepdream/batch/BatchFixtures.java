package deepdream.batch;

import deepdream.importers.caffe.TinyNets;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small photo-like images and the importers' tiny random net, for batch tests that cost seconds, not minutes. */
final class BatchFixtures {
    private BatchFixtures() {}

    /** The tiny net's prototxt and weights in {@code dir}, and the options that dream with it. */
    static List<String> tinyNet(Path dir) throws IOException { return tinyNet(dir, "reference"); }

    static List<String> tinyNet(Path dir, String backend) throws IOException {
        Path prototxt = dir.resolve("tiny.prototxt"), weights = dir.resolve("tiny.caffemodel");
        Files.writeString(prototxt, TinyNets.deployText());
        Files.write(weights, TinyNets.snapshotV1(TinyNets.randomWeights(3)).toByteArray());
        return List.of("--model", prototxt.toString(), "--weights", weights.toString(), "--backend", backend, "--layer", "cat");
    }

    /** Smooth colour fields with noise, different for each seed (a dream of a flat image says little). */
    static BufferedImage photo(int w, int h, long seed) {
        Random r = new Random(seed);
        double fx = 0.02 + r.nextDouble() * 0.1, fy = 0.02 + r.nextDouble() * 0.1, phase = r.nextDouble() * 6;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int red = clamp(128 + 100 * Math.sin(x * fx + phase) + r.nextGaussian() * 12);
                int green = clamp(128 + 100 * Math.cos(y * fy) + r.nextGaussian() * 12);
                int blue = clamp(128 + 60 * Math.sin((x + y) * 0.05) + r.nextGaussian() * 12);
                img.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        return img;
    }

    /** {@code n} images (PNG, every third a JPEG) in {@code dir}, some in a subfolder. */
    static List<Path> photos(Path dir, int n, int size) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String format = i % 3 == 2 ? "jpg" : "png";
            Path f = dir.resolve((i % 4 == 3 ? "sub/" : "") + String.format("photo%02d.%s", i, format));
            Files.createDirectories(f.getParent());
            ImageIO.write(photo(size, size - 8 + i % 5, i), format, f.toFile());
            files.add(f);
        }
        return files;
    }

    /** The RGB pixels of an image file. */
    static int[] pixels(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    private static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }
}
