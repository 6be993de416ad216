package deepdream.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@code deepdream devices}: one line per device under its platform, the default marked; or one clear error. */
class DevicesCommandTest {
    @Test
    void listsPlatformsAndDevices() {
        Cli.Result r = Cli.run("devices");
        if (r.exit() != 0) {
            // No OpenCL here: CI installs PoCL, so there this is a failure; elsewhere the error must be the clear one.
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith("deepdream: error: ") && r.err().contains("--backend cpu") && !r.err().contains("\tat "), r.toString());
            if (System.getenv("CI") != null) fail("env CI is set but no OpenCL device is listed:\n" + r);
            Assumptions.abort("no OpenCL device: " + r.err());
        }
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[0].startsWith("platform: "), r.out());
        assertTrue(lines[1].matches("  0: .+ \\((GPU|CPU|ACCELERATOR|OTHER), \\d+ compute units, .+\\) on .+"), lines[1]);
        assertEquals(1, r.out().split("\\[default for --backend opencl]", -1).length - 1, r.out());
    }
}
