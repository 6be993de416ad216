package deepdream.kernels.opencl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The tuning cache: per device and driver, damaged or ill-fitting lines ignored, written atomically. No device needed. */
class OpenClTuningCacheTest {
    @TempDir Path dir;

    static OpenClDevices.Device device(String name, String driver, long maxWorkGroup, long localMem) {
        return new OpenClDevices.Device(0, "Portable Computing Language", name, "vendor", OpenClDevices.Type.GPU, 8, 1L << 30, localMem,
                maxWorkGroup, "OpenCL C 1.2", driver, null, null);
    }

    @Test
    void storesAndFindsPerDeviceAndDriver() throws Exception {
        OpenClTuningCache cache = new OpenClTuningCache(dir.resolve("sub/opencl-tuning.properties"));
        OpenClDevices.Device a = device("GPU: one=two#three", "5.0", 1024, 65536), newDriver = device("GPU: one=two#three", "5.1", 1024, 65536),
                other = device("another", "5.0", 1024, 65536);
        assertTrue(cache.lookup(a).isEmpty(), "nothing cached yet");
        OpenClTuning t = new OpenClTuning(8, 4, 16, 16, 8, true, 64, 16384);
        cache.store(a, t);
        assertEquals(t, cache.lookup(a).orElseThrow());
        assertTrue(cache.lookup(newDriver).isEmpty(), "a new driver is measured again");
        assertTrue(cache.lookup(other).isEmpty());
        OpenClTuning u = new OpenClTuning(4, 4, 8, 8, 8, true, 64, 8192);
        cache.store(other, u);
        assertEquals(t, cache.lookup(a).orElseThrow(), "other devices' lines are kept");
        assertEquals(u, cache.lookup(other).orElseThrow());
        try (var s = Files.list(cache.file().getParent())) { assertEquals(1, s.count(), "no temp file left"); }
    }

    @Test
    void aDamagedLineOrATilingTheDeviceCannotRunIsNotTrusted() throws Exception {
        Path f = dir.resolve("t.properties");
        OpenClTuningCache cache = new OpenClTuningCache(f);
        OpenClDevices.Device small = device("small", "1", 64, 4096);
        cache.store(small, new OpenClTuning(4, 4, 16, 16, 16, true, 64, 16384));   // 256 work-items > 64
        assertTrue(cache.lookup(small).isEmpty());
        Files.writeString(f, OpenClTuningCache.key(small) + "=8,8,banana\n");
        assertTrue(cache.lookup(small).isEmpty());
        Files.write(f, new byte[] {(byte) 0xff, 0, 1, '\\', 'u', 'z'});
        assertTrue(cache.lookup(small).isEmpty(), "an unreadable file means the default tuning");
    }

    @Test
    void encodeAndParseAreInverse() {
        OpenClTuning t = new OpenClTuning(2, 3, 4, 5, 6, false, 7, 8);
        assertEquals(t, OpenClTuning.parse(t.encode()));
        assertNull(OpenClTuning.parse("1,2,3"));
        assertNull(OpenClTuning.parse("1,2,3,4,5,maybe,7,8"));
        assertNull(OpenClTuning.parse("0,2,3,4,5,true,7,8"), "an invalid tiling is refused");
    }
}
