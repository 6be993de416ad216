package deepdream.cli.io;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/** Image files for tests: written with ImageIO, or crafted byte by byte (bad headers, EXIF). */
public final class TestImages {
    private TestImages() {}

    public static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) throw new IOException("no writer for " + format);
        return out.toByteArray();
    }

    public static Path write(Path file, BufferedImage img, String format) throws IOException {
        Files.write(file, encode(img, format));
        return file;
    }

    /** A gradient photo-like RGB image. */
    public static BufferedImage rgb(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, ((x * 255 / Math.max(1, w - 1)) << 16) | ((y * 255 / Math.max(1, h - 1)) << 8) | 128);
        return img;
    }

    /** A PNG whose header declares width × height but holds no pixel data at all. */
    public static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put(new byte[] {'I', 'H', 'D', 'R'}).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putInt(13).put(ihdr.array()).putInt(crc(ihdr.array()));
        byte[] iend = {'I', 'E', 'N', 'D'};
        b.putInt(0).put(iend).putInt(crc(iend));
        return b.array();
    }

    /** Inserts an EXIF APP1 segment with this orientation right after the JPEG's SOI marker. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);   // little-endian TIFF: header, IFD0 with one entry
        tiff.order(java.nio.ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = new byte[6 + tiff.capacity()];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
        System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
        int len = exif.length + 2;
        byte[] out = new byte[jpeg.length + 4 + exif.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xE1;
        out[4] = (byte) (len >> 8);
        out[5] = (byte) len;
        System.arraycopy(exif, 0, out, 6, exif.length);
        System.arraycopy(jpeg, 2, out, 6 + exif.length, jpeg.length - 2);
        return out;
    }

    private static int crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return (int) c.getValue();
    }

    /** Ink per 8-pixel column block (C, M, Y, K, 0..255): none, cyan, magenta, yellow, black. */
    public static final int[][] INKS = {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 255, 0}, {0, 0, 0, 255}};

    /**
     * A 40×16 four-channel JPEG of the {@link #INKS} blocks, written with ImageIO as a raw raster with
     * an Adobe APP14 marker spliced in: transform 0 = CMYK (Adobe's inverted samples, 255 = no ink),
     * 2 = YCCK (the CMY inks as YCbCr, K inverted), as Photoshop writes them.
     */
    public static byte[] cmykJpeg(int transform) throws IOException {
        int w = 40, h = 16;
        java.awt.image.WritableRaster r = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int[] ink = INKS[x / 8];
                double c = ink[0], m = ink[1], ye = ink[2];
                int[] s = transform == 0 ? new int[] {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]}
                        : new int[] {(int) Math.round(0.299 * c + 0.587 * m + 0.114 * ye), (int) Math.round(128 - 0.168736 * c - 0.331264 * m + 0.5 * ye),
                                (int) Math.round(128 + 0.5 * c - 0.418688 * m - 0.081312 * ye), 255 - ink[3]};
                for (int b = 0; b < 4; b++) r.setSample(x, y, b, Math.max(0, Math.min(255, s[b])));
            }
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            javax.imageio.ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(1f);
            writer.write(null, new javax.imageio.IIOImage(r, null, null), p);
        } finally {
            writer.dispose();
        }
        byte[] b = bytes.toByteArray();
        byte[] app14 = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        byte[] f = new byte[b.length + app14.length];
        System.arraycopy(b, 0, f, 0, 2);   // SOI
        System.arraycopy(app14, 0, f, 2, app14.length);
        System.arraycopy(b, 2, f, 2 + app14.length, b.length - 2);
        return f;
    }

    /** Writes with the JDK's own writer for the format (TwelveMonkeys' TIFF writer cannot write 16-bit samples). */
    public static Path writeWithJdk(Path file, BufferedImage img, String format) throws IOException {
        java.util.Iterator<javax.imageio.ImageWriter> it = ImageIO.getImageWritersByFormatName(format);
        while (it.hasNext()) {
            javax.imageio.ImageWriter w = it.next();
            if (!w.getClass().getName().startsWith("com.sun.")) continue;
            try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
                w.setOutput(out);
                w.write(img);
            } finally {
                w.dispose();
            }
            return file;
        }
        throw new IOException("no JDK writer for " + format);
    }
}
