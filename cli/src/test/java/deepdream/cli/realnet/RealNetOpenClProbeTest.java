package deepdream.cli.realnet;

import deepdream.cli.BackendOptions;
import deepdream.cli.ProbeCommand;
import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.Npy;
import deepdream.engine.Backend;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.image.Resize;
import deepdream.engine.model.NetDef;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.caffe.RealWeights;
import deepdream.kernels.Backends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 6's acceptance, probe form, with the real weights: probe on the opencl backend vs the
 * reference backend on an odd-sized input (the eagle photo at 317×231, so pool1 and pool2 have
 * ceil-mode overhang), for the inception_4c/output activation and the input gradient.
 * Tolerances and why: {@link Agreement} (measured here: activation 5.1e-7; gradient 8.8e-4 relative
 * L2 with 16 of 219,681 elements beyond 1e-3·max|ref|: a few patches routed differently at ReLU
 * zeros or max-pool near-ties; on a 231×317 crop of the native-size input, one such patch, behind a
 * single ReLU of inception_3a/relu_3x3 that rounding puts on the other side of 0). The lockstep test
 * in the kernels module (OpenClGoogLeNetTest) checks every layer of this step at 1e-4 with identical
 * inputs, where no such branch can differ. Costs ~1 min on PoCL (the reference backend ~40 s of it).
 * In CI (env CI set) a missing OpenCL device fails the test; elsewhere it is skipped.
 */
class RealNetOpenClProbeTest {
    static final String BLOB = "inception_4c/output";

    @Test
    void openClProbeMatchesReferenceOnAnOddSizedInput() {
        NetDef def = CaffeImporter.loadDefault(RealWeights.weightsOrSkip());
        requireOpenCl();
        PlanarImage rgb = ImageFiles.read(RealWeights.sharedFileOrSkip("images/eagle.jpg"), ImageFiles.DEFAULT_MAX_PIXELS);
        PlanarImage net = Preprocess.toNet(Resize.bilinear(rgb, 231, 317), def.meanBgr());
        Npy.Array x = new Npy.Array(net.nchw(), net.data());
        assertArrayEquals(new int[] {1, 3, 231, 317}, x.shape());
        long t0 = System.nanoTime();
        ProbeCommand.Result cl = ProbeCommand.probe(def, x, BLOB, backend("opencl"));
        long t1 = System.nanoTime();
        ProbeCommand.Result ref = ProbeCommand.probe(def, x, BLOB, backend("reference"));
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "[real net] probe %s at 231x317: opencl %.1f s, reference %.1f s%n", BLOB, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        assertArrayEquals(new int[] {1, 512, 14, 19}, cl.activationShape());
        assertArrayEquals(ref.activationShape(), cl.activationShape());
        Agreement.activation("opencl vs reference " + BLOB + " activation", cl.activation(), ref.activation());
        Agreement.gradient("opencl vs reference " + BLOB + " input gradient", cl.inputGrad(), ref.inputGrad());
        assertEquals(ref.objective(), cl.objective(), 1e-4 * ref.objective());
    }

    /**
     * The acceptance figure itself: on 231×317 crops of the shared float64 reference's own input
     * (no image decoder involved), the activation and the input gradient agree with the reference
     * backend to 1e-4 relative L2 wherever no ReLU or max-pool decision lies within float32 rounding.
     * Measured on five odd-sized crops of eagle-native/input.npy (activation / gradient, relative L2):
     * <pre>
     *   crop (y, x, h, w)     opencl              cpu
     *   (0, 0, 231, 317)      6.4e-7 / 8.1e-4*    5.5e-7 / 8.1e-4*
     *   (140, 200, 231, 317)  7.0e-7 / 3.2e-3*    6.4e-7 / 6.8e-7
     *   (281, 456, 231, 317)  6.9e-7 / 6.8e-7     6.3e-7 / 1.6e-3*
     *   (37, 91, 199, 257)    6.1e-7 / 5.5e-7     5.0e-7 / 8.7e-5
     *   (100, 300, 255, 291)  5.9e-7 / 5.1e-7     5.2e-7 / 4.6e-7
     * </pre>
     * (* a decision flipped: 59 to 1,887 of 219,681 gradient elements beyond 1e-3·max|ref|, in
     * receptive-field patches.) Both fast backends flip on some crops and not on others, so the
     * strict bound is asserted on a crop where opencl flips nothing, and the flip crop is held to
     * the piecewise bound of {@link Agreement}.
     */
    @Test
    void openClProbeMatchesReferenceToOneInTenThousandOnCropsOfTheReferenceInput() {
        NetDef def = CaffeImporter.loadDefault(RealWeights.weightsOrSkip());
        requireOpenCl();
        Npy.Array nativeInput = Npy.read(RealWeights.sharedFileOrSkip("reference/eagle-native/input.npy"));
        Npy.Array exact = crop(nativeInput, 281, 456, 231, 317);
        ProbeCommand.Result cl = ProbeCommand.probe(def, exact, BLOB, backend("opencl"));
        ProbeCommand.Result ref = ProbeCommand.probe(def, exact, BLOB, backend("reference"));
        double act = Agreement.relativeL2(cl.activation(), ref.activation()), grad = Agreement.relativeL2(cl.inputGrad(), ref.inputGrad());
        System.out.printf(Locale.ROOT, "[real net] opencl vs reference, crop (281, 456) 231x317: activation %.2e, input gradient %.2e%n", act, grad);
        assertTrue(act <= 1e-4, "activation relative L2 " + act);
        assertTrue(grad <= 1e-4, "input gradient relative L2 " + grad
                + " (if a handful of patches differ, a ReLU or max-pool decision within rounding flipped: see this test's note)");

        Npy.Array flips = crop(nativeInput, 140, 200, 231, 317);
        ProbeCommand.Result clF = ProbeCommand.probe(def, flips, BLOB, backend("opencl"));
        ProbeCommand.Result refF = ProbeCommand.probe(def, flips, BLOB, backend("reference"));
        Agreement.activation("opencl vs reference, crop (140, 200) 231x317, activation", clF.activation(), refF.activation());
        Agreement.gradient("opencl vs reference, crop (140, 200) 231x317, input gradient", clF.inputGrad(), refF.inputGrad());
    }

    /** x[:, :, y0:y0+h, x0:x0+w] of a 1×3×H×W array. */
    static Npy.Array crop(Npy.Array a, int y0, int x0, int h, int w) {
        int bigH = a.shape()[2], bigW = a.shape()[3];
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                System.arraycopy(a.data(), (c * bigH + y0 + y) * bigW + x0, out, (c * h + y) * w, w);
        return new Npy.Array(new int[] {1, 3, h, w}, out);
    }

    static BackendOptions backend(String name) {
        BackendOptions o = new BackendOptions();
        o.backend = name;
        return o;
    }

    /** CI installs PoCL, so there a missing device is a broken setup: fail; elsewhere skip with the reason. */
    static void requireOpenCl() {
        try (Backend b = Backends.create("opencl", 1)) {
            System.out.println("[real net] opencl backend: " + (b instanceof deepdream.kernels.opencl.OpenClBackend o ? o.describe() : b));
        } catch (RuntimeException | LinkageError e) {
            String why = "no usable OpenCL device: " + e.getMessage();
            if (System.getenv("CI") != null) fail("env CI is set but " + why);
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
    }
}
