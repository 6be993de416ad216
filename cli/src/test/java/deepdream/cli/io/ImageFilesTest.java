package deepdream.cli.io;

import deepdream.cli.UserException;
import deepdream.engine.image.PlanarImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ImageFilesTest {
    @TempDir Path dir;

    @Test
    void rgbPngIsReadExactlyAsPlanes() throws Exception {
        BufferedImage img = TestImages.rgb(5, 3);
        PlanarImage p = ImageFiles.read(TestImages.write(dir.resolve("a.png"), img, "png"), ImageFiles.DEFAULT_MAX_PIXELS);
        assertEquals(3, p.channels());
        assertEquals(3, p.height());
        assertEquals(5, p.width());
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++) {
                int rgb = img.getRGB(x, y);
                assertEquals((rgb >> 16) & 0xff, p.get(0, y, x));
                assertEquals((rgb >> 8) & 0xff, p.get(1, y, x));
                assertEquals(rgb & 0xff, p.get(2, y, x));
            }
    }

    @Test
    void alphaIsCompositedOnWhite() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00000000);            // fully transparent black → white
        img.setRGB(1, 0, 0x80FF0000);            // half-transparent red → pink
        PlanarImage p = ImageFiles.read(TestImages.write(dir.resolve("a.png"), img, "png"), ImageFiles.DEFAULT_MAX_PIXELS);
        assertArrayEquals(new float[] {255, 255, 255}, new float[] {p.get(0, 0, 0), p.get(1, 0, 0), p.get(2, 0, 0)});
        float a = 128 / 255f;
        assertEquals(255f, p.get(0, 0, 1), 1e-3);
        assertEquals(255f * (1 - a), p.get(1, 0, 1), 1e-3);
    }

    @Test
    void greyIsReadWithoutGammaChange() throws Exception {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 64, 200});
        PlanarImage p = ImageFiles.read(TestImages.write(dir.resolve("g.png"), img, "png"), ImageFiles.DEFAULT_MAX_PIXELS);
        for (int c = 0; c < 3; c++) assertArrayEquals(new float[] {0, 64, 200}, new float[] {p.get(c, 0, 0), p.get(c, 0, 1), p.get(c, 0, 2)});
    }

    @Test
    void sixteenBitGreyIsScaledTo255() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {65535, 32768});
        PlanarImage p = ImageFiles.read(TestImages.write(dir.resolve("g16.png"), img, "png"), ImageFiles.DEFAULT_MAX_PIXELS);
        assertEquals(255f, p.get(1, 0, 0), 1e-3);
        assertEquals(32768 * 255f / 65535, p.get(1, 0, 1), 1e-3);
    }

    @Test
    void sixteenBitRgbIsScaledTo255() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, 1, 1, 3, new Point());
        r.setPixel(0, 0, new int[] {65535, 0, 257 * 100});
        BufferedImage img = new BufferedImage(cm, r, false, null);
        PlanarImage p = ImageFiles.read(TestImages.write(dir.resolve("rgb16.png"), img, "png"), ImageFiles.DEFAULT_MAX_PIXELS);
        assertEquals(255f, p.get(0, 0, 0), 1e-3);
        assertEquals(0f, p.get(1, 0, 0), 1e-3);
        assertEquals(100f, p.get(2, 0, 0), 1e-3);
    }

    @Test
    void paletteImagesAreExpanded() throws Exception {
        IndexColorModel cm = new IndexColorModel(2, 2, new byte[] {10, (byte) 250}, new byte[] {20, 0}, new byte[] {30, 5});
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, cm);
        img.getRaster().setSample(1, 0, 0, 1);
        PlanarImage p = ImageFiles.read(TestImages.write(dir.resolve("p.png"), img, "png"), ImageFiles.DEFAULT_MAX_PIXELS);
        assertArrayEquals(new float[] {10, 20, 30, 250, 0, 5},
                new float[] {p.get(0, 0, 0), p.get(1, 0, 0), p.get(2, 0, 0), p.get(0, 0, 1), p.get(1, 0, 1), p.get(2, 0, 1)});
    }

    @Test
    void exifOrientationTurnsJpegsUpright() throws Exception {
        // 32×16 landscape: left half red, right half blue. Orientation 6 = stored rotated: display turned 90° clockwise.
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 32; x++) img.setRGB(x, y, x < 16 ? 0xFF0000 : 0x0000FF);
        byte[] jpeg = TestImages.encode(img, "jpg");
        Path f = Files.write(dir.resolve("o6.jpg"), TestImages.withExifOrientation(jpeg, 6));
        PlanarImage p = ImageFiles.read(f, ImageFiles.DEFAULT_MAX_PIXELS);
        assertEquals(32, p.height());
        assertEquals(16, p.width());
        // Turned clockwise, the left (red) half is on top, the right (blue) half at the bottom.
        assertTrue(p.get(0, 4, 8) > 200 && p.get(2, 4, 8) < 60, "top should be red");
        assertTrue(p.get(2, 28, 8) > 200 && p.get(0, 28, 8) < 60, "bottom should be blue");
        // Without the tag it stays as stored.
        PlanarImage plain = ImageFiles.read(Files.write(dir.resolve("o1.jpg"), jpeg), ImageFiles.DEFAULT_MAX_PIXELS);
        assertEquals(16, plain.height());
    }

    @Test
    void everyOrientationIsTheRightTransform() {
        // 2×3 image with distinct values; expected results from the EXIF spec's pictures of 'F'.
        PlanarImage src = new PlanarImage(1, 2, 3, new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, ImageFiles.orient(src, 1).data());
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, ImageFiles.orient(src, 2).data());
        assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1}, ImageFiles.orient(src, 3).data());
        assertArrayEquals(new float[] {4, 5, 6, 1, 2, 3}, ImageFiles.orient(src, 4).data());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, ImageFiles.orient(src, 5).data());
        assertArrayEquals(new float[] {4, 1, 5, 2, 6, 3}, ImageFiles.orient(src, 6).data());
        assertArrayEquals(new float[] {6, 3, 5, 2, 4, 1}, ImageFiles.orient(src, 7).data());
        assertArrayEquals(new float[] {3, 6, 2, 5, 1, 4}, ImageFiles.orient(src, 8).data());
    }

    @Test
    void absurdDimensionsAreRefusedBeforeDecoding() throws Exception {
        Path f = Files.write(dir.resolve("huge.png"), TestImages.pngHeaderOnly(200_000, 100_000));
        UserException e = assertThrows(UserException.class, () -> ImageFiles.read(f, ImageFiles.DEFAULT_MAX_PIXELS));
        assertTrue(e.getMessage().contains("200000x100000") && e.getMessage().contains("--max-pixels")
                && e.getMessage().contains(Long.toString(ImageFiles.DEFAULT_MAX_PIXELS)), e.getMessage());
    }

    @Test
    void textFileIsNotAnImage() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.jpg"), "hello, I am text\n");
        UserException e = assertThrows(UserException.class, () -> ImageFiles.read(f, ImageFiles.DEFAULT_MAX_PIXELS));
        assertTrue(e.getMessage().contains("not an image"), e.getMessage());
    }

    @Test
    void truncatedJpegIsRefused() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.rgb(64, 48), "jpg");
        Path f = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        UserException e = assertThrows(UserException.class, () -> ImageFiles.read(f, ImageFiles.DEFAULT_MAX_PIXELS));
        assertTrue(e.getMessage().contains("cut.jpg") && (e.getMessage().contains("truncated") || e.getMessage().contains("damaged")), e.getMessage());
    }

    @Test
    void missingFile() {
        UserException e = assertThrows(UserException.class, () -> ImageFiles.read(dir.resolve("nope.jpg"), ImageFiles.DEFAULT_MAX_PIXELS));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("nope.jpg"), e.getMessage());
    }
}
