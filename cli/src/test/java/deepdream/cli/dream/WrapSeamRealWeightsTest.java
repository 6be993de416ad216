package deepdream.cli.dream;

import deepdream.cli.Cli;
import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.TestImages;
import deepdream.engine.image.PlanarImage;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 17 on the real GoogLeNet: a small 2:1 panorama (eagle.jpg stretched, its first columns
 * cross-faded into the photo's continuation, so the input itself has no seam), W not a multiple of
 * inception_4c's stride 16. Dreamed with --wrap x, the seam pair |O[:,0] − O[:,W−1]| lies inside the
 * 5th–95th percentile of the interior neighbour-column differences, and the edge columns change as
 * much as the same columns do when dreamed in the middle of a turned copy; without --wrap the edges
 * show: a band that changes clearly less. Numbers: docs/artist.md ("How periodic is --wrap x").
 */
class WrapSeamRealWeightsTest {
    /** 392 = 24·16 + 8: a width off inception_4c's stride, the grid half a stride out of step at the seam. */
    static final int W = 392, H = W / 2, FADE = 40, BAND = 8, OFFSET = 140;

    @TempDir Path dir;

    @Test
    void theSeamOfAWrappedPanoramaIsLikeAnyOtherColumnPair() throws Exception {
        Path weights = RealWeights.weightsOrSkip();
        BufferedImage eagle = javax.imageio.ImageIO.read(RealWeights.sharedFileOrSkip("images/eagle.jpg").toFile());
        BufferedImage wide = new BufferedImage(2 * W, H, BufferedImage.TYPE_INT_RGB);   // the photo stretched to 4:1, its left part used
        Graphics2D g = wide.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(eagle, 0, 0, 2 * W, H, null);
        g.dispose();
        BufferedImage pano = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB), turned = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int rgb = wide.getRGB(OFFSET + x, y);
                if (x < FADE) rgb = mix(wide.getRGB(OFFSET + W + x, y), rgb, (double) x / FADE);   // column W−1 runs on into column 0
                pano.setRGB(x, y, rgb);
                turned.setRGB((x + W / 2) % W, y, rgb);
            }
        Path in = TestImages.write(dir.resolve("pano.png"), pano, "png"), inTurned = TestImages.write(dir.resolve("turned.png"), turned, "png");
        String[] common = {"--weights", weights.toString(), "--backend", "cpu", "--seed", "1", "--octaves", "1", "--jitter", "0", "--force"};
        long t0 = System.nanoTime();
        PlanarImage input = ImageFiles.read(in, Long.MAX_VALUE);
        PlanarImage wrapped = dream(in, "wrapped.png", common, "--wrap", "x");
        PlanarImage reference = roll(dream(inTurned, "turned-wrapped.png", common, "--wrap", "x"), -W / 2);   // the seam dreamed in the middle
        PlanarImage plain = dream(in, "plain.png", common);

        double[] d = neighbourDifferences(wrapped);
        double seam = seam(wrapped), p5 = percentile(d, 5), p95 = percentile(d, 95), rank = rank(d, seam);
        double bandWrapped = bandChange(wrapped, input), bandPlain = bandChange(plain, input), bandReference = bandChange(reference, input);
        double seamPlain = seam(plain), rankPlain = rank(neighbourDifferences(plain), seamPlain);
        System.out.printf(Locale.ROOT, "[wrap seam] %.1f s;  --wrap x: seam %.2f, interior mean %.2f, p5 %.2f, p95 %.2f, rank %.0f %%; same pair in the middle of a turned copy %.2f;"
                        + " without --wrap: seam %.2f (rank %.0f %%); change of the %d edge columns: --wrap x %.2f, turned copy %.2f, without --wrap %.2f%n",
                (System.nanoTime() - t0) / 1e9, seam, mean(d), p5, p95, rank, seam(reference), seamPlain, rankPlain, 2 * BAND, bandWrapped, bandReference, bandPlain);
        assertTrue(seam >= p5 && seam <= p95, String.format(Locale.ROOT,
                "--wrap x: the seam difference %.2f is outside the interior's 5th..95th percentile %.2f..%.2f (rank %.0f %%)", seam, p5, p95, rank));
        assertTrue(bandWrapped > 0.85 * bandReference, String.format(Locale.ROOT,
                "--wrap x: the edge columns change %.2f, the same columns in the middle of a turned copy %.2f: the edges still show", bandWrapped, bandReference));
        assertTrue(bandPlain < 0.8 * bandReference, String.format(Locale.ROOT,
                "without --wrap the edges should show (the net's zero padding): edge change %.2f vs %.2f in the middle", bandPlain, bandReference));
    }

    private PlanarImage dream(Path in, String out, String[] common, String... extra) {
        String[] args = {"dream", in.toString(), "-o", dir.resolve(out).toString()};
        String[] all = Arrays.copyOf(args, args.length + common.length + extra.length);
        System.arraycopy(common, 0, all, args.length, common.length);
        System.arraycopy(extra, 0, all, args.length + common.length, extra.length);
        Cli.Result r = Cli.run(all);
        assertEquals(0, r.exit(), r.toString());
        return ImageFiles.read(dir.resolve(out), Long.MAX_VALUE);
    }

    static int mix(int a, int b, double t) {
        int r = 0;
        for (int s = 16; s >= 0; s -= 8) r = r << 8 | (int) Math.round((1 - t) * (a >> s & 255) + t * (b >> s & 255));
        return r;
    }

    /** Luma (BT.601, as OpenCV's grey) of pixel (y, x). */
    static double grey(PlanarImage o, int y, int x) { return 0.299 * o.get(0, y, x) + 0.587 * o.get(1, y, x) + 0.114 * o.get(2, y, x); }

    /** Mean over rows of |grey[:, j] − grey[:, k]|. */
    static double columnDifference(PlanarImage o, int j, int k) {
        double s = 0;
        for (int y = 0; y < o.height(); y++) s += Math.abs(grey(o, y, j) - grey(o, y, k));
        return s / o.height();
    }

    static double seam(PlanarImage o) { return columnDifference(o, 0, o.width() - 1); }

    /** The interior neighbour-column differences, pairs (j, j+1) for j = 0..W−2. */
    static double[] neighbourDifferences(PlanarImage o) {
        double[] d = new double[o.width() - 1];
        for (int j = 0; j + 1 < o.width(); j++) d[j] = columnDifference(o, j, j + 1);
        return d;
    }

    /** Mean |output − input| (grey) in the BAND columns at each edge. */
    static double bandChange(PlanarImage o, PlanarImage in) {
        double s = 0;
        int n = 0;
        for (int y = 0; y < o.height(); y++)
            for (int j = 0; j < BAND; j++)
                for (int x : new int[] {j, o.width() - 1 - j}) {
                    s += Math.abs(grey(o, y, x) - grey(in, y, x));
                    n++;
                }
        return s / n;
    }

    static PlanarImage roll(PlanarImage o, int dx) {
        PlanarImage r = new PlanarImage(o.channels(), o.height(), o.width());
        for (int c = 0; c < o.channels(); c++)
            for (int y = 0; y < o.height(); y++)
                for (int x = 0; x < o.width(); x++) r.set(c, y, Math.floorMod(x + dx, o.width()), o.get(c, y, x));
        return r;
    }

    static double percentile(double[] d, double p) {
        double[] s = d.clone();
        Arrays.sort(s);
        double pos = p / 100 * (s.length - 1);
        int i = (int) Math.floor(pos);
        return i + 1 < s.length ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
    }

    /** Percent of the values below v. */
    static double rank(double[] d, double v) { return 100.0 * Arrays.stream(d).filter(x -> x < v).count() / d.length; }

    static double mean(double[] d) { return Arrays.stream(d).average().orElse(0); }
}
