package deepdream.importers.onnx;

import deepdream.engine.Backend;
import deepdream.engine.Shapes;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.kernels.cpu.CpuBackend;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.BeforeAll;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * torchvision's GoogLeNet, ResNet-50, VGG-16, MobileNetV2 and Inception v3 (random weights) exported to
 * ONNX by src/test/python/export_torchvision.py at test time: the activation and the input gradient of
 * three layers each match PyTorch's float64 within 1e-4 relative L2, at the net's input size (224;
 * Inception v3 299) and at an odd size. Inception v3 is exported with transform_input=True, as the
 * pretrained file is: its Gather/Unsqueeze/Mul/Add/Concat on the input is read as one-hot 1×1
 * convolutions. MobileNetV2's BatchNorm gammas are doubled so that its ReLU6 (Clip) upper bounds are hit.
 *
 * <p>Activations always do (~1e-7). Gradients of deep layers do where float32 arithmetic keeps
 * PyTorch's own float32 gradient within 1e-4 of its float64 one; where it does not (random-weight
 * GoogLeNet at inception4c: PyTorch float32 itself is 5-6% off, decision flips at max-pool windows
 * and ReLUs; Inception v3 at 299 at Mixed_6c: 1.8e-2, ours 1.0e-2), the bound is a small multiple of
 * PyTorch's own float32 error, printed beside ours.
 */
class OnnxFidelityTest {
    static final double TOLERANCE = 1e-4;
    /** How much further than PyTorch's own float32 gradient ours may be where float32 flips decisions. */
    static final double FLIP_FACTOR = 8;
    /** MODEL:SIZE:OPSET, the opsets spread over 9–17. */
    static final List<String> CASES = List.of("googlenet:224:13", "googlenet:99:11", "resnet50:224:17", "vgg16:99:15",
            "mobilenetv2:224:14", "mobilenetv2:97:12", "inception3:299:13");
    /**
     * Cases where the cpu backend's float32 sums (a different summation order from the reference's double
     * accumulation) put a ReLU's input on the other side of zero from the float64 run, at rounding level:
     * vgg16_224 has one such element at features[7] (reference -1.74e-7, cpu +2.98e-8; the blob's largest
     * value is 1.41, whose float32 ulp is 1.2e-7). A flipped ReLU passes or stops that element's whole
     * gradient, so that one flip among the 1.6 M elements of t0 moves the input gradient by 1.9e-3 relative L2
     * (of the order of sqrt(1/1.6e6) = 8e-4: the element's seed, spread back to the input). PyTorch's own
     * float32 run happens to flip none here. These cases check the import on the reference backend against
     * PyTorch's float64 at the usual bound, and the cpu backend against the reference: every ReLU decision
     * that differs must be a rounding-level one, and the gradient may then be off by at most {@link #FLIPPED_GRAD_BOUND}.
     * inception3_107 is here because an Inception v3 at an odd size (139) flipped one ReLU on the cpu backend
     * (grad 1.3e-2 at Mixed_6c where PyTorch float32 flipped none); at 107 none flips today, and the case
     * keeps passing if a kernel change makes one.
     */
    static final List<String> FLIP_CASES = List.of("resnet50:99:13", "vgg16:224:9", "inception3:107:16");
    /** The cpu gradient's bound where flips() found rounding-level ReLU flips (the usual bound otherwise). */
    static final double FLIPPED_GRAD_BOUND = 1e-2;
    /** A flip is rounding-level when the reference's value is within this many float32 ulps of the blob's largest magnitude. */
    static final int FLIP_ULPS = 8;
    static Path dir;

    @BeforeAll
    static void export() throws Exception {
        dir = TorchExport.run("fidelity", CASES);
    }

    @Test void googlenet224() throws IOException { check("googlenet_224"); }
    @Test void googlenetOdd() throws IOException { check("googlenet_99"); }
    @Test void resnet50_224() throws IOException { check("resnet50_224"); }
    @Test void vgg16Odd() throws IOException { check("vgg16_99"); }

    @Test void mobilenetV2_224() throws IOException { check("mobilenetv2_224"); }
    @Test void mobilenetV2Odd() throws IOException { check("mobilenetv2_97"); }
    @Test void inception3_299() throws IOException { check("inception3_299"); }
    @Test void inception3Odd() throws Exception { checkWithFlips("inception3_107", 3); }

    @Test void resnet50Odd() throws Exception { checkWithFlips("resnet50_99", 3); }

    /**
     * All three taps on the cpu backend; the reference backend's own gradient check only at the first
     * (features[8]): its backward takes minutes for the deeper ones at 224. Its forward, for the flip
     * count, runs up to the last tap.
     */
    @Test void vgg16_224() throws Exception { checkWithFlips("vgg16_224", 1, 3); }

    static void checkWithFlips(String stem, int taps) throws Exception { checkWithFlips(stem, taps, taps); }

    /** The reference backend against PyTorch float64 at the first referenceTaps, the cpu backend at the first taps. */
    static void checkWithFlips(String stem, int referenceTaps, int taps) throws Exception {
        Path flipDir = TorchExport.run("fidelity-flips", FLIP_CASES);
        check(flipDir, stem, new ReferenceBackend(), TOLERANCE, referenceTaps);
        NetDef def = OnnxImporter.read(flipDir.resolve(stem + ".onnx"), OnnxImporter.TORCHVISION);
        String lastTap = "t" + (taps - 1);
        int flips = flips(def, OnnxFidelityTest.floats(flipDir.resolve(stem + ".input.f64")), lastTap);
        System.out.println(stem + ": " + flips + " rounding-level ReLU flips between the cpu and reference backends up to " + lastTap);
        check(flipDir, stem, new CpuBackend(2), flips == 0 ? TOLERANCE : FLIPPED_GRAD_BOUND, taps);
    }

    /**
     * Runs every ReLU's input on the cpu and the reference backend and counts the elements whose sign
     * differs; fails if one of them is more than rounding away from zero (a real cpu error, not a flip).
     */
    static int flips(NetDef def, float[] input, String upTo) {
        int end = 0;
        while (!def.layers().get(end).top().equals(upTo)) end++;
        List<String> reluInputs = def.layers().subList(0, end + 1).stream().filter(l -> l.spec() instanceof LayerSpec.Relu).map(l -> l.bottoms().get(0)).distinct().toList();
        Map<String, float[]> ref = blobs(new ReferenceBackend(), def, input, reluInputs);
        Map<String, float[]> cpu = blobs(new CpuBackend(2), def, input, reluInputs);
        int flips = 0;
        for (String blob : reluInputs) {
            float[] r = ref.get(blob), c = cpu.get(blob);
            float largest = 0;
            for (float v : r) largest = Math.max(largest, Math.abs(v));
            float roundingLevel = FLIP_ULPS * Math.ulp(largest);
            for (int i = 0; i < r.length; i++) {
                if ((r[i] > 0) == (c[i] > 0)) continue;
                flips++;
                assertTrue(Math.abs(r[i]) <= roundingLevel && Math.abs(c[i]) <= roundingLevel, String.format(
                        "%s[%d]: reference %.3g, cpu %.3g: a sign difference beyond rounding (%d ulps of %.3g)", blob, i, r[i], c[i], FLIP_ULPS, largest));
            }
        }
        return flips;
    }

    static Map<String, float[]> blobs(Backend backend, NetDef def, float[] input, List<String> names) {
        Map<String, float[]> out = new HashMap<>();
        try (Net net = Net.build(def, backend); Tape tape = Tape.recording(backend)) {
            Var x = tape.leaf(backend.upload(input, def.inputShape()), false);
            Map<String, Var> vars = net.forward(tape, x, names);
            for (String n : names) out.put(n, backend.download(vars.get(n).value()));
        }
        return out;
    }

    static void check(String stem) throws IOException { check(dir, stem, new CpuBackend(2), TOLERANCE, 3); }

    /** The first {@code taps} layers: activations within TOLERANCE of PyTorch float64; gradients within gradFloor, or FLIP_FACTOR times PyTorch float32's error if larger. */
    static void check(Path dir, String stem, Backend backend, double gradFloor, int taps) throws IOException {
        NetDef def = OnnxImporter.read(dir.resolve(stem + ".onnx"), OnnxImporter.TORCHVISION);
        List<String> lines = Files.readAllLines(dir.resolve(stem + ".txt"));
        int[] inShape = shape(lines.get(0));
        assertArrayEquals(inShape, def.inputShape(), "input shape");
        float[] input = floats(dir.resolve(stem + ".input.f64"));
        StringBuilder report = new StringBuilder(stem + " (" + backend.name() + "):");
        boolean ok = true;
        try (Net net = Net.build(def, backend)) {
            for (String line : lines.subList(1, 1 + taps)) {
                String name = line.split(" ")[0];
                String[] torch32 = line.substring(line.indexOf(" torch32 ") + 9).trim().split(" ");
                int[] shape = shape(line.substring(0, line.indexOf(" torch32 ")));
                double gradBound = Math.max(gradFloor, FLIP_FACTOR * Double.parseDouble(torch32[1]));
                try (Tape tape = Tape.recording(backend)) {
                    Var x = tape.leaf(backend.upload(input, inShape), true);
                    Var act = net.forward(tape, x, name);
                    assertArrayEquals(shape, act.shape(), name + " shape");
                    double actErr = relL2(backend.download(act.value()), read(dir.resolve(stem + "." + name + ".act.f64")));
                    tape.backward(act, backend.upload(floats(dir.resolve(stem + "." + name + ".seed.f64")), act.shape()));
                    double gradErr = relL2(backend.download(x.grad()), read(dir.resolve(stem + "." + name + ".grad.f64")));
                    report.append(String.format(" %s %s act %.2e grad %.2e (PyTorch float32: act %s grad %s; grad bound %.1e);",
                            name, Shapes.toString(shape), actErr, gradErr, torch32[0], torch32[1], gradBound));
                    ok &= actErr <= TOLERANCE && gradErr <= gradBound;
                }
            }
        }
        System.out.println(report);
        assertTrue(ok, report + " (activation tolerance " + TOLERANCE + " relative L2)");
    }

    static double relL2(float[] got, double[] want) {
        assertTrue(got.length == want.length, "sizes " + got.length + " vs " + want.length);
        double d = 0, n = 0;
        for (int i = 0; i < got.length; i++) {
            d += (got[i] - want[i]) * (got[i] - want[i]);
            n += want[i] * want[i];
        }
        return Math.sqrt(d / n);
    }

    static int[] shape(String line) {
        String[] p = line.trim().split(" ");
        return Arrays.stream(p, 1, p.length).mapToInt(Integer::parseInt).toArray();
    }

    static double[] read(Path f64) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f64)).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[b.remaining() / 8];
        for (int i = 0; i < d.length; i++) d[i] = b.getDouble();
        return d;
    }

    static float[] floats(Path f64) throws IOException {
        double[] d = read(f64);
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
        return f;
    }
}
