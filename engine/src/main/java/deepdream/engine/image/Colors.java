package deepdream.engine.image;

/**
 * Colour transforms of RGB 0..255 planes in full-range YCbCr (ITU-R BT.601, as JPEG uses it).
 */
public final class Colors {
    private Colors() {}

    private static final double KR = 0.299, KG = 0.587, KB = 0.114;

    /**
     * The dream's luminance with the original's chroma: the "original colours" of neural style
     * transfer. Y is clipped to the range where R, G and B all stay in 0..255 for the original's
     * Cb and Cr, so the chroma survives exactly (a plain clip of R, G, B would shift it).
     */
    public static PlanarImage keepChroma(PlanarImage dream, PlanarImage original) {
        if (dream.channels() != 3 || original.channels() != 3 || dream.height() != original.height() || dream.width() != original.width())
            throw new IllegalArgumentException("keepChroma needs two RGB images of the same size");
        int plane = dream.height() * dream.width();
        float[] d = dream.data(), o = original.data(), out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            double r = o[i], g = o[plane + i], b = o[2 * plane + i];
            double yo = KR * r + KG * g + KB * b;
            // Offsets of R, G, B from Y for the original's chroma: (R − Y, G − Y, B − Y).
            double dr = r - yo, dg = g - yo, db = b - yo;
            double y = KR * d[i] + KG * d[plane + i] + KB * d[2 * plane + i];
            double lo = Math.max(0, -Math.min(dr, Math.min(dg, db))), hi = Math.min(255, 255 - Math.max(dr, Math.max(dg, db)));
            y = Math.min(hi, Math.max(lo, y));
            out[i] = (float) (y + dr);
            out[plane + i] = (float) (y + dg);
            out[2 * plane + i] = (float) (y + db);
        }
        return new PlanarImage(3, dream.height(), dream.width(), out);
    }

    /** {Cb, Cr} planes of an RGB image (full range, 128 = no colour). */
    public static float[][] chroma(PlanarImage rgb) {
        int plane = rgb.height() * rgb.width();
        float[] d = rgb.data(), cb = new float[plane], cr = new float[plane];
        for (int i = 0; i < plane; i++) {
            double r = d[i], g = d[plane + i], b = d[2 * plane + i];
            double y = KR * r + KG * g + KB * b;
            cb[i] = (float) (128 + (b - y) / (2 * (1 - KB)));
            cr[i] = (float) (128 + (r - y) / (2 * (1 - KR)));
        }
        return new float[][] {cb, cr};
    }
}
