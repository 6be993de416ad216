package deepdream.cli.io;

import deepdream.engine.image.PlanarImage;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Tiles in a grid on a dark background, each with a caption under it (java.awt text). */
public final class ContactSheet {
    private ContactSheet() {}

    static final int GAP = 6, CAPTION = 18;
    static final Color BACKGROUND = new Color(24, 24, 24), TEXT = new Color(230, 230, 230);

    /** Columns for n tiles: about square, ceil(sqrt(n)). */
    public static int columns(int n) { return Math.max(1, (int) Math.ceil(Math.sqrt(n))); }

    /**
     * The sheet; every tile must have the same size. When no font can be drawn (a JDK without
     * fonts), the captions are left out and captionsDrawn() of the result is false.
     */
    public static Sheet compose(List<PlanarImage> tiles, List<String> captions, int columns) {
        if (tiles.isEmpty() || tiles.size() != captions.size()) throw new IllegalArgumentException("need one caption per tile, at least one tile");
        int th = tiles.get(0).height(), tw = tiles.get(0).width();
        for (PlanarImage t : tiles)
            if (t.height() != th || t.width() != tw) throw new IllegalArgumentException("tiles differ in size: " + t.width() + "x" + t.height() + " vs " + tw + "x" + th);
        int rows = (tiles.size() + columns - 1) / columns;
        int cellW = tw + GAP, cellH = th + CAPTION + GAP;
        BufferedImage sheet = new BufferedImage(GAP + columns * cellW, GAP + rows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        boolean captionsDrawn = true;
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            for (int i = 0; i < tiles.size(); i++) {
                int x = GAP + (i % columns) * cellW, y = GAP + (i / columns) * cellH;
                g.drawImage(ImageWriter.toBufferedImage(tiles.get(i)), x, y, null);
            }
            try {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setColor(TEXT);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                FontMetrics fm = g.getFontMetrics();
                for (int i = 0; i < tiles.size(); i++) {
                    int x = GAP + (i % columns) * cellW, y = GAP + (i / columns) * cellH + th;
                    String s = fit(captions.get(i), fm, tw);
                    g.drawString(s, x + (tw - fm.stringWidth(s)) / 2, y + (CAPTION + fm.getAscent() - fm.getDescent()) / 2);
                }
            } catch (RuntimeException | Error e) {
                // Headless JDKs without fontconfig/fonts fail here; the pictures are still worth having.
                captionsDrawn = false;
            }
        } finally {
            g.dispose();
        }
        return new Sheet(sheet, captionsDrawn);
    }

    public record Sheet(BufferedImage image, boolean captionsDrawn) {}

    /** The caption, shortened from the left with "…" until it fits the width. */
    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        for (int i = 1; i < s.length(); i++) {
            String t = "…" + s.substring(i);
            if (fm.stringWidth(t) <= width) return t;
        }
        return s;
    }
}
