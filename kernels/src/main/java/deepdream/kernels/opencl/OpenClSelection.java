package deepdream.kernels.opencl;

import deepdream.engine.Backend;
import deepdream.kernels.Backends;
import org.jocl.CLException;

import java.util.function.Supplier;

/** The command-line names "opencl", "opencl:N" and the OpenCL half of "auto". */
public final class OpenClSelection {
    private OpenClSelection() {}

    /** "opencl": the best device; "opencl:N": device N of {@link OpenClDevices#list()}. */
    public static OpenClBackend open(String spec) { return open(device(spec)); }

    /** The device "opencl" or "opencl:N" names. */
    public static OpenClDevices.Device device(String spec) {
        OpenClDevices.Device device;
        if (spec.equals("opencl")) {
            device = OpenClDevices.best();
        } else {
            String n = spec.substring("opencl:".length());
            int index;
            try {
                index = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + spec + "': the OpenCL device must be a number, e.g. opencl:0 "
                        + "(run 'clinfo -l' to list devices)");
            }
            device = OpenClDevices.byIndex(index);
        }
        return device;
    }

    /** The device with the tiling bench measured best for it (its cache), else its default tuning. */
    static OpenClBackend open(OpenClDevices.Device device) {
        return open(device, OpenClTuningCache.system().lookup(device).orElse(OpenClTuning.forDevice(device)));
    }

    public static OpenClBackend open(OpenClDevices.Device device, OpenClTuning tuning) {
        try {
            return new OpenClBackend(device, tuning);
        } catch (CLException e) {
            throw new OpenClUnavailableException("OpenCL device " + device.describe() + " could not be opened: " + e.getMessage(), e);
        }
    }

    /**
     * An OpenCL backend on the best GPU or accelerator if there is one; otherwise the fallback, with
     * a note saying why (no runtime, only CPU devices, or the device failed to open).
     */
    public static Backends.Selection gpuOrElse(Supplier<Backend> fallback, String fallbackName) {
        String why;
        try {
            OpenClDevices.Device best = OpenClDevices.best();
            if (best.type() == OpenClDevices.Type.GPU || best.type() == OpenClDevices.Type.ACCELERATOR) {
                OpenClBackend b = open(best);
                return new Backends.Selection(b, "auto: using opencl on " + best.describe());
            }
            why = "no OpenCL GPU (only " + best.name() + ", a " + best.type() + " device)";
        } catch (OpenClUnavailableException e) {
            why = e.getMessage();
        } catch (RuntimeException e) {
            // A broken driver (e.g. a kernel build failure) must not stop the run: the host backends still work.
            why = "OpenCL failed: " + e.getMessage();
        }
        return new Backends.Selection(fallback.get(), "auto: using " + fallbackName + "; " + why);
    }
}
