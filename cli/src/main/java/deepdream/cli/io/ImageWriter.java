package deepdream.cli.io;

import deepdream.cli.UserException;
import deepdream.engine.image.PlanarImage;
import org.w3c.dom.NodeList;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes RGB 0..255 planes as PNG (with text metadata: every dream parameter, so a result can be
 * reproduced from the file alone; 8 or 16 bits per channel) or JPEG (quality 95), chosen by the file
 * extension. No ICC profile is written: the values are sRGB. The file is
 * written to a temporary file and moved into place, so it appears whole or not at all.
 */
public final class ImageWriter {
    private ImageWriter() {}

    private static final String PNG_FORMAT = "javax_imageio_png_1.0";

    /** "png" or "jpeg" for a path's extension; a clear error for anything else. */
    public static String formatOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) return "png";
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return "jpeg";
        throw new UserException("cannot tell the image format of " + file + ": name the output .png or .jpg");
    }

    public static void write(Path file, PlanarImage rgb, Map<String, String> text) { write(file, toBufferedImage(rgb), text); }

    /** Like {@link #write(Path, PlanarImage, Map)}; bitDepth 16 writes a 16-bit-per-channel PNG (values ×257, rounded). */
    public static void write(Path file, PlanarImage rgb, Map<String, String> text, int bitDepth) { write(file, rgb, text, bitDepth, null); }

    /** With an XMP packet too (null for none): a PNG iTXt "XML:com.adobe.xmp" entry, a JPEG APP1 segment. */
    public static void write(Path file, PlanarImage rgb, Map<String, String> text, int bitDepth, String xmp) {
        checkBitDepth(file, bitDepth);
        write(file, bitDepth == 16 ? toBufferedImage16(rgb) : toBufferedImage(rgb), text, xmp);
    }

    private static final String XMP_PNG_KEYWORD = "XML:com.adobe.xmp";
    private static final byte[] XMP_JPEG_HEADER = "http://ns.adobe.com/xap/1.0/\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** 8 for any format, 16 for PNG; a clear message otherwise (call before the work). */
    public static void checkBitDepth(Path file, int bitDepth) {
        if (bitDepth != 8 && bitDepth != 16) throw new UserException("--bit-depth must be 8 or 16, got " + bitDepth);
        if (bitDepth == 16 && !formatOf(file).equals("png"))
            throw new UserException("--bit-depth 16 needs a PNG output (JPEG has 8 bits per channel): name the output " + stem(file) + ".png");
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** 16 bits per channel, sRGB without an ICC profile: 0..255 scaled by 257 (255 → 65535), rounded and clipped. */
    public static BufferedImage toBufferedImage16(PlanarImage rgb) {
        if (rgb.channels() != 3) throw new IllegalArgumentException("expected RGB planes, got " + rgb.channels() + " channels");
        int w = rgb.width(), h = rgb.height(), plane = w * h;
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
                new int[] {16, 16, 16}, false, false, java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
        java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        float[] d = rgb.data();
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    long v = Math.round(d[c * plane + y * w + x] * 257.0);
                    r.setSample(x, y, c, (int) Math.max(0, Math.min(65535, v)));
                }
        return new BufferedImage(cm, r, false, null);
    }

    /** Writes an already composed picture (a contact sheet, an overlay) the same way. */
    public static void write(Path file, BufferedImage img, Map<String, String> text) { write(file, img, text, null); }

    private static void write(Path file, BufferedImage img, Map<String, String> givenText, String xmp) {
        String format = formatOf(file);
        Map<String, String> text = givenText;
        if (xmp != null && format.equals("png")) {
            text = new LinkedHashMap<>(givenText);
            text.put(XMP_PNG_KEYWORD, xmp);
        }
        Map<String, String> pngText = text;
        AtomicFiles.write(file, out -> {
            javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata meta = null;
                if (format.equals("jpeg")) {
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(0.95f);
                    if (xmp != null) {
                        meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
                        addJpegXmp(meta, xmp);
                    }
                } else if (!pngText.isEmpty()) {
                    meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
                    addText(meta, pngText);
                }
                writer.write(null, new IIOImage(img, null, meta), param);
            } finally {
                writer.dispose();
            }
        });
    }

    /** Values rounded to the nearest integer and clipped to 0..255. */
    public static BufferedImage toBufferedImage(PlanarImage rgb) {
        if (rgb.channels() != 3) throw new IllegalArgumentException("expected RGB planes, got " + rgb.channels() + " channels");
        int w = rgb.width(), h = rgb.height(), plane = w * h;
        float[] d = rgb.data();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                row[x] = to8(d[i]) << 16 | to8(d[plane + i]) << 8 | to8(d[2 * plane + i]);
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        return img;
    }

    static int to8(float v) {
        int i = Math.round(v);
        return i < 0 ? 0 : Math.min(i, 255);
    }

    /** An APP1 segment with the XMP packet, after the JFIF header (the usual place). */
    private static void addJpegXmp(IIOMetadata meta, String xmp) throws IIOInvalidTreeException {
        String jpegFormat = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(jpegFormat);
        IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
        byte[] body = xmp.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] segment = new byte[XMP_JPEG_HEADER.length + body.length];
        System.arraycopy(XMP_JPEG_HEADER, 0, segment, 0, XMP_JPEG_HEADER.length);
        System.arraycopy(body, 0, segment, XMP_JPEG_HEADER.length, body.length);
        IIOMetadataNode app1 = new IIOMetadataNode("unknown");
        app1.setAttribute("MarkerTag", "225");
        app1.setUserObject(segment);
        markers.insertBefore(app1, markers.getFirstChild());
        meta.setFromTree(jpegFormat, root);
    }

    private static void addText(IIOMetadata meta, Map<String, String> text) throws IIOInvalidTreeException {
        IIOMetadataNode root = new IIOMetadataNode(PNG_FORMAT);
        // iTXt keeps any Unicode (file names); tEXt would be Latin-1 only.
        IIOMetadataNode itxt = new IIOMetadataNode("iTXt");
        for (Map.Entry<String, String> e : text.entrySet()) {
            IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
            entry.setAttribute("keyword", e.getKey());
            entry.setAttribute("compressionFlag", "FALSE");
            entry.setAttribute("compressionMethod", "0");
            entry.setAttribute("languageTag", "");
            entry.setAttribute("translatedKeyword", "");
            entry.setAttribute("text", e.getValue());
            itxt.appendChild(entry);
        }
        root.appendChild(itxt);
        meta.mergeTree(PNG_FORMAT, root);
    }

    /** The text entries of a PNG (tEXt and iTXt), in file order; empty for other formats. */
    public static Map<String, String> readText(Path file) {
        Map<String, String> text = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return text;
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, false);   // not seek-forward-only: the PNG reader seeks back for the metadata, and TwelveMonkeys' stream really flushes (CI: "position < flushedPos!")
                IIOMetadata meta = reader.getImageMetadata(0);
                if (meta == null || !java.util.Arrays.asList(meta.getMetadataFormatNames()).contains(PNG_FORMAT)) return text;
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(PNG_FORMAT);
                for (String kind : new String[] {"tEXtEntry", "iTXtEntry"}) {
                    NodeList entries = root.getElementsByTagName(kind);
                    for (int i = 0; i < entries.getLength(); i++) {
                        IIOMetadataNode n = (IIOMetadataNode) entries.item(i);
                        text.put(n.getAttribute("keyword"), kind.startsWith("tEXt") ? n.getAttribute("value") : n.getAttribute("text"));
                    }
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return text;
    }
}
