package deepdream.kernels.opencl;

import deepdream.engine.Backend;
import deepdream.kernels.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The names "opencl", "opencl:N" and "auto" in {@link Backends}. */
class OpenClBackendsTest {

    @Test
    void openclNamesOpenTheDevice() {
        OpenClTestDevice.backend();   // fails in CI, skips elsewhere, when there is no device
        try (Backend b = Backends.create("opencl")) {
            assertEquals("opencl", b.name());
            assertTrue(b.describe().contains(OpenClDevices.best().name()), b.describe());
        }
        try (Backend b = Backends.create("OpenCL:0")) {
            assertEquals(OpenClDevices.list().get(0).name(), ((OpenClBackend) b).device().name());
        }
    }

    @Test
    void badDeviceNumbersSayWhatExists() {
        OpenClTestDevice.backend();
        int count = OpenClDevices.list().size();
        OpenClUnavailableException e = assertThrows(OpenClUnavailableException.class, () -> Backends.create("opencl:" + count));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("0: "), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Backends.create("opencl:gpu"));
        assertTrue(bad.getMessage().contains("opencl:0"), bad.getMessage());
    }

    @Test
    void autoPicksAGpuOrSaysWhyNot() {
        Backends.Selection s = Backends.select("auto", 2);
        try (Backend b = s.backend()) {
            assertNotNull(s.note());
            boolean gpu;
            try {
                OpenClDevices.Type t = OpenClDevices.best().type();
                gpu = t == OpenClDevices.Type.GPU || t == OpenClDevices.Type.ACCELERATOR;
            } catch (OpenClUnavailableException e) {
                gpu = false;
            }
            assertEquals(gpu ? "opencl" : (Backends.NAMES.contains("cpu") ? "cpu" : "reference"), b.name(), s.note());
            assertTrue(s.note().startsWith("auto: using " + b.name()), s.note());
            System.out.println("[opencl tests] " + s.note());
        }
    }
}
