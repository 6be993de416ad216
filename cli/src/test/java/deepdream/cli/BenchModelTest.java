package deepdream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** 'bench --model' times the given net (ONNX, or prototxt with --weights), not the bundled GoogLeNet. */
class BenchModelTest {
    @TempDir Path dir;

    @Test
    void benchTimesTheGivenOnnxAndCaffeNets() throws Exception {
        TinyModelFiles tiny = new TinyModelFiles(dir);
        Path onnx = dir.resolve("tiny.onnx");
        Cli.Result c = Cli.run("models", "convert", tiny.weights.toString(), "--prototxt", tiny.prototxt.toString(), "-o", onnx.toString());
        assertEquals(0, c.exit(), c.toString());
        String[] common = {"--layer", "conv1", "--size", "32x32", "--steps", "1", "--warmup", "0", "--threads", "1", "--backend", "cpu"};
        for (String[] model : new String[][] {{"--model", onnx.toString()}, {"--model", tiny.prototxt.toString(), "--weights", tiny.weights.toString()}}) {
            String[] args = new String[1 + model.length + common.length];
            args[0] = "bench";
            System.arraycopy(model, 0, args, 1, model.length);
            System.arraycopy(common, 0, args, 1 + model.length, common.length);
            PrintStream out = System.out;
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            Cli.Result r;
            try {
                System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));   // bench prints to System.out itself
                r = Cli.run(args);
            } finally {
                System.setOut(out);
            }
            String stdout = o.toString(StandardCharsets.UTF_8);
            assertEquals(0, r.exit(), r + "\n" + stdout);
            assertTrue(stdout.contains("size=32x32 blob=conv1 "), stdout);
        }
        Cli.Result both = Cli.run("bench", "--model", onnx.toString(), "--random-weights", "--layer", "conv1", "--size", "32x32");
        assertNotEquals(0, both.exit());
        assertTrue(both.err().contains("--model and --random-weights exclude each other"), both.toString());
    }
}
