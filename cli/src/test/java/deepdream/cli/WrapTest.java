package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.io.TestImages;
import deepdream.engine.image.PlanarImage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * --wrap on the tiny random net, on a seamless 2:1 "panorama" (periodic stripes plus noise): the
 * seam between the last and the first column looks like any other pair of neighbouring columns
 * with --wrap x, and stands out without it. Without jitter: the notebook's jitter rolls the image
 * with wrap-around, which alone hides much of the seam from a net with a receptive field this small.
 */
class WrapTest {
    @TempDir Path dir;
    TinyModelFiles tiny;
    Path pano;
    static final int W = 96, H = 48;

    @BeforeEach
    void setUp() throws Exception {
        tiny = new TinyModelFiles(dir);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(5);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int[] v = new int[3];
                for (int c = 0; c < 3; c++)
                    v[c] = (int) Math.max(0, Math.min(255, 128 + 50 * Math.sin(2 * Math.PI * ((3.0 * x + 7 * c) / W + 2.0 * y / H)) + 4 * r.nextGaussian()));
                img.setRGB(x, y, v[0] << 16 | v[1] << 8 | v[2]);
            }
        pano = TestImages.write(dir.resolve("pano.png"), img, "png");
    }

    Path dream(String out, String... extra) {
        String[] head = {"dream", pano.toString(), "-o", dir.resolve(out).toString(), "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(),
                "--backend", "cpu", "--layer", "cat", "--seed", "2", "--iterations", "6", "--step", "3", "--jitter", "0"};
        if (!java.util.Arrays.asList(extra).contains("--octaves")) extra = concat(extra, "--octaves", "2");
        Cli.Result res = Cli.run(concat(head, extra));
        assertEquals(0, res.exit(), res.toString());
        return dir.resolve(out);
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** {seam, interior}: mean |O[:,0] − O[:,W−1]| and mean |O[:,x+1] − O[:,x]| over the other neighbours (horizontal or vertical). */
    static double[] seam(PlanarImage o, boolean vertical) {
        int h = o.height(), w = o.width(), n = vertical ? h : w, m = vertical ? w : h;
        double seam = 0, inner = 0;
        for (int c = 0; c < 3; c++)
            for (int j = 0; j < m; j++) {
                for (int i = 0; i + 1 < n; i++) inner += Math.abs(at(o, c, vertical, i + 1, j) - at(o, c, vertical, i, j));
                seam += Math.abs(at(o, c, vertical, 0, j) - at(o, c, vertical, n - 1, j));
            }
        return new double[] {seam / (3.0 * m), inner / (3.0 * m * (n - 1))};
    }

    static float at(PlanarImage o, int c, boolean vertical, int i, int j) { return vertical ? o.get(c, i, j) : o.get(c, j, i); }

    @Test
    void wrapXHidesTheSeamAndTagsThePanorama() throws Exception {
        double[] in = seam(ImageFiles.read(pano, Long.MAX_VALUE), false);
        double[] plain = seam(ImageFiles.read(dream("plain.png"), Long.MAX_VALUE), false);
        Path wrappedFile = dream("wrapped.png", "--wrap", "x");
        double[] wrapped = seam(ImageFiles.read(wrappedFile, Long.MAX_VALUE), false);
        System.out.printf(Locale.ROOT, "[wrap] seam vs interior column difference: input %.2f/%.2f, without --wrap %.2f/%.2f, --wrap x %.2f/%.2f grey levels%n",
                in[0], in[1], plain[0], plain[1], wrapped[0], wrapped[1]);
        assertTrue(wrapped[0] < 1.15 * wrapped[1], "--wrap x: seam " + wrapped[0] + " vs interior " + wrapped[1]);
        String xmp = ImageWriter.readText(wrappedFile).get("XML:com.adobe.xmp");
        assertNotNull(xmp, "the PNG carries XMP");
        assertTrue(xmp.contains("<GPano:ProjectionType>equirectangular</GPano:ProjectionType>") && xmp.contains("<GPano:UsePanoramaViewer>True")
                && xmp.contains("<GPano:FullPanoWidthPixels>" + W + "<"), xmp);
        String jpeg = new String(Files.readAllBytes(dream("wrapped.jpg", "--wrap", "x")), StandardCharsets.ISO_8859_1);
        assertTrue(jpeg.contains("http://ns.adobe.com/xap/1.0/\0") && jpeg.contains("<GPano:ProjectionType>equirectangular"), "JPEG APP1 XMP");
        assertNull(ImageWriter.readText(dir.resolve("plain.png")).get("XML:com.adobe.xmp"), "no panorama tags without --wrap x");
    }

    /**
     * With --wrap x the dream has no edge at all: dreaming the panorama turned by a third (its
     * columns rolled) gives the dream turned by a third. Without --wrap, the edges are where the net's
     * zero padding is, and the two dreams differ. One octave: a roll by 32 px is not a whole number of
     * pixels at the smaller octaves.
     */
    @Test
    void aWrappedDreamDoesNotDependOnWhereTheSeamIs() throws Exception {
        BufferedImage img = javax.imageio.ImageIO.read(pano.toFile()), turned = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) turned.setRGB((x + W / 3) % W, y, img.getRGB(x, y));
        Path original = pano;
        double[] worst = new double[2];
        for (int k = 0; k < 2; k++) {
            String[] wrap = k == 0 ? new String[] {"--wrap", "x", "--octaves", "1"} : new String[] {"--octaves", "1"};
            pano = original;
            PlanarImage a = ImageFiles.read(dream("a" + k + ".png", wrap), Long.MAX_VALUE);
            pano = TestImages.write(dir.resolve("turned.png"), turned, "png");
            PlanarImage b = ImageFiles.read(dream("b" + k + ".png", wrap), Long.MAX_VALUE);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++) worst[k] = Math.max(worst[k], Math.abs(a.get(c, y, x) - b.get(c, y, (x + W / 3) % W)));
        }
        pano = original;
        System.out.printf(Locale.ROOT, "[wrap] dream(turned) vs turned(dream), max difference: --wrap x %.0f, without %.0f grey levels%n", worst[0], worst[1]);
        assertTrue(worst[0] <= 1, "--wrap x: max " + worst[0]);
        assertTrue(worst[1] > 10, "without --wrap the edges show: max " + worst[1]);
    }

    @Test
    void wrapXyTilesBothWays() {
        PlanarImage o = ImageFiles.read(dream("tile.png", "--wrap", "xy"), Long.MAX_VALUE);
        double[] across = seam(o, false), down = seam(o, true);
        System.out.printf(Locale.ROOT, "[wrap xy] seam/interior: columns %.2f/%.2f, rows %.2f/%.2f%n", across[0], across[1], down[0], down[1]);
        assertTrue(across[0] < 1.15 * across[1], "columns: " + across[0] + " vs " + across[1]);
        assertTrue(down[0] < 1.15 * down[1] + 2, "rows: " + down[0] + " vs " + down[1]);
    }
}
