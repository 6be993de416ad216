package deepdream.kernels.opencl;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OpenCL backends shared by the test classes: programs are built once per JVM (PoCL compiles
 * each kernel on first use, which costs far more than the tests themselves). Without an OpenCL
 * device the tests fail when env CI is set (CI installs PoCL, so a missing device is a broken
 * setup) and are skipped with the reason otherwise.
 */
final class OpenClTestDevice {
    private OpenClTestDevice() {}

    private static OpenClBackend tuned, gpuTiles;
    private static String unavailable;

    /** The backend with the device's own tuning. */
    static synchronized OpenClBackend backend() {
        if (tuned == null && unavailable == null) {
            try {
                tuned = OpenClBackend.create();
                System.out.println("[opencl tests] " + tuned.describe());
            } catch (OpenClUnavailableException e) {
                unavailable = e.getMessage();
            }
        }
        if (tuned == null) {
            if (System.getenv("CI") != null) fail("env CI is set but OpenCL is not usable: " + unavailable);
            Assumptions.abort("no OpenCL device, skipping the OpenCL tests: " + unavailable);
        }
        return tuned;
    }

    /**
     * The same device with the GPU tuning (local-memory tiles, 16×16 work-groups), so the code path
     * GPUs take is tested on a CPU runtime too. Same as {@link #backend()} when that already is GPU-tuned.
     */
    static synchronized OpenClBackend gpuTiles() {
        OpenClBackend b = backend();
        if (b.tuning().useLocal()) return b;
        if (gpuTiles == null) gpuTiles = new OpenClBackend(b.device(), OpenClTuning.gpu());
        return gpuTiles;
    }
}
