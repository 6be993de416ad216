package deepdream.kernels.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.jocl.CL.*;

/**
 * The OpenCL devices of this machine, numbered across all platforms in the order the ICD loader
 * reports them (the number is what {@code --backend opencl:N} selects).
 */
public final class OpenClDevices {
    private OpenClDevices() {}

    public enum Type { GPU, ACCELERATOR, CPU, OTHER }

    /** One device and the properties the backend tunes for. */
    public record Device(int index, String platform, String name, String vendor, Type type, int computeUnits,
                         long globalMemBytes, long localMemBytes, long maxWorkGroupSize, String openClCVersion, String driverVersion,
                         cl_platform_id platformId, cl_device_id deviceId) {
        /** "0: NVIDIA GeForce ... (GPU, 46 compute units, 8.0 GiB, OpenCL C 1.2) on NVIDIA CUDA". */
        public String describe() {
            return String.format("%d: %s (%s, %d compute units, %.1f GiB, %s) on %s",
                    index, name, type, computeUnits, globalMemBytes / (1024.0 * 1024 * 1024), openClCVersion, platform);
        }
    }

    static final String INSTALL_HINT = "Install your GPU vendor's OpenCL driver, or on Debian/Ubuntu: "
            + "sudo apt-get install ocl-icd-libopencl1 pocl-opencl-icd (the OpenCL loader and a driver for the CPU)";

    /** Every device of every platform; throws {@link OpenClUnavailableException} when there is no runtime or device. */
    public static List<Device> list() {
        List<Device> devices = new ArrayList<>();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            if (platforms.length > 0) clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                String platformName = platformString(p, CL_PLATFORM_NAME);
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    if (e.getStatus() == CL_DEVICE_NOT_FOUND) continue;   // a platform without devices
                    throw e;
                }
                cl_device_id[] ids = new cl_device_id[n[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                for (cl_device_id d : ids) devices.add(describe(devices.size(), platformName, p, d));
            }
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new OpenClUnavailableException("No OpenCL runtime found (libOpenCL.so could not be loaded: "
                    + e.getMessage() + "). " + INSTALL_HINT + ".", e);
        } catch (CLException e) {
            // -1001 (CL_PLATFORM_NOT_FOUND_KHR): the ICD loader is there but no driver is registered.
            if (e.getStatus() != -1001)
                throw new OpenClUnavailableException("OpenCL could not list its devices (" + e.getMessage() + "). " + INSTALL_HINT + ".", e);
        }
        if (devices.isEmpty())
            throw new OpenClUnavailableException("The OpenCL runtime (libOpenCL.so) is installed but reports no device. " + INSTALL_HINT + ".");
        return devices;
    }

    /** GPU first, then accelerator, then CPU; among equals the one with the most compute units. */
    public static Device best() {
        return list().stream()
                .min(Comparator.comparingInt((Device d) -> d.type().ordinal())
                        .thenComparing(Comparator.comparingInt(Device::computeUnits).reversed()))
                .orElseThrow();
    }

    /** Device number {@code index} of {@link #list()}; the message lists the devices when out of range. */
    public static Device byIndex(int index) {
        List<Device> all = list();
        if (index < 0 || index >= all.size()) {
            StringBuilder sb = new StringBuilder("OpenCL device " + index + " does not exist; devices:");
            for (Device d : all) sb.append("\n  ").append(d.describe());
            throw new OpenClUnavailableException(sb.toString());
        }
        return all.get(index);
    }

    private static Device describe(int index, String platform, cl_platform_id p, cl_device_id d) {
        long type = deviceLong(d, CL_DEVICE_TYPE);
        Type t = (type & CL_DEVICE_TYPE_GPU) != 0 ? Type.GPU
                : (type & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? Type.ACCELERATOR
                : (type & CL_DEVICE_TYPE_CPU) != 0 ? Type.CPU : Type.OTHER;
        return new Device(index, platform, deviceString(d, CL_DEVICE_NAME).trim(), deviceString(d, CL_DEVICE_VENDOR).trim(), t,
                deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS), deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE), deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                deviceString(d, CL_DEVICE_OPENCL_C_VERSION).trim(), deviceString(d, CL_DRIVER_VERSION).trim(), p, d);
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    /** size_t values: 4 or 8 bytes depending on the platform; read into a long either way. */
    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return Sizeof.size_t == 4 ? v[0] & 0xffffffffL : v[0];
    }

    private static String cString(byte[] buf) {
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
