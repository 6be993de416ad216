package deepdream.cli.dream;

import deepdream.cli.Cli;
import deepdream.cli.io.ImageWriter;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The real GoogLeNet on eagle.jpg (downsized to keep CI short): the same command twice gives the same file. */
class DreamRealWeightsTest {
    @Test
    void sameCommandTwiceGivesIdenticalFiles(@TempDir Path dir) throws Exception {
        Path weights = RealWeights.weightsOrSkip();
        Path eagle = RealWeights.sharedFileOrSkip("images/eagle.jpg");
        Path out = dir.resolve("eagle-dream.png");
        String[] args = {"dream", eagle.toString(), "-o", out.toString(), "--weights", weights.toString(), "--seed", "1",
                "--max-size", "200", "--octaves", "2", "--iterations", "3"};
        Cli.Result first = Cli.run(args);
        assertEquals(0, first.exit(), first.toString());
        byte[] bytes = Files.readAllBytes(out);
        Cli.Result second = Cli.run(args);
        assertEquals(0, second.exit(), second.toString());
        assertArrayEquals(bytes, Files.readAllBytes(out), "same command, same bytes");
        assertEquals("1", ImageWriter.readText(out).get("deepdream.seed"));
        assertEquals("inception_4c/output:1", ImageWriter.readText(out).get("deepdream.layers"));
    }

    /**
     * A machine with another core count repeats the same dream: --threads 1 and 2 give the same
     * pixels (the files differ only in the recorded command line).
     */
    @Test
    void theThreadCountDoesNotChangeTheFile(@TempDir Path dir) throws Exception {
        Path weights = RealWeights.weightsOrSkip();
        Path eagle = RealWeights.sharedFileOrSkip("images/eagle.jpg");
        String[] common = {"dream", eagle.toString(), "--weights", weights.toString(), "--seed", "4",
                "--max-size", "240", "--octaves", "2", "--iterations", "3"};
        Path one = dir.resolve("one.png"), two = dir.resolve("two.png");
        Cli.Result a = Cli.run(concat(common, "-o", one.toString(), "--threads", "1"));
        assertEquals(0, a.exit(), a.toString());
        Cli.Result b = Cli.run(concat(common, "-o", two.toString(), "--threads", "2"));
        assertEquals(0, b.exit(), b.toString());
        assertArrayEquals(deepdream.cli.io.ImageFiles.read(one, 1 << 20).data(), deepdream.cli.io.ImageFiles.read(two, 1 << 20).data(),
                "--threads 1 and 2, same pixels");
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
