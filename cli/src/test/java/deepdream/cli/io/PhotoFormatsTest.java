package deepdream.cli.io;

import deepdream.cli.Cli;
import deepdream.engine.image.PlanarImage;
import deepdream.importers.caffe.RealWeights;
import deepdream.importers.caffe.TinyNets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every kind of photo a user has decodes with the right colours and dreams: CMYK and YCCK JPEGs,
 * EXIF-rotated JPEGs, 16-bit PNG and TIFF, WebP, palette PNG with alpha, greyscale. The files are
 * made here with ImageIO, except the two tiny WebPs in test-data/images (ImageIO has no WebP writer).
 */
class PhotoFormatsTest {
    @TempDir Path dir;

    /** The RGB of the ink blocks of TestImages.INKS: white, cyan, magenta, yellow, black. */
    static final int[][] INK_RGB = {{255, 255, 255}, {0, 255, 255}, {255, 0, 255}, {255, 255, 0}, {0, 0, 0}};
    /** The blocks of test-data/images/blocks-*.webp (6 px wide each). */
    static final int[][] WEBP_RGB = {{220, 30, 40}, {30, 200, 60}, {40, 50, 210}, {240, 240, 230}};

    static PlanarImage read(Path f) { return ImageFiles.read(f, ImageFiles.DEFAULT_MAX_PIXELS); }

    static double worstBlock(PlanarImage p, int[][] rgb, int blockWidth) {
        double worst = 0;
        for (int b = 0; b < rgb.length; b++)
            for (int c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(p.get(c, p.height() / 2, b * blockWidth + blockWidth / 2) - rgb[b][c]));
        return worst;
    }

    @Test
    void cmykAndYcckJpegsShowTheirInks() throws Exception {
        for (int transform : new int[] {0, 2}) {
            Path f = Files.write(dir.resolve("ink" + transform + ".jpg"), TestImages.cmykJpeg(transform));
            PlanarImage p = read(f);
            assertEquals(40, p.width());
            double worst = worstBlock(p, INK_RGB, 8);
            assertTrue(worst <= 3, (transform == 0 ? "CMYK" : "YCCK") + ": worst block off by " + worst + " levels");
        }
    }

    @Test
    void sixteenBitTiffAndPngKeepMoreThanEightBits() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16}, false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(16, 12);
        for (int y = 0; y < 12; y++) for (int x = 0; x < 16; x++) for (int c = 0; c < 3; c++) r.setSample(x, y, c, 257 * (10 * x + c) + 128);
        BufferedImage img = new BufferedImage(cm, r, false, null);
        for (String format : new String[] {"tiff", "png"}) {
            PlanarImage p = read(TestImages.writeWithJdk(dir.resolve("deep." + format), img, format));
            for (int x = 0; x < 16; x++)
                for (int c = 0; c < 3; c++)
                    assertEquals(10 * x + c + 128 / 257f, p.get(c, 5, x), 1e-3, format + ": 16-bit sample at x " + x + " channel " + c);
        }
    }

    @Test
    void webpLosslessIsExactAndLossyIsClose() {
        Path images = RealWeights.repoRoot().resolve("test-data/images");
        assertEquals(0, worstBlock(read(images.resolve("blocks-lossless.webp")), WEBP_RGB, 6), "lossless WebP, exact");
        double lossy = worstBlock(read(images.resolve("blocks-lossy.webp")), WEBP_RGB, 6);
        assertTrue(lossy <= 12, "lossy WebP within 12 levels: " + lossy);
    }

    @Test
    void palettePngWithAlphaIsCompositedOnWhite() throws Exception {
        // Index 0 opaque red, 1 fully transparent, 2 half-transparent blue.
        IndexColorModel cm = new IndexColorModel(2, 3, new byte[] {(byte) 255, 0, 0}, new byte[] {0, 0, 0}, new byte[] {0, 0, (byte) 255},
                new byte[] {(byte) 255, 0, (byte) 128});
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY, cm);
        img.getRaster().setSample(1, 0, 0, 1);
        img.getRaster().setSample(2, 0, 0, 2);
        PlanarImage p = read(TestImages.write(dir.resolve("pal.png"), img, "png"));
        assertArrayEquals(new float[] {255, 0, 0}, new float[] {p.get(0, 0, 0), p.get(1, 0, 0), p.get(2, 0, 0)});
        assertArrayEquals(new float[] {255, 255, 255}, new float[] {p.get(0, 0, 1), p.get(1, 0, 1), p.get(2, 0, 1)});
        float half = 255 * 127 / 255f;   // white behind alpha 128/255
        assertArrayEquals(new float[] {half, half, 255}, new float[] {p.get(0, 0, 2), p.get(1, 0, 2), p.get(2, 0, 2)}, 0.6f);
    }

    /** Each format through 'dream' on the tiny random net: it decodes, dreams, and keeps its look (and an EXIF turn). */
    @Test
    void everyFormatDreams() throws Exception {
        Path prototxt = Files.writeString(dir.resolve("tiny.prototxt"), TinyNets.deployText());
        Path weights = Files.write(dir.resolve("tiny.caffemodel"), TinyNets.snapshotV1(TinyNets.randomWeights(3)).toByteArray());
        BufferedImage rgb = TestImages.rgb(40, 24);
        BufferedImage grey = new BufferedImage(40, 24, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(rgb, 0, 0, null);
        ComponentColorModel cm16 = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16}, false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r16 = cm16.createCompatibleWritableRaster(40, 24);
        for (int y = 0; y < 24; y++) for (int x = 0; x < 40; x++) for (int c = 0; c < 3; c++) r16.setSample(x, y, c, ((rgb.getRGB(x, y) >> (16 - 8 * c)) & 0xff) * 257);
        IndexColorModel pal = new IndexColorModel(8, 2, new byte[] {(byte) 200, 10}, new byte[] {50, (byte) 180}, new byte[] {20, (byte) 240}, new byte[] {(byte) 255, 100});
        BufferedImage palette = new BufferedImage(40, 24, BufferedImage.TYPE_BYTE_INDEXED, pal);
        for (int y = 0; y < 24; y++) for (int x = 0; x < 40; x++) palette.getRaster().setSample(x, y, 0, (x / 5 + y / 6) % 2);
        List<Path> files = new ArrayList<>(List.of(
                Files.write(dir.resolve("cmyk.jpg"), TestImages.cmykJpeg(0)),
                Files.write(dir.resolve("ycck.jpg"), TestImages.cmykJpeg(2)),
                Files.write(dir.resolve("exif6.jpg"), TestImages.withExifOrientation(TestImages.encode(rgb, "jpg"), 6)),
                TestImages.write(dir.resolve("deep.png"), new BufferedImage(cm16, r16, false, null), "png"),
                TestImages.writeWithJdk(dir.resolve("deep.tiff"), new BufferedImage(cm16, r16, false, null), "tiff"),
                TestImages.write(dir.resolve("palette.png"), palette, "png"),
                TestImages.write(dir.resolve("grey.jpg"), grey, "jpg"),
                RealWeights.repoRoot().resolve("test-data/images/blocks-lossless.webp")));
        for (Path in : files) {
            Path out = dir.resolve(in.getFileName() + ".dream.png");
            Cli.Result res = Cli.run("dream", in.toString(), "-o", out.toString(), "--model", prototxt.toString(), "--weights", weights.toString(),
                    "--backend", "cpu", "--layer", "cat", "--octaves", "1", "--iterations", "2", "--seed", "1");
            assertEquals(0, res.exit(), in + ": " + res);
            PlanarImage before = read(in), after = read(out);
            assertEquals(before.width(), after.width(), in.toString());
            assertEquals(before.height(), after.height(), in.toString());
            double change = 0;
            for (int i = 0; i < before.data().length; i++) change += Math.abs(after.data()[i] - before.data()[i]);
            change /= before.data().length;
            assertTrue(change > 0.5 && change < 40, in.getFileName() + ": mean change " + change + " grey levels (dreamed, still the photo)");
        }
        assertEquals(40, read(dir.resolve("exif6.jpg.dream.png")).height(), "the EXIF-rotated photo dreams upright (portrait)");
    }
}
