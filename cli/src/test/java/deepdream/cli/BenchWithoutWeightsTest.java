package deepdream.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** 'bench' on a checkout without weights measures random weights, saying so, instead of refusing. */
class BenchWithoutWeightsTest {
    @TempDir Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("deepdream.ignoreEnv");
        System.clearProperty("deepdream.cache");
    }

    @Test
    void benchFallsBackToRandomWeightsWithANote() {
        System.setProperty("deepdream.ignoreEnv", "true");
        System.setProperty("deepdream.cache", dir.resolve("empty-cache").toString());
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        Cli.Result r;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            r = Cli.run("bench", "--size", "64x64", "--steps", "1", "--warmup", "0", "--threads", "1", "--backend", "cpu");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String stdout = o.toString(StandardCharsets.UTF_8), stderr = e.toString(StandardCharsets.UTF_8);
        assertEquals(0, r.exit(), r + "\n" + stdout + "\n" + stderr);
        assertTrue(stderr.contains("no GoogLeNet weights installed: benchmarking its layers up to inception_4c/output with random weights"), stderr);
        assertTrue(stdout.contains("threads=1"), stdout);
    }
}
