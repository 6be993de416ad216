package deepdream.cli.testdata;

import deepdream.importers.caffe.proto.Caffe.BlobProto;
import deepdream.importers.caffe.proto.Caffe.BlobShape;
import deepdream.importers.caffe.proto.Caffe.LayerParameter;
import deepdream.importers.caffe.proto.Caffe.NetParameter;
import deepdream.cli.Cli;
import deepdream.cli.io.Npy;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The worked example of docs/how-it-works.md: test-data/one-conv.caffemodel and one-conv-input.npy
 * are made here (the test checks the committed files are exactly what it makes; to regenerate them:
 * {@code mvn -B -ntp verify -pl cli -am -Dtest=WorkedExampleTest -Dsurefire.failIfNoSpecifiedTests=false -Dtestdata.regenerate=true}),
 * and 'probe' on them prints the numbers the document derives by hand.
 */
public class WorkedExampleTest {
    static final float[] IMAGE = {
            1, 2, 0, 1,
            0, 1, 3, 1,
            2, 0, 1, 0,
            1, 1, 0, 2};
    static final float[] KERNEL = {
            1, 0, -1,
            0, 1, 0,
            -1, 0, 1};
    /** y = conv(x, w): worked out by hand in the document. */
    static final float[] ACTIVATION = {1, 4, -4, 2};
    /** d(0.5·Σy²)/dx = Σ_positions y·w placed at that position: by hand in the document. */
    static final float[] INPUT_GRAD = {
            1, 4, -1, -4,
            -4, 3, 8, -2,
            -1, -8, 3, 4,
            4, -2, -4, 2};

    static byte[] caffemodel() {
        BlobShape.Builder ws = BlobShape.newBuilder().addDim(1).addDim(1).addDim(3).addDim(3);
        BlobProto.Builder w = BlobProto.newBuilder().setShape(ws);
        for (float v : KERNEL) w.addData(v);
        BlobProto.Builder b = BlobProto.newBuilder().setShape(BlobShape.newBuilder().addDim(1)).addData(0f);
        return NetParameter.newBuilder().setName("one-conv")
                .addLayer(LayerParameter.newBuilder().setName("conv").setType("Convolution").addBottom("data").addTop("conv").addBlobs(w).addBlobs(b))
                .build().toByteArray();
    }

    static byte[] inputNpy() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new int[] {1, 1, 4, 4}, IMAGE);
        return out.toByteArray();
    }

    static Path testData() { return RealWeights.repoRoot().resolve("test-data"); }

    @Test
    void committedFilesAreWhatTheGeneratorMakes() throws Exception {
        if (Boolean.getBoolean("testdata.regenerate")) {
            Files.write(testData().resolve("one-conv.caffemodel"), caffemodel());
            Files.write(testData().resolve("one-conv-input.npy"), inputNpy());
        }
        assertArrayEquals(caffemodel(), Files.readAllBytes(testData().resolve("one-conv.caffemodel")));
        assertArrayEquals(inputNpy(), Files.readAllBytes(testData().resolve("one-conv-input.npy")));
    }

    @Test
    void probePrintsTheHandComputedNumbers(@TempDir Path out) {
        Cli.Result r = Cli.run("probe", "--model", testData().resolve("one-conv.prototxt").toString(),
                "--weights", testData().resolve("one-conv.caffemodel").toString(), "--backend", "reference",
                "--input", testData().resolve("one-conv-input.npy").toString(), "--layer", "conv", "--out", out.toString(), "--print");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("conv 1x1x2x2  0.5*sum(a^2) = 18.5000\n"), r.out());
        assertArrayEquals(ACTIVATION, Npy.read(out.resolve("activation.npy")).data());
        assertArrayEquals(INPUT_GRAD, Npy.read(out.resolve("input_grad.npy")).data());
        assertTrue(r.out().contains("""
                input_grad 1x1x4x4:
                         1         4        -1        -4
                        -4         3         8        -2
                        -1        -8         3         4
                         4        -2        -4         2
                """), r.out());
    }
}
