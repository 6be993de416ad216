package deepdream.cli.io;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import deepdream.cli.UserException;
import deepdream.engine.image.PlanarImage;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads photos into RGB planes with values 0..255: 8- and 16-bit, grayscale, palette, with alpha
 * (composited on white), CMYK and YCCK JPEGs, TIFF and WebP (TwelveMonkeys ImageIO plug-ins, found
 * through META-INF/services), turned upright by their EXIF orientation. Refuses images whose
 * header declares more pixels than the limit before decoding a single pixel.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** Default --max-pixels: 100 megapixels (a 10000×10000 photo; ~1.2 GB as float planes). */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    public static final String MAX_PIXELS_OPTION = "--max-pixels";

    public static PlanarImage read(Path file, long maxPixels) {
        if (Files.isDirectory(file)) throw new UserException(file + " is a directory, not an image");
        if (!Files.isRegularFile(file)) throw new UserException("image not found: " + file);
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new UserException("cannot open image " + file);
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw new UserException(file + " is not an image deepdream can read (JPEG, PNG, TIFF, WebP, BMP, GIF)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                long pixels = (long) w * h;
                if (w <= 0 || h <= 0) throw new UserException(file + " declares an empty image (" + w + "x" + h + ")");
                if (pixels > maxPixels)
                    throw new UserException(file + " is " + w + "x" + h + " = " + pixels + " pixels, over the limit of " + maxPixels
                            + " pixels. If the image is genuine, raise the limit with " + MAX_PIXELS_OPTION + " " + pixels);
                // Truncated JPEGs decode "successfully" with grey fill and only a warning: treat warnings as
                // errors, except notes on colour profiles (a CMYK JPEG without one decodes fine, in SWOP-like colours).
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (!warning.contains("ICC") && !warning.toLowerCase(java.util.Locale.ROOT).contains("color profile")) warnings.add(warning);
                });
                img = reader.read(0);
                if (!warnings.isEmpty())
                    throw new UserException(file + " is damaged (" + String.join("; ", warnings) + "); it may be truncated");
            } finally {
                reader.dispose();
            }
        } catch (UserException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UserException(file + " could not be decoded (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); the file may be truncated, corrupt or in an unsupported variant", e);
        }
        PlanarImage rgb = toRgb(img);
        return orient(rgb, exifOrientation(file));
    }

    /** RGB 0..255 planes; alpha composited on white, 16-bit scaled, grey replicated without gamma games. */
    static PlanarImage toRgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), plane = w * h;
        float[] out = new float[3 * plane];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        boolean component = cm instanceof ComponentColorModel;
        int csType = cm.getColorSpace().getType();
        if (component && (csType == ColorSpace.TYPE_GRAY || (csType == ColorSpace.TYPE_RGB && cm.getColorSpace().isCS_sRGB()))) {
            // Read samples directly: getRGB would treat grey as linear and brighten it, and drops 16-bit precision.
            int colors = cm.getNumColorComponents();
            double[] max = new double[cm.getNumComponents()];
            for (int b = 0; b < max.length; b++) max[b] = (1L << cm.getComponentSize(b)) - 1;
            int alphaBand = cm.hasAlpha() ? colors : -1;
            int[] px = new int[cm.getNumComponents()];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    r.getPixel(x, y, px);
                    double a = alphaBand < 0 ? 1 : px[alphaBand] / max[alphaBand];
                    for (int c = 0; c < 3; c++) {
                        int band = colors == 1 ? 0 : c;
                        double v = px[band] * 255.0 / max[band];   // exact for 8-bit samples
                        out[c * plane + y * w + x] = (float) (a == 1 ? v : v * a + 255 * (1 - a));
                    }
                }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    int alpha = argb >>> 24;
                    for (int c = 0; c < 3; c++) {
                        int v = (argb >> (16 - 8 * c)) & 0xff;
                        out[c * plane + y * w + x] = alpha == 255 ? v : (float) ((v * alpha + 255.0 * (255 - alpha)) / 255.0);
                    }
                }
            }
        }
        return new PlanarImage(3, h, w, out);
    }

    /** EXIF orientation 1..8 (1 = upright); 1 when absent or unreadable. */
    static int exifOrientation(Path file) {
        try {
            Metadata md = ImageMetadataReader.readMetadata(file.toFile());
            ExifIFD0Directory dir = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (dir != null && dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                int o = dir.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                return o >= 1 && o <= 8 ? o : 1;
            }
        } catch (Exception e) {
            // No or broken metadata: the pixels decoded fine, so show them as stored.
        }
        return 1;
    }

    /** Applies an EXIF orientation so the image is upright (TIFF/EXIF spec, values 1..8). */
    public static PlanarImage orient(PlanarImage src, int orientation) {
        if (orientation <= 1 || orientation > 8) return src;
        int h = src.height(), w = src.width();
        boolean swap = orientation >= 5;
        int oh = swap ? w : h, ow = swap ? h : w;
        PlanarImage dst = new PlanarImage(src.channels(), oh, ow);
        for (int c = 0; c < src.channels(); c++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    int sx, sy;
                    switch (orientation) {
                        case 2 -> { sx = w - 1 - x; sy = y; }            // mirrored horizontally
                        case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }    // rotated 180
                        case 4 -> { sx = x; sy = h - 1 - y; }            // mirrored vertically
                        case 5 -> { sx = y; sy = x; }                    // transposed
                        case 6 -> { sx = y; sy = h - 1 - x; }            // stored rotated 90 CCW: turn 90 CW
                        case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }    // transversed
                        default -> { sx = w - 1 - y; sy = x; }           // 8: stored rotated 90 CW: turn 90 CCW
                    }
                    dst.set(c, y, x, src.get(c, sy, sx));
                }
        return dst;
    }
}
