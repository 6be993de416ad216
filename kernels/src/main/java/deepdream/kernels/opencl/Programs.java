package deepdream.kernels.opencl;

import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.jocl.CL.*;

/** Builds the {@code .cl} resources of this package (once per backend) and creates their kernels. */
final class Programs implements AutoCloseable {
    private final cl_context context;
    private final cl_device_id device;
    private final List<cl_program> programs = new ArrayList<>();
    private final List<cl_kernel> kernels = new ArrayList<>();

    Programs(cl_context context, cl_device_id device) {
        this.context = context;
        this.device = device;
    }

    /** Builds resource {@code file} with {@code options}; a compile error throws with the device's build log. */
    cl_program build(String file, String options) { return buildSource(file, resource(file), options); }

    /** Builds source text; {@code name} only labels messages. */
    cl_program buildSource(String name, String source, String options) {
        String file = name;
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        programs.add(p);
        try {
            clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            // JOCL's own message repeats the log; ours names the file and options once.
            throw new IllegalStateException("OpenCL kernel build failed for " + file + " (options: '" + options + "'). Build log:\n"
                    + buildLog(p), e);
        }
        return p;
    }

    cl_kernel kernel(cl_program p, String name) {
        cl_kernel k;
        try {
            k = clCreateKernel(p, name, null);
        } catch (CLException e) {
            throw new IllegalStateException("OpenCL kernel '" + name + "' cannot be created: " + e.getMessage(), e);
        }
        kernels.add(k);
        return k;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] buf = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
            int n = 0;
            while (n < buf.length && buf[n] != 0) n++;
            return new String(buf, 0, n, StandardCharsets.UTF_8).strip();
        } catch (CLException e) {
            return "(no build log: " + e.getMessage() + ")";
        }
    }

    static String resource(String file) {
        String path = "/deepdream/kernels/opencl/" + file;
        try (InputStream in = Programs.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing kernel source " + path + " on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (cl_kernel k : kernels) clReleaseKernel(k);
        for (cl_program p : programs) clReleaseProgram(p);
        kernels.clear();
        programs.clear();
    }
}
