package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.io.Npy;
import deepdream.cli.io.TestImages;
import deepdream.engine.dream.LaplacianNorm;
import deepdream.engine.image.Colors;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.CaffeImporter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The artist's controls of 'dream' on the tiny random net: --lap-norm, --normalize, --mask, --original-colors, octave sizes. */
class ArtistControlsTest {
    @TempDir Path dir;
    TinyModelFiles tiny;
    Path photo;
    static final int W = 61, H = 47;

    @BeforeEach
    void setUp() throws Exception {
        tiny = new TinyModelFiles(dir);
        BufferedImage img = TestImages.rgb(W, H);
        Random r = new Random(1);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) if (r.nextInt(9) == 0) img.setRGB(x, y, r.nextInt(1 << 24));
        photo = TestImages.write(dir.resolve("photo.png"), img, "png");
    }

    Cli.Result dream(String... rest) {
        List<String> given = Arrays.asList(rest);
        List<String> args = new ArrayList<>(List.of("dream", photo.toString(), "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(),
                "--backend", "cpu", "--threads", "2", "--layer", "cat"));
        String[][] defaults = {{"--seed", "3"}, {"--octaves", "2"}, {"--iterations", "3"}, {"--jitter", "4"}};
        for (String[] d : defaults) if (!given.contains(d[0])) args.addAll(List.of(d));
        args.addAll(given);
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    PlanarImage read(Path p) { return ImageFiles.read(p, Long.MAX_VALUE); }

    /** One step without jitter: x + step·shape(g), clipped, with g from 'probe' (an independent path to the gradient). */
    PlanarImage expectedOneStep(java.util.function.Function<float[], float[]> shape) throws Exception {
        NetDef def = CaffeImporter.load(tiny.prototxt, tiny.weights);
        PlanarImage x = Preprocess.toNet(read(photo), def.meanBgr());
        BackendOptions ref = new BackendOptions();
        ref.backend = "reference";
        float[] g = shape.apply(ProbeCommand.probe(def, new Npy.Array(x.nchw(), x.data()), "cat", ref).inputGrad());
        int plane = x.height() * x.width();
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            float m = def.meanBgr()[i / plane];
            d[i] = Math.min(255 - m, Math.max(-m, d[i] + g[i]));
        }
        return Preprocess.fromNet(x, def.meanBgr());
    }

    static double maxDiff(PlanarImage a, PlanarImage b) {
        double worst = 0;
        for (int i = 0; i < a.data().length; i++) worst = Math.max(worst, Math.abs(a.data()[i] - b.data()[i]));
        return worst;
    }

    @Test
    void lapNormStepIsStepTimesTheTutorialsLapNormalize() throws Exception {
        Path out = dir.resolve("lap.png");
        dream("-o", out.toString(), "--octaves", "1", "--iterations", "1", "--jitter", "0", "--lap-norm", "3", "--step", "2");
        PlanarImage expected = expectedOneStep(g -> {
            float[] n = new float[g.length];
            new LaplacianNorm(3, H, W, 3).normalize(g, n);
            for (int i = 0; i < n.length; i++) n[i] *= 2;
            return n;
        });
        double worst = maxDiff(read(out), expected);
        assertTrue(worst <= 1, "largest difference from x + 2·lap_normalize(g): " + worst + " grey levels");
        assertTrue(maxDiff(read(out), read(photo)) > 3, "the step changed the image");
        assertEquals("laplacian 3", ImageWriter.readText(out).get("deepdream.normalize"));
        assertTrue(ImageWriter.readText(out).get("deepdream.command").contains(" --lap-norm 3"));
    }

    @Test
    void normalizeStdDividesByTheRootMeanSquare() throws Exception {
        Path out = dir.resolve("std.png");
        dream("-o", out.toString(), "--octaves", "1", "--iterations", "1", "--jitter", "0", "--normalize", "std");
        PlanarImage expected = expectedOneStep(g -> {
            double s = 0;
            for (float v : g) s += (double) v * v;
            double rms = Math.sqrt(s / g.length);
            float[] n = new float[g.length];
            for (int i = 0; i < n.length; i++) n[i] = (float) (1.5 / rms * g[i]);
            return n;
        });
        assertTrue(maxDiff(read(out), expected) <= 1, "largest difference from x + 1.5·g/rms(g): " + maxDiff(read(out), expected));
        assertEquals("std", ImageWriter.readText(out).get("deepdream.normalize"));
    }

    @Test
    void blackMaskPixelsStayTheirGreyLevelWhiteOnesDream() throws Exception {
        BufferedImage m = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) m.getRaster().setSample(x, y, 0, x < 30 ? 0 : 255);
        Path mask = TestImages.write(dir.resolve("mask.png"), m, "png");
        Path out = dir.resolve("masked.png");
        dream("-o", out.toString(), "--mask", mask.toString());
        PlanarImage before = read(photo), after = read(out);
        double black = 0, white = 0;
        int plane = W * H;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    int i = c * plane + y * W + x;
                    double d = Math.abs(after.data()[i] - before.data()[i]);
                    if (x < 30) black = Math.max(black, d);
                    else white = Math.max(white, d);
                }
        assertTrue(black <= 1, "under the black half the photo is unchanged: max " + black + " grey levels");
        assertTrue(white > 10, "the white half dreams: max change " + white);
        assertEquals(mask.toString(), ImageWriter.readText(out).get("deepdream.mask"));
    }

    @Test
    void aMaskOfAnotherShapeIsRefused() throws Exception {
        Path mask = TestImages.write(dir.resolve("square.png"), TestImages.rgb(40, 40), "png");
        Cli.Result r = Cli.run("dream", photo.toString(), "-o", dir.resolve("x.png").toString(), "--model", tiny.prototxt.toString(),
                "--weights", tiny.weights.toString(), "--layer", "cat", "--mask", mask.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("the mask must have the image's aspect ratio"), r.err());
    }

    @Test
    void originalColorsKeepTheInputsChroma() throws Exception {
        Path plain = dir.resolve("plain.png"), kept = dir.resolve("kept.png");
        dream("-o", plain.toString(), "--step", "4");
        dream("-o", kept.toString(), "--step", "4", "--original-colors");
        float[][] in = Colors.chroma(read(photo)), a = Colors.chroma(read(plain)), b = Colors.chroma(read(kept));
        double plainShift = 0, keptShift = 0;
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < in[k].length; i++) {
                plainShift = Math.max(plainShift, Math.abs(a[k][i] - in[k][i]));
                keptShift = Math.max(keptShift, Math.abs(b[k][i] - in[k][i]));
            }
        assertTrue(plainShift > 10, "a plain dream changes the colours: max chroma change " + plainShift);
        assertTrue(keptShift <= 1, "--original-colors keeps Cb and Cr: max change " + keptShift + " levels");
        assertTrue(maxDiff(read(kept), read(photo)) > 10, "and still dreams (in brightness)");
    }

    @Test
    void octavesBelowTheModelsInputSizeAreDroppedWithANoteUnlessForced() {
        // The tiny net declares a 13x11 input: of 6 octaves of 61x47 the smallest (12x9) is below 11 px.
        Cli.Result r = dream("-o", dir.resolve("a.png").toString(), "--octaves", "6", "--iterations", "1");
        assertTrue(r.err().contains("dreaming 5 of 6 octaves: the smallest 1 would be under the 11 px the model was made for"), r.err());
        Cli.Result forced = dream("-o", dir.resolve("b.png").toString(), "--octaves", "6", "--iterations", "1", "--force");
        assertFalse(forced.err().contains("octaves:"), forced.err());
    }

    @Test
    void explicitOctaveSizesMayExceedTheInput() throws Exception {
        Path out = dir.resolve("big.png"), plain = dir.resolve("plain.png");
        dream("-o", out.toString(), "--octave-sizes", "44,61,85");
        dream("-o", plain.toString());
        PlanarImage img = read(out);
        assertEquals(W, img.width());
        assertEquals(H, img.height());
        assertTrue(maxDiff(img, read(plain)) > 3, "other octaves, another dream");
        assertEquals("44,61,85", ImageWriter.readText(out).get("deepdream.octave-sizes"));
    }

    @Test
    void channelsRanksByMeanActivationAndDreamPicksTheStrongest() throws Exception {
        Cli.Result ranked = Cli.run("channels", photo.toString(), "--layer", "cat", "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(),
                "--backend", "reference");
        assertEquals(0, ranked.exit(), ranked.toString());
        List<String[]> rows = ranked.out().lines().map(l -> l.trim().split("\\s+")).toList();
        assertTrue(rows.size() >= 3, ranked.out());
        for (int i = 1; i < rows.size(); i++)
            assertTrue(Double.parseDouble(rows.get(i - 1)[1]) >= Double.parseDouble(rows.get(i)[1]), "strongest first: " + ranked.out());
        Cli.Result weakest = Cli.run("channels", photo.toString(), "--layer", "cat", "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(),
                "--backend", "reference", "--weakest", "--top", "1");
        assertEquals(rows.get(rows.size() - 1)[0], weakest.out().trim().split("\\s+")[0], "--weakest starts from the other end");

        String strongest = rows.get(0)[0] + "," + rows.get(1)[0];
        Path picked = dir.resolve("picked.png"), listed = dir.resolve("listed.png");
        Cli.Result r = dream("-o", picked.toString(), "--channels", "strong:2");
        assertTrue(r.err().contains("channels " + strongest + " of cat (the 2 strongest on the photo)"), r.err());
        assertEquals("channels " + strongest, ImageWriter.readText(picked).get("deepdream.objective"));
        dream("-o", listed.toString(), "--channels", strongest);
        assertEquals(0, maxDiff(read(picked), read(listed)), "strong:2 is the list of the two strongest");
        assertTrue(maxDiff(read(picked), read(photo)) > 3, "and it dreams");
    }
}
