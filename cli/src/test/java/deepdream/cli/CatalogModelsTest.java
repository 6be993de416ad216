package deepdream.cli;

import deepdream.cli.io.TestImages;
import deepdream.engine.model.NetDef;
import deepdream.importers.ModelCatalog;
import deepdream.importers.caffe.CaffeFiles;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.onnx.TinyOnnx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * --model NAME (a catalog model instead of a file), each model's own preprocessing, default dream
 * layer and weights, the preprocessing flags, --layer names holding ':', and the bundled entries.
 */
class CatalogModelsTest {
    @TempDir Path dir;
    Path cache, image;

    @BeforeEach
    void setUp() throws Exception {
        cache = dir.resolve("cache");
        Files.createDirectories(cache);
        System.setProperty("deepdream.cache", cache.toString());
        System.setProperty("deepdream.ignoreEnv", "true");
        Path p = dir.resolve("models.properties");
        Files.writeString(p, "default=zzdefault\nzzdefault.url=http://127.0.0.1:9/z.caffemodel\ntoynet.format=onnx\ntoynet.file=toy.onnx\ntoynet.url=http://127.0.0.1:9/toy.onnx\n"
                + "toynet.channel_order=RGB\ntoynet.mean=0.5,0.5,0.5\ntoynet.std=0.25,0.25,0.25\ntoynet.scale=0.00392156862745098\n"
                + "toynet.dream_layer=r\ntoynet.labels_file=toy_labels.txt\n");
        System.setProperty("deepdream.catalog", p.toString());
        image = TestImages.write(dir.resolve("img.png"), TestImages.rgb(20, 18), "png");
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("deepdream.cache");
        System.clearProperty("deepdream.ignoreEnv");
        System.clearProperty("deepdream.catalog");
    }

    void installToy(String reluBlob) throws Exception {
        Files.write(cache.resolve("toy.onnx"), TinyOnnx.bytes(reluBlob));
        Files.writeString(cache.resolve("toy_labels.txt"), "n0 zero\nn1 one\nn2 two\nn3 three\nn4 four\n");
    }

    @Test
    void aCatalogNameIsAModelWithItsWeightsPreprocessingAndDreamLayer() throws Exception {
        installToy("r");
        Cli.Result layers = Cli.run("layers", "--model", "toynet");
        assertEquals(0, layers.exit(), layers.toString());
        assertTrue(layers.out().matches("(?s).*\nr\\s+1x4x6x6\n.*"), layers.out());

        Path out = dir.resolve("d.png");
        Cli.Result d = Cli.run("dream", image.toString(), "-o", out.toString(), "--model", "toynet", "--backend", "reference",
                "--octaves", "1", "--iterations", "2", "--seed", "3", "--force");
        assertEquals(0, d.exit(), d.toString());
        assertTrue(d.err().contains("dreaming on r, this model's default layer"), d.err());
        assertTrue(Files.isRegularFile(out));

        Cli.Result ch = Cli.run("channels", image.toString(), "--model", "toynet", "--backend", "reference");
        assertEquals(0, ch.exit(), ch.toString());
        assertEquals(4, ch.out().strip().split("\n").length, "the 4 channels of r, the model's dream layer: " + ch.out());

        Cli.Result c = Cli.run("classify", dir.resolve("img.png").toString(), "--model", "toynet", "--backend", "reference");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().matches("(?s).*n[0-4] (zero|one|two|three|four).*"), "labels from the entry's file: " + c.out());
    }

    @Test
    void theEntrysPreprocessingIsUsedAndFlagsOverrideIt() throws Exception {
        installToy("r");
        Path file = cache.resolve("toy.onnx");
        ModelOptions byName = new ModelOptions(), byFile = new ModelOptions(), flags = new ModelOptions();
        byName.model = Path.of("toynet");
        byFile.model = file;
        flags.model = file;
        flags.channelOrder = "RGB";
        flags.mean = new float[] {0.5f, 0.5f, 0.5f};
        flags.std = new float[] {0.25f, 0.25f, 0.25f};
        NetDef named = byName.loadNet(), plain = byFile.loadNet(), flagged = flags.loadNet();
        // Folded into the first convolution: the entry's (x/255-0.5)/0.25 differs from torchvision's, and the flags give the entry's.
        float[] wNamed = named.layers().get(0).blobs().get(0).data(), wPlain = plain.layers().get(0).blobs().get(0).data(),
                wFlags = flagged.layers().get(0).blobs().get(0).data();
        assertFalse(java.util.Arrays.equals(wNamed, wPlain), "the catalog's preprocessing, not the torchvision default");
        assertArrayEquals(wNamed, wFlags, "the flags say the same as the entry (std, scale: in the weights)");
        assertArrayEquals(named.meanBgr(), flagged.meanBgr(), "the mean: becomes the Caffe-style input's mean");
        assertFalse(java.util.Arrays.equals(named.meanBgr(), plain.meanBgr()));

        Cli.Result bad = Cli.run("layers", "--model", file.toString(), "--std", "0,1,1");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("--std") && bad.err().contains("must be > 0"), bad.err());
        Cli.Result two = Cli.run("layers", "--model", file.toString(), "--mean", "1,2");
        assertTrue(two.err().contains("--mean takes three numbers"), two.err());
    }

    @Test
    void aCaffeModelRefusesOnnxOnlyPreprocessing() throws Exception {
        TinyModelFiles tiny = new TinyModelFiles(dir);
        Cli.Result r = Cli.run("classify", image.toString(), "--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString(), "--std", "1,1,1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("a Caffe model takes BGR pixels minus --mean"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void unknownNamesAndMissingWeightsSayWhatToDo() throws Exception {
        Cli.Result unknown = Cli.run("layers", "--model", "resnet9000");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("--model resnet9000 is neither a file nor a known model; known models: toynet, zzdefault"), unknown.err());
        Cli.Result missingFile = Cli.run("layers", "--model", dir.resolve("nope.onnx").toString());
        assertTrue(missingFile.err().contains("nope.onnx") && missingFile.exit() == 1 && !missingFile.err().contains("\tat "), missingFile.err());
        Cli.Result noWeights = Cli.run("layers", "--model", "toynet");
        assertEquals(1, noWeights.exit());
        assertTrue(noWeights.err().contains("no weights found for toynet") && noWeights.err().contains("models fetch toynet"), noWeights.err());
        assertFalse(noWeights.err().contains("DEEPDREAM_WEIGHTS"), "the variable names the default model only: " + noWeights.err());
    }

    @Test
    void aLayerNameWithAColonIsTakenWholeAndAWeightStillWorks() throws Exception {
        installToy("relu:0");
        Path out = dir.resolve("c.png");
        String[] common = {"dream", image.toString(), "-o", out.toString(), "--model", "toynet", "--backend", "reference", "--octaves", "1", "--iterations", "1", "--seed", "1", "--force"};
        Cli.Result whole = Cli.run(concat(common, "--layer", "relu:0"));
        assertEquals(0, whole.exit(), whole.toString());
        Cli.Result weighted = Cli.run(concat(common, "--layer", "relu:0:0.5"));
        assertEquals(0, weighted.exit(), weighted.toString());
        Cli.Result bad = Cli.run(concat(common, "--layer", "relu:heavy"));
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("the weight after ':' must be a number"), bad.err());
    }

    @Test
    void theBundledCatalogHasTheZooWithChecksumsAndPlaces365() {
        System.clearProperty("deepdream.catalog");
        ModelCatalog c = ModelOptions.catalog();
        for (String name : new String[] {"googlenet_places365", "googlenet_onnx", "resnet50", "vgg16", "vgg19", "mobilenet_v2", "inception_v3"}) {
            ModelCatalog.Entry e = c.require(name);
            assertTrue(e.url().startsWith("http"), name);
            assertFalse(e.dreamLayer().isBlank(), name);
            assertFalse(e.license().isBlank(), name);
            if (e.format().equals("onnx")) {
                assertTrue(e.sha256().matches("[0-9a-f]{64}") && e.size() > 1_000_000, name + " has a sha256 and a size");
                assertTrue(e.fileName().endsWith(".onnx"), name);
            }
        }
        assertEquals("RGB", c.require("resnet50").preprocessing().channelOrder().name());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, c.require("vgg16").preprocessing().std());
        ModelCatalog.Entry places = c.require("googlenet_places365");
        NetDef arch = CaffeImporter.architecture(CaffeFiles.parsePrototxt(places.prototxt(), "places"), "places");
        var classifier = arch.layers().stream().filter(l -> l.name().equals("loss3/classifier")).findFirst().orElseThrow();
        assertEquals(365, classifier.blobs().get(0).shape()[0], "365 scene classes");
        assertTrue(arch.layers().stream().anyMatch(l -> l.top().equals("inception_4c/output")));
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
