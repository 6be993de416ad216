package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.io.Npy;
import deepdream.cli.io.TestImages;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.visualize.Saliency;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** visualize and saliency on the tiny random net (13x11 input, blob cat 1x5x3x3, class scores fc, 5 labels). */
class VisualizeCommandTest {
    @TempDir Path dir;
    TinyModelFiles tiny;
    Path out;

    @BeforeEach
    void setUp() throws Exception {
        tiny = new TinyModelFiles(dir);
        out = dir.resolve("v.png");
    }

    /** The tiny net's conv layers run at its own 13x11: one octave, few steps; options in rest override these. */
    Cli.Result visualize(String... rest) {
        java.util.Map<String, String> defaults = new java.util.LinkedHashMap<>();
        defaults.put("-o", out.toString());
        defaults.put("--size", "11x13");
        defaults.put("--octaves", "1");
        defaults.put("--iterations", "6");
        defaults.put("--seed", "4");
        defaults.put("--jitter", "1");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(rest));
        for (var e : defaults.entrySet())
            if (!args.contains(e.getKey())) { args.add(e.getKey()); args.add(e.getValue()); }
        return Cli.run(tiny.args("visualize", args.toArray(new String[0])));
    }

    @Test
    void channelVisualizationIsWrittenWithItsParametersAndRepeatsForASeed() throws Exception {
        Cli.Result r = visualize("--layer", "cat", "--channel", "2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("wrote " + out + " (11x13, cat channel 2)"), r.out());
        PlanarImage first = ImageFiles.read(out, 1000);
        assertEquals(11, first.width());
        assertEquals(13, first.height());
        String command = ImageWriter.readText(out).get("deepdream.command");
        assertTrue(command.contains("--channel 2") && command.contains("--seed 4") && command.contains("--tv "), command);
        Files.delete(out);
        assertEquals(0, visualize("--layer", "cat", "--channel", "2").exit());
        assertArrayEquals(first.data(), ImageFiles.read(out, 1000).data(), "same seed, same image");
    }

    @Test
    void initStartsFromThePhotoInsteadOfNoise() throws Exception {
        Path photo = TestImages.write(dir.resolve("photo.png"), TestImages.rgb(22, 26), "png");   // resized to 11x13
        PlanarImage start = deepdream.engine.image.Resize.bilinear(ImageFiles.read(photo, 10_000), 13, 11);
        assertEquals(0, visualize("--layer", "cat", "--channel", "2", "--iterations", "2", "--step", "0.5", "--init", photo.toString()).exit());
        double fromPhoto = meanAbsDiff(ImageFiles.read(out, 1000), start);
        assertTrue(ImageWriter.readText(out).get("deepdream.command").contains("--init "), "the command records the start image");
        assertEquals(0, visualize("--layer", "cat", "--channel", "2", "--iterations", "2", "--step", "0.5").exit());
        double fromNoise = meanAbsDiff(ImageFiles.read(out, 1000), start);
        assertTrue(fromPhoto < 0.25 * fromNoise, "distance to the photo: " + fromPhoto + " with --init, " + fromNoise + " without");
    }

    static double meanAbsDiff(PlanarImage a, PlanarImage b) {
        double s = 0;
        for (int i = 0; i < a.data().length; i++) s += Math.abs(a.data()[i] - b.data()[i]);
        return s / a.data().length;
    }

    @Test
    void classByNameRaisesItsProbabilityAndPrintsBothFigures() {
        Cli.Result r = visualize("--class", "two", "--iterations", "15", "--jitter", "0", "--scale-jitter", "0");
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("two \\(class 2\\): probability ([0-9.]+) before \\(the starting noise\\), ([0-9.]+) after").matcher(r.out());
        assertTrue(m.find(), r.out());
        double before = Double.parseDouble(m.group(1)), after = Double.parseDouble(m.group(2));
        assertTrue(after > before && after > 0.5, "probability " + before + " -> " + after);
        assertTrue(r.out().contains("fc class 2"), r.out());   // the pre-softmax scores
        // The synset id and the index name the same class.
        assertTrue(visualize("--class", "n2").out().contains("two (class 2)"));
        assertTrue(visualize("--class", "2").out().contains("two (class 2)"));
    }

    @Test
    void ambiguousUnknownAndOutOfRangeClassesAreClearErrors() {
        Cli.Result amb = visualize("--class", "o");
        assertEquals(1, amb.exit());
        assertTrue(amb.err().contains("--class o is ambiguous: it matches 4 classes:"), amb.err());
        for (String line : new String[] {"0  n0 zero", "1  n1 one", "2  n2 two", "4  n4 four"}) assertTrue(amb.err().contains(line), amb.err());
        assertFalse(amb.err().contains("three"), amb.err());
        assertFalse(Files.exists(out));
        Cli.Result none = visualize("--class", "goldfish");
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("--class goldfish matches no class label"), none.err());
        Cli.Result range = visualize("--class", "5");
        assertEquals(1, range.exit());
        assertTrue(range.err().contains("--class 5 is out of range: the net has 5 classes (0..4)"), range.err());
        assertFalse(range.err().contains("Exception"), range.err());
    }

    @Test
    void unitVisualizationAndBadUnits() {
        Cli.Result r = visualize("--layer", "cat", "--unit", "1,2,0");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("cat unit 1,2,0"), r.out());
        assertTrue(visualize("--layer", "cat", "--unit", "3").out().contains("cat unit 3,1,1"), "C alone is the centre unit");
        Cli.Result outside = visualize("--layer", "cat", "--unit", "1,3,0");
        assertEquals(1, outside.exit());
        assertTrue(outside.err().contains("position (3,0) is outside cat, which is 3x3"), outside.err());
        Cli.Result channel = visualize("--layer", "cat", "--unit", "5,0,0");
        assertTrue(channel.err().contains("channel 5 is out of range: cat has 5 channels (0..4)"), channel.err());
        assertTrue(visualize("--layer", "cat", "--unit", "a,b").err().contains("expected C or C,Y,X"));
    }

    @Test
    void gridWritesALabelledSheetOfTheChannels() throws Exception {
        Cli.Result r = visualize("--layer", "cat", "--grid", "3");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("3 channels of cat: 0,1,2"), r.out());
        // 2 columns x 2 rows of 11x13 tiles, 6-pixel gaps, 18-pixel captions.
        PlanarImage sheet = ImageFiles.read(out, 100_000);
        assertEquals(6 + 2 * (11 + 6), sheet.width());
        assertEquals(6 + 2 * (13 + 18 + 6), sheet.height());
        Cli.Result list = visualize("--layer", "cat", "--grid", "4,1");
        assertTrue(list.out().contains("2 channels of cat: 4,1"), list.out());
        assertTrue(ImageWriter.readText(out).get("deepdream.visualize").contains("grid of channels 4,1"));
        Cli.Result tooMany = visualize("--layer", "cat", "--grid", "9");
        assertEquals(1, tooMany.exit());
        assertTrue(tooMany.err().contains("--grid 9: cat has only 5 channels"), tooMany.err());
        assertTrue(visualize("--layer", "cat", "--grid", "1,x").err().contains("expected a count"));
    }

    /** --batch only changes how many tiles go through the net together, never the pixels. */
    @Test
    void gridBatchSizeDoesNotChangeThePixels() throws Exception {
        assertEquals(0, visualize("--layer", "cat", "--grid", "5", "--batch", "1").exit());
        PlanarImage one = ImageFiles.read(out, 100_000);
        for (String batch : new String[] {"2", "5", "8"}) {
            Cli.Result r = visualize("--layer", "cat", "--grid", "5", "--batch", batch);
            assertEquals(0, r.exit(), r.toString());
            assertArrayEquals(one.data(), ImageFiles.read(out, 100_000).data(), "--batch " + batch + " = --batch 1, bit for bit");
        }
        Cli.Result zero = visualize("--layer", "cat", "--grid", "5", "--batch", "0");
        assertEquals(1, zero.exit());
        assertTrue(zero.err().contains("--batch 0: give at least 1"), zero.err());
        Cli.Result single = visualize("--layer", "cat", "--channel", "1", "--batch", "4");
        assertEquals(1, single.exit());
        assertTrue(single.err().contains("--batch applies to --grid only"), single.err());
    }

    @Test
    void badOptionsFailBeforeAnyWork() {
        Cli.Result none = Cli.run(tiny.args("visualize", "-o", out.toString()));
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().contains("--channel") && none.err().contains("--class"), none.err());
        Cli.Result both = visualize("--channel", "1", "--class", "2");
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        Cli.Result ext = Cli.run(tiny.args("visualize", "--channel", "1", "-o", dir.resolve("v.gif").toString()));
        assertTrue(ext.err().contains("name the output .png or .jpg"), ext.err());
        Cli.Result size = visualize("--channel", "1", "--size", "0");
        assertTrue(size.err().contains("--size 0: expected PIXELS"), size.err());
        Cli.Result octaves = visualize("--channel", "1", "--octaves", "9");
        assertTrue(octaves.err().contains("smallest octave would be"), octaves.err());
        Cli.Result layer = visualize("--layer", "catt", "--channel", "1");
        assertEquals(1, layer.exit());
        assertTrue(layer.err().contains("catt"), layer.err());
        Cli.Result tv = visualize("--channel", "1", "--layer", "cat", "--tv", "-1");
        assertTrue(tv.err().contains("TV weight must be 0 or more"), tv.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void saliencyIsTheReductionOfTheProbeGradientOfTheClassScore() throws Exception {
        // An image at the net's input size (11x13), so saliency and probe see the same input.
        Path image = TestImages.write(dir.resolve("img.png"), TestImages.rgb(11, 13), "png");
        Path probeDir = dir.resolve("probe"), map = dir.resolve("map.npy"), png = dir.resolve("s.png");
        Cli.Result p = Cli.run(tiny.args("probe", "--input", image.toString(), "--layer", "fc", "--unit", "3", "--out", probeDir.toString()));
        assertEquals(0, p.exit(), p.toString());
        assertTrue(p.out().contains("unit 3,0,0 = "), p.out());
        Cli.Result s = Cli.run(tiny.args("saliency", image.toString(), "--class", "three", "-o", png.toString(), "--npy", map.toString()));
        assertEquals(0, s.exit(), s.toString());
        assertTrue(s.out().startsWith("three (class 3): score "), s.out());
        Npy.Array grad = Npy.read(probeDir.resolve("input_grad.npy")), m = Npy.read(map);
        assertArrayEquals(new int[] {13, 11}, m.shape());
        float[] expected = Saliency.reduce(grad.data(), 3, 13, 11);
        assertArrayEquals(expected, m.data(), 1e-6f);
        float max = 0;
        for (float v : m.data()) max = Math.max(max, v);
        assertEquals(1f, max, 0f);
        // The grey map at the photo's size: white where the map is 1.
        PlanarImage grey = ImageFiles.read(png, 1000);
        int argmax = 0;
        for (int i = 1; i < expected.length; i++) if (expected[i] > expected[argmax]) argmax = i;
        assertEquals(255f, grey.data()[argmax], 0f);
    }

    @Test
    void saliencyDefaultsToTheTopClassAndOverlaysThePhoto() throws Exception {
        Path image = TestImages.write(dir.resolve("img.png"), TestImages.rgb(30, 20), "png"), png = dir.resolve("o.jpg");
        Cli.Result c = Cli.run(tiny.args("classify", image.toString(), "--top", "1"));
        String top = c.out().strip().split(" ", 3)[2];
        Cli.Result s = Cli.run(tiny.args("saliency", image.toString(), "--overlay", "-o", png.toString()));
        assertEquals(0, s.exit(), s.toString());
        assertTrue(s.out().startsWith(top + " (class "), s.out() + " vs " + top);
        assertTrue(s.out().contains("(the most probable class)"), s.out());
        assertTrue(s.out().contains("(30x20, heat map over the photo)"), s.out());
        PlanarImage o = ImageFiles.read(png, 1000);
        assertEquals(30, o.width());
        assertEquals(20, o.height());
        Cli.Result bad = Cli.run(tiny.args("saliency", image.toString(), "--class", "o", "-o", png.toString()));
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("ambiguous"), bad.err());
    }

    /** visualize --param fft on the tiny net: its own defaults (no octaves). */
    Cli.Result fft(String... rest) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--param", "fft", "-o", out.toString(), "--size", "11x13", "--iterations", "6", "--seed", "4"));
        args.addAll(java.util.List.of(rest));
        return Cli.run(tiny.args("visualize", args.toArray(new String[0])));
    }

    @Test
    void fftVisualizationRecordsACommandThatRepeatsIt() throws Exception {
        Cli.Result r = fft("--layer", "cat", "--channel", "2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("wrote " + out + " (11x13, cat channel 2)"), r.out());
        PlanarImage first = ImageFiles.read(out, 1000);
        String command = ImageWriter.readText(out).get("deepdream.command");
        assertTrue(command.contains("--param fft --optimizer adam --lr 0.05 --transforms lucid --spectrum-decay 1 --seed 4"), command);
        assertFalse(command.contains("--tv") || command.contains("--octaves"), command);
        assertEquals("Fourier coefficients N(0, 0.01^2)", ImageWriter.readText(out).get("deepdream.start"));
        // The recorded command, run again (it names the model and backend; the weights file is added).
        Files.delete(out);
        java.util.List<String> words = new java.util.ArrayList<>(java.util.List.of(command.substring("deepdream ".length()).split(" ")));
        words.addAll(java.util.List.of("--weights", tiny.weights.toString()));
        Cli.Result again = Cli.run(words.toArray(new String[0]));
        assertEquals(0, again.exit(), again.toString());
        assertArrayEquals(first.data(), ImageFiles.read(out, 1000).data(), "the recorded command repeats the image");
        // The step rule and the classic transforms work with fft too.
        Cli.Result step = fft("--layer", "cat", "--channel", "2", "--optimizer", "step", "--transforms", "classic", "--jitter", "1");
        assertEquals(0, step.exit(), step.toString());
        assertTrue(ImageWriter.readText(out).get("deepdream.command").contains("--optimizer step --step 2 --transforms classic"));
    }

    @Test
    void directionAndNeuronObjectives() throws Exception {
        Cli.Result r = fft("--layer", "cat", "--direction", "0:1,3:-0.5");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("cat direction 0:1,3:-0.5"), r.out());
        Path npy = dir.resolve("v.npy");
        Npy.write(npy, new int[] {5}, new float[] {1, 0, 0, -0.5f, 0});
        assertEquals(0, fft("--layer", "cat", "--direction", npy.toString()).exit());
        Npy.write(npy, new int[] {4}, new float[] {1, 0, 0, 0});
        Cli.Result shortVector = fft("--layer", "cat", "--direction", npy.toString());
        assertEquals(1, shortVector.exit());
        assertTrue(shortVector.err().contains("4 values, but cat has 5 channels"), shortVector.err());
        assertTrue(fft("--layer", "cat", "--direction", "0=1").err().contains("expected channel:weight pairs"));
        assertTrue(fft("--layer", "cat", "--direction", "7:1").err().contains("channel 7 is out of range"));
        Cli.Result neuron = fft("--layer", "cat", "--neuron", "1");
        assertEquals(0, neuron.exit(), neuron.toString());
        assertTrue(neuron.out().contains("cat unit 1,1,1"), neuron.out());
    }

    @Test
    void diversityWritesASheetOfKImages() throws Exception {
        Cli.Result r = fft("--layer", "cat", "--channel", "2", "--diversity", "3");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("3 diverse images of cat channel 2"), r.out());
        PlanarImage sheet = ImageFiles.read(out, 100_000);
        assertEquals(6 + 3 * (11 + 6), sheet.width());   // one row of three 11x13 tiles, 6-pixel gaps
        assertTrue(ImageWriter.readText(out).get("deepdream.command").contains("--diversity 3 --diversity-weight 100"));
        // Three different images: the tiles differ.
        PlanarImage a = sheet.crop(6, 6, 13, 11), b = sheet.crop(6, 6 + 17, 13, 11);   // tiles at x = 6 + 17i, y = 6
        assertTrue(meanAbsDiff(a, b) > 0.5, "the tiles are the same image");
    }

    @Test
    void fftOptionsThatDoNotApplyAreClearErrors() {
        Cli.Result tv = fft("--layer", "cat", "--channel", "2", "--tv", "0.1");
        assertEquals(1, tv.exit());
        assertTrue(tv.err().contains("--tv has no effect with --param fft"), tv.err());
        assertTrue(fft("--layer", "cat", "--channel", "2", "--octaves", "2").err().contains("--octaves has no effect with --param fft"));
        assertTrue(visualize("--layer", "cat", "--channel", "2", "--diversity", "2").err().contains("--diversity needs --param fft"));
        assertTrue(fft("--layer", "cat", "--unit", "1", "--diversity", "2").err().contains("--diversity needs --channel or --direction"));
        assertTrue(visualize("--layer", "cat", "--channel", "1", "--param", "wavelet").err().contains("--param wavelet: expected one of pixel, fft"));
        assertTrue(fft("--layer", "cat", "--channel", "1", "--optimizer", "sgd").err().contains("expected one of step, adam"));
        assertTrue(fft("--layer", "cat", "--channel", "1", "--optimizer", "step", "--lr", "0.1").err().contains("--lr is Adam's learning rate"));
        assertTrue(fft("--layer", "cat", "--channel", "1", "--lr", "0").err().contains("learning rate must be positive"));
        assertFalse(Files.exists(out));
    }
}
