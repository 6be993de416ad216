package deepdream.cli;

import deepdream.cli.io.FloFile;
import deepdream.cli.io.ImageWriter;
import deepdream.cli.video.Clips;
import deepdream.engine.flow.FlowField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** 'deepdream flow': a Middlebury .flo with the known motion, its picture, and clear errors. */
class FlowCommandTest {
    @TempDir Path dir;

    @Test
    void writesTheFlowOfAPanAsFloAndPng() throws Exception {
        Path a = dir.resolve("a.png"), b = dir.resolve("b.png"), flo = dir.resolve("f.flo"), png = dir.resolve("f.png");
        ImageWriter.write(a, Clips.frame(0, 96, 64, 1.5, 0.5), Map.of());
        ImageWriter.write(b, Clips.frame(1, 96, 64, 1.5, 0.5), Map.of());
        Cli.Result r = Cli.run("flow", a.toString(), b.toString(), "-o", flo.toString(), "--png", png.toString());
        assertEquals(0, r.exit(), r.toString());
        FlowField f = FloFile.read(flo);
        assertEquals(96, f.width());
        assertEquals(64, f.height());
        int centre = 32 * 96 + 48;
        assertEquals(1.5, f.u()[centre], 0.1, "frame1(x) = frame2(x + F): content moving right has u > 0");
        assertEquals(0.5, f.v()[centre], 0.1);
        assertTrue(Files.size(png) > 0);
        assertTrue(r.err().matches("(?s).*flow 96x64 in \\d+ ms.*"), r.err());

        Cli.Result bad = Cli.run("flow", a.toString(), b.toString(), "-o", dir.resolve("f.txt").toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains(".flo"), bad.err());
        assertFalse(Files.exists(dir.resolve("f.txt")));
    }
}
