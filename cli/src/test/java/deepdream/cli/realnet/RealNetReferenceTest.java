package deepdream.cli.realnet;

import deepdream.cli.BackendOptions;
import deepdream.cli.ProbeCommand;
import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.Npy;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine (cpu backend, what users run) against the reference outputs of an independent float64
 * implementation of BVLC GoogLeNet with the same weights (../shared/reference, see its README):
 * activations and input gradients of 0.5·Σ blob², from the same preprocessed input.npy, so image
 * decoding and resizing are out of the comparison.
 *
 * <p>Tolerances and why: {@link Agreement}.
 */
class RealNetReferenceTest {
    static NetDef net;
    static Path reference;

    @BeforeAll
    static void load() {
        net = CaffeImporter.loadDefault(RealWeights.weightsOrSkip());
        reference = RealWeights.referenceDirOrSkip();
    }

    static BackendOptions cpu() {
        BackendOptions o = new BackendOptions();
        o.backend = "cpu";
        return o;
    }

    @Test
    void activationsAndGradientsAt224MatchTheReference() {
        Path dir = reference.resolve("eagle-224");
        Npy.Array input = Npy.read(dir.resolve("input.npy"));
        assertArrayEquals(new int[] {1, 3, 224, 224}, input.shape());
        for (String blob : new String[] {"pool1/norm1", "inception_3b/output", "inception_4c/output", "prob"}) {
            ProbeCommand.Result r = ProbeCommand.probe(net, input, blob, cpu());
            String file = blob.replace("/", "__");
            compare("eagle-224 " + blob + " activation", r.activationShape(), r.activation(), Npy.read(dir.resolve(file + ".activation.npy")), false);
            if (!blob.equals("prob"))   // the reference has no gradient of prob (its L2 objective is meaningless for DeepDream)
                compare("eagle-224 " + blob + " input gradient", input.shape(), r.inputGrad(), Npy.read(dir.resolve(file + ".input_grad.npy")), true);
        }
    }

    @Test
    void inception4cAtNativeSizeMatchesTheReference() {
        // 773×512: odd sizes, so every max pool has ceil-mode overhang (inception_4c/output is 1×512×32×48).
        Path dir = reference.resolve("eagle-native");
        Npy.Array input = Npy.read(dir.resolve("input.npy"));
        assertArrayEquals(new int[] {1, 3, 512, 773}, input.shape());
        ProbeCommand.Result r = ProbeCommand.probe(net, input, "inception_4c/output", cpu());
        assertArrayEquals(new int[] {1, 512, 32, 48}, r.activationShape());
        compare("eagle-native inception_4c/output activation", r.activationShape(), r.activation(),
                Npy.read(dir.resolve("inception_4c__output.activation.npy")), false);
        compare("eagle-native inception_4c/output input gradient", input.shape(), r.inputGrad(),
                Npy.read(dir.resolve("inception_4c__output.input_grad.npy")), true);
    }

    /**
     * Our own decoding and preprocessing of eagle.jpg at its own size (no resize) against the
     * reference's input.npy. JPEG decoders may round the IDCT and chroma upsampling differently;
     * measured with the JDK's ImageIO decoder: max |diff| 0 (identical). The bound allows another
     * decoder's rounding (±1–2 levels, a few more at sharp chroma edges) while a channel-order or
     * mean slip (tens of levels everywhere) fails the mean.
     */
    @Test
    void ourPreprocessingOfTheJpegMatchesTheReferenceInput() {
        Npy.Array expected = Npy.read(reference.resolve("eagle-native/input.npy"));
        PlanarImage rgb = ImageFiles.read(RealWeights.sharedFileOrSkip("images/eagle.jpg"), ImageFiles.DEFAULT_MAX_PIXELS);
        PlanarImage x = Preprocess.toNet(rgb, net.meanBgr());
        assertArrayEquals(expected.shape(), x.nchw(), "eagle.jpg is 773×512, preprocessed at its own size");
        double maxDiff = 0, sumDiff = 0;
        for (int i = 0; i < expected.data().length; i++) {
            double d = Math.abs(x.data()[i] - expected.data()[i]);
            maxDiff = Math.max(maxDiff, d);
            sumDiff += d;
        }
        double meanDiff = sumDiff / expected.data().length;
        System.out.printf(Locale.ROOT, "[real net] eagle.jpg preprocessed vs reference input.npy: max |diff| %.3g, mean |diff| %.3g gray levels%n", maxDiff, meanDiff);
        assertTrue(maxDiff <= DECODER_LEVELS, "max |diff| " + maxDiff + " gray levels");
        assertTrue(meanDiff <= 0.5, "mean |diff| " + meanDiff + " gray levels: a channel order or mean slip would be tens of levels");
    }

    static final double DECODER_LEVELS = 8;   // gray levels

    static void compare(String what, int[] shape, float[] actual, Npy.Array expected, boolean gradient) {
        assertArrayEquals(expected.shape(), shape, what + ": shape");
        if (gradient) Agreement.gradient(what + " vs the float64 reference", actual, expected.data());
        else Agreement.activation(what + " vs the float64 reference", actual, expected.data());
    }
}
