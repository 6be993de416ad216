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
        Path eagle = RealWeights.repoRoot().resolve("../shared/images/eagle.jpg").normalize();
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
}
