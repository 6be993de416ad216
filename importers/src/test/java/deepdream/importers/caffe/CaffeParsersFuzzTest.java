package deepdream.importers.caffe;

import deepdream.engine.model.NetDef;
import deepdream.importers.ModelFormatException;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Caffe parsers under fuzz: a small real model (the tiny net's prototxt and V2 caffemodel)
 * mutated — bit flips, truncation, a length field set huge, a stretch repeated (repeated fields)
 * — must load or fail with {@link ModelFormatException}: never another exception, never a hang,
 * never an allocation sized by a declared length the file does not hold (the heap would run out).
 * 1000 tries per property in CI; {@code -Djqwik.tries.default=100000} for a long run.
 */
public class CaffeParsersFuzzTest {
    static final String PROTOTXT = TinyNets.deployText();
    static final byte[] CAFFEMODEL = TinyNets.snapshotV2(TinyNets.randomWeights(3)).toByteArray();
    static final long SLOW_MS = 2000;

    @Property
    void mutatedCaffemodelLoadsOrIsAFormatError(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int kind) {
        byte[] bytes = mutate(CAFFEMODEL, new Random(seed), kind);
        Statistics.label("outcome").collect(outcome(() -> CaffeImporter.load(PROTOTXT, bytes)));
    }

    @Property
    void mutatedPrototxtLoadsOrIsAFormatError(@ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int kind) {
        Random r = new Random(seed);
        String text = kind == 4 ? hugeNumber(PROTOTXT, r) : new String(mutate(PROTOTXT.getBytes(StandardCharsets.UTF_8), r, kind), StandardCharsets.UTF_8);
        Statistics.label("outcome").collect(outcome(() -> CaffeImporter.load(text, CAFFEMODEL)));
        Statistics.label("architecture only").collect(outcome(() -> CaffeImporter.architecture(CaffeFiles.parsePrototxt(text, "fuzz"), "fuzz")));
    }

    /**
     * A case the fuzzer found: a huge length prefix that makes protobuf-java's stream decoder throw
     * ArrayIndexOutOfBoundsException instead of its own exception. Kept as an example because
     * random tries hit it only now and then.
     */
    @Example
    void aLengthThatBreaksProtobufsStreamDecoderIsAFormatError() {
        byte[] bytes = mutate(CAFFEMODEL, new Random(234), 2);
        assertEquals("format error", outcome(() -> CaffeImporter.load(PROTOTXT, bytes)));
    }

    /** "loaded" or "format error"; any other exception, or a slow parse, fails the property. */
    public static String outcome(java.util.function.Supplier<NetDef> load) {
        long t0 = System.nanoTime();
        try {
            load.get();
            return "loaded";
        } catch (ModelFormatException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a format error needs a message");
            return "format error";
        } finally {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < SLOW_MS, "parsing took " + ms + " ms");
        }
    }

    /** kind 0: flip 1–8 bits; 1: truncate; 2: a varint length set huge at a random place; 3: repeat a stretch. */
    public static byte[] mutate(byte[] in, Random r, int kind) {
        switch (kind) {
            case 0 -> {
                byte[] b = in.clone();
                for (int i = 0, flips = 1 + r.nextInt(8); i < flips; i++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 1 -> { return Arrays.copyOf(in, r.nextInt(in.length)); }
            case 2 -> {
                // 0xFF 0xFF 0xFF 0xFF 0x07: a varint of 2^31−1, where a length prefix may sit.
                byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
                int at = r.nextInt(in.length);
                byte[] b = new byte[in.length + huge.length - 1];
                System.arraycopy(in, 0, b, 0, at);
                System.arraycopy(huge, 0, b, at, huge.length);
                System.arraycopy(in, at + 1, b, at + huge.length, in.length - at - 1);
                return b;
            }
            default -> {
                int from = r.nextInt(in.length), len = 1 + r.nextInt(Math.min(200, in.length - from)), times = 1 + r.nextInt(3);
                byte[] b = new byte[in.length + len * times];
                System.arraycopy(in, 0, b, 0, from + len);
                for (int t = 0; t < times; t++) System.arraycopy(in, from, b, from + len * (t + 1), len);
                System.arraycopy(in, from + len, b, from + len * (times + 1), in.length - from - len);
                return b;
            }
        }
    }

    /** One number of the text replaced by a huge or negative one (num_output, kernel_size, dims...). */
    static String hugeNumber(String text, Random r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b\\d+\\b").matcher(text);
        java.util.List<int[]> at = new java.util.ArrayList<>();
        while (m.find()) at.add(new int[] {m.start(), m.end()});
        int[] pick = at.get(r.nextInt(at.size()));
        String[] values = {"2147483647", "4294967295", "999999999999", "0", "-1", "65536", "100000"};
        return text.substring(0, pick[0]) + values[r.nextInt(values.length)] + text.substring(pick[1]);
    }
}
