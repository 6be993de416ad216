package deepdream.cli.io;

import deepdream.cli.UserException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .npy reader under fuzz: a real small file mutated (bit flips, truncation, a header length
 * or a shape set huge, repeated bytes) parses or fails with one {@link UserException}: never another
 * exception and never an allocation sized by a declared shape the file does not hold.
 * 1000 tries in CI; {@code -Djqwik.tries.default=100000} for a long run.
 */
class NpyFuzzTest {
    static final byte[] FILE = sample();

    static byte[] sample() {
        float[] data = new float[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) data[i] = i * 0.5f - 3;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Npy.write(out, new int[] {2, 3, 4}, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Property
    void mutatedNpyParsesOrIsOneUserError(@ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int kind) {
        Random r = new Random(seed);
        byte[] bytes = switch (kind) {
            case 0 -> flip(FILE, r);
            case 1 -> Arrays.copyOf(FILE, r.nextInt(FILE.length));
            case 2 -> hugeHeaderLength(FILE, r);
            case 3 -> hugeShape(FILE, r);
            default -> repeat(FILE, r);
        };
        String outcome;
        try {
            Npy.parse(bytes, "fuzz.npy");
            outcome = "parsed";
        } catch (UserException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains("fuzz.npy"), "the error names the file: " + e.getMessage());
            outcome = "user error";
        }
        Statistics.label("outcome").collect(outcome);
    }

    static byte[] flip(byte[] in, Random r) {
        byte[] b = in.clone();
        for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        return b;
    }

    /** The header length (bytes 8–9 in v1) set to a large value. */
    static byte[] hugeHeaderLength(byte[] in, Random r) {
        byte[] b = in.clone();
        b[8] = (byte) r.nextInt(256);
        b[9] = (byte) (0x80 | r.nextInt(128));
        return b;
    }

    /** The shape tuple replaced by one declaring far more values than the file holds. */
    static byte[] hugeShape(byte[] in, Random r) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        String[] shapes = {"(2147483647,)", "(65536, 65536)", "(999999999999,)", "(1, 3, 100000, 100000)", "(-1,)", "(0,)", "()"};
        String t = s.replace("(2, 3, 4)", shapes[r.nextInt(shapes.length)]);
        return t.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] repeat(byte[] in, Random r) {
        int from = r.nextInt(in.length), len = 1 + r.nextInt(in.length - from);
        byte[] b = new byte[in.length + len];
        System.arraycopy(in, 0, b, 0, from + len);
        System.arraycopy(in, from, b, from + len, in.length - from);
        return b;
    }
}
