package deepdream.kernels.opencl;

import deepdream.engine.ConvSpec;
import deepdream.kernels.Geometries;
import deepdream.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every tiling bench's auto-tuner may pick, on this machine's device (PoCL here) against the
 * reference: the CPU candidates and the GPU ones (local-memory tiles run on a CPU runtime too),
 * convolution forward and backward-data on shapes spanning several tiles, odd sizes, strides,
 * asymmetric pads, dilation, groups and N = 2.
 */
class OpenClTuningCandidatesTest {
    static final ReferenceBackend REF = new ReferenceBackend();

    static List<OpenClTuning> everyCandidate(OpenClDevices.Device d) {
        OpenClDevices.Device asGpu = new OpenClDevices.Device(d.index(), d.platform(), d.name(), d.vendor(), OpenClDevices.Type.GPU, d.computeUnits(),
                d.globalMemBytes(), d.localMemBytes(), d.maxWorkGroupSize(), d.openClCVersion(), d.driverVersion(), d.platformId(), d.deviceId());
        List<OpenClTuning> all = new ArrayList<>(OpenClTuning.candidates(d));
        for (OpenClTuning t : OpenClTuning.candidates(asGpu)) if (!all.contains(t)) all.add(t);
        return all;
    }

    @Test
    void everyCandidateTilingComputesWhatTheReferenceDoes() {
        OpenClDevices.Device d = OpenClTestDevice.backend().device();
        List<OpenClTuning> all = everyCandidate(d);
        assertTrue(all.size() >= 8, "CPU and GPU candidates: " + all);
        ConvSpec[] specs = {
                ConvSpec.square(3, 1, 1),                                  // 70 outputs x 81 pixels: several 64-tiles each way
                new ConvSpec(5, 3, 2, 1, 2, 0, 1, 1, 1, 1, 1),            // strides and asymmetric pads
                new ConvSpec(3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1),            // dilation 2
                ConvSpec.square(1, 1, 0).withGroups(2)};                   // pointwise, grouped
        int[][] shapes = {{2, 19, 70, 9, 9}, {1, 5, 7, 11, 13}, {2, 3, 6, 10, 7}, {2, 4, 9, 5, 3}};   // n, c/g, m/g, h, w
        for (OpenClTuning t : all) {
            try (OpenClBackend cl = OpenClSelection.open(d, t)) {
                for (int i = 0; i < specs.length; i++) {
                    int[] s = shapes[i];
                    Geometries.checkConv(REF, cl, s[0], s[1], s[2], s[3], s[4], specs[i], 11 + i, 1e-4);
                }
            } catch (AssertionError e) {
                throw new AssertionError("tiling " + t.describeTiles() + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void candidatesFitTheDeviceAndStartWithItsDefault() {
        OpenClDevices.Device d = OpenClTestDevice.backend().device();
        List<OpenClTuning> c = OpenClTuning.candidates(d);
        assertTrue(c.get(0).equals(OpenClTuning.forDevice(d)));
        for (OpenClTuning t : c) assertTrue(t.fits(d), t.describeTiles());
        assertFalse(c.stream().distinct().count() < c.size(), "no duplicates");
    }
}
