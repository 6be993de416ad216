package deepdream.importers.onnx;

import deepdream.importers.caffe.CaffeParsersFuzzTest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The ONNX parser under the Caffe parsers' fuzz (same mutations, same rule): the tiny ONNX net of
 * {@link OnnxImporterTest}, mutated, loads or is a ModelFormatException — never another exception,
 * a hang, or an allocation sized by a declared length the file does not hold.
 */
class OnnxParserFuzzTest {
    static final byte[] MODEL = OnnxImporterTest.model(new OnnxImporterTest().tinyGraph(), 13).toByteArray();
    static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("deepdream-fuzz", ".onnx");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property
    void mutatedOnnxLoadsOrIsAFormatError(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int kind) throws IOException {
        Files.write(FILE, CaffeParsersFuzzTest.mutate(MODEL, new Random(seed), kind));
        Statistics.label("outcome").collect(CaffeParsersFuzzTest.outcome(() -> OnnxImporter.read(FILE, OnnxImporter.TORCHVISION)));
    }
}
