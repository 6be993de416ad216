package deepdream.cli;

import deepdream.kernels.opencl.OpenClDevices;
import deepdream.kernels.opencl.OpenClUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;

/** {@code deepdream devices}: the OpenCL platforms and devices, numbered as --device and opencl:N take them. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List the OpenCL devices of every platform, numbered as '--backend opencl --device N' (or opencl:N) takes them.",
                "'--backend opencl' picks the best one: GPU first, then accelerator, then CPU."})
public final class DevicesCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        List<OpenClDevices.Device> devices;
        try {
            devices = OpenClDevices.list();
        } catch (OpenClUnavailableException e) {
            throw new UserException(e.getMessage() + " Without OpenCL, use --backend cpu.", e);
        }
        OpenClDevices.Device best = OpenClDevices.best();
        PrintWriter out = spec.commandLine().getOut();
        String platform = null;
        for (OpenClDevices.Device d : devices) {
            if (!d.platform().equals(platform)) {
                platform = d.platform();
                out.println("platform: " + platform);
            }
            out.println("  " + d.describe() + (d.index() == best.index() ? "  [default for --backend opencl]" : ""));
        }
        out.flush();
    }
}
