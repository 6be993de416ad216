package deepdream.benchmarks;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.Tensor;
import deepdream.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The cpu backend's convolutions on GoogLeNet's own layer shapes (input 512×512), forward and
 * backward-data, one image. Score is ms per call; GFLOP/s = 2·MACs / time, MACs listed per layer
 * in {@link #LAYERS}. Run (see DEVELOPERS.md):
 * <pre>
 * mvn -q -B -ntp -DskipTests package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ConvBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    /** name: C, H, W, M, kernel, stride, pad — GoogLeNet's shapes at a 512×512 input. */
    static final String[] LAYERS = {
            "conv1_7x7_s2:3,512,512,64,7,2,3",
            "conv2_3x3_reduce:64,128,128,64,1,1,0",
            "conv2_3x3:64,128,128,192,3,1,1",
            "3a_1x1:192,64,64,64,1,1,0",
            "3a_3x3:96,64,64,128,3,1,1",
            "3a_5x5:16,64,64,32,5,1,2",
            "3b_3x3:128,64,64,192,3,1,1",
            "4c_1x1:512,32,32,128,1,1,0",
            "4c_3x3:128,32,32,256,3,1,1",
            "4c_5x5:24,32,32,64,5,1,2",
    };

    @Param({"conv1_7x7_s2", "conv2_3x3_reduce", "conv2_3x3", "3a_1x1", "3a_3x3", "3a_5x5", "3b_3x3", "4c_1x1", "4c_3x3", "4c_5x5"})
    public String layer;

    /** Worker threads of the cpu backend (0 = all cores). */
    @Param({"0"})
    public int threads;

    private Backend backend;
    private Tensor x, weight, bias, y, dy, dx;
    private ConvSpec spec;

    @Setup(Level.Trial)
    public void setUp() {
        int[] v = null;
        for (String l : LAYERS) {
            String[] parts = l.split(":");
            if (parts[0].equals(layer)) {
                String[] f = parts[1].split(",");
                v = new int[f.length];
                for (int i = 0; i < f.length; i++) v[i] = Integer.parseInt(f[i]);
            }
        }
        if (v == null) throw new IllegalArgumentException("unknown layer " + layer);
        int c = v[0], h = v[1], w = v[2], m = v[3], k = v[4];
        spec = ConvSpec.square(k, v[5], v[6]);
        backend = threads > 0 ? new CpuBackend(threads) : new CpuBackend();
        Random r = new Random(42);
        x = backend.upload(random(r, c * h * w, 1f), 1, c, h, w);
        weight = backend.upload(random(r, m * c * k * k, 0.05f), m, c, k, k);
        bias = backend.upload(random(r, m, 0.1f), m);
        int oh = spec.outH(h), ow = spec.outW(w);
        y = backend.allocate(1, m, oh, ow);
        dy = backend.upload(random(r, m * oh * ow, 1f), 1, m, oh, ow);
        dx = backend.allocate(1, c, h, w);
    }

    private static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * scale;
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() { backend.close(); }

    @Benchmark
    public Tensor forward() {
        backend.conv2d(x, weight, bias, spec, y);
        return y;
    }

    @Benchmark
    public Tensor backwardData() {
        backend.conv2dBackwardData(dy, weight, spec, dx);
        return dx;
    }
}
