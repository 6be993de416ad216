package deepdream.cli.realnet;

import deepdream.cli.Cli;
import deepdream.cli.io.ImageFiles;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6's dream comparison where it is meaningful: the same short dream (eagle.jpg at 200 px,
 * one octave, 4 iterations, seed 3) on opencl and on cpu gives pictures at most 2 gray levels apart.
 * A full default dream is chaotic — on cpu alone, raising one byte of one pixel by 1 changes the
 * picture by up to 174 gray levels (docs/how-it-works.md) — so there two float32 backends that do not
 * round identically cannot agree to a few gray levels, and this test stays in the regime before the
 * divergence grows. Costs ~30 s on PoCL. In CI a missing OpenCL device fails it.
 */
class RealNetOpenClDreamTest {

    @Test
    void aShortDreamOnOpenClLooksLikeTheCpuOne(@TempDir Path dir) {
        Path weights = RealWeights.weightsOrSkip();
        RealNetOpenClProbeTest.requireOpenCl();
        Path eagle = RealWeights.sharedFileOrSkip("images/eagle.jpg");
        Path cpu = dir.resolve("cpu.png"), cl = dir.resolve("opencl.png");
        String[] common = {"dream", eagle.toString(), "--weights", weights.toString(), "--seed", "3",
                "--max-size", "200", "--octaves", "1", "--iterations", "4"};
        Cli.Result a = Cli.run(with(common, "-o", cpu.toString(), "--backend", "cpu"));
        assertEquals(0, a.exit(), a.toString());
        Cli.Result b = Cli.run(with(common, "-o", cl.toString(), "--backend", "opencl"));
        assertEquals(0, b.exit(), b.toString());
        float[] x = ImageFiles.read(cpu, ImageFiles.DEFAULT_MAX_PIXELS).data(), y = ImageFiles.read(cl, ImageFiles.DEFAULT_MAX_PIXELS).data();
        assertEquals(x.length, y.length);
        double max = 0, sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs(x[i] - y[i]);
            max = Math.max(max, d);
            sum += d;
        }
        System.out.printf(Locale.ROOT, "[real net] dream opencl vs cpu (200 px, 1 octave, 4 iterations): max %.0f, mean %.4f gray levels%n", max, sum / x.length);
        assertTrue(max <= 2, "opencl and cpu dreams differ by up to " + max + " gray levels");
    }

    static String[] with(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
