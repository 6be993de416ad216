package deepdream.cli;

import deepdream.cli.io.FloFile;
import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.ImageWriter;
import deepdream.engine.flow.FlowField;
import deepdream.engine.flow.OpticalFlow;
import deepdream.engine.image.PlanarImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code deepdream flow FRAME1 FRAME2 -o F.flo [--png F.png]}: dense optical flow between two pictures. */
@Command(name = "flow", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Dense optical flow between two frames: F such that FRAME1(x) = FRAME2(x + F(x)), as a Middlebury .flo file",
                "and optionally its colour-wheel picture (hue: direction, saturation: length)."})
public final class FlowCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FRAME1") Path frame1;
    @Parameters(index = "1", paramLabel = "FRAME2") Path frame2;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "F.flo", description = "The flow, Middlebury .flo.")
    Path output;

    @Option(names = "--png", paramLabel = "F.png", description = "Also write the flow's colour-wheel picture.")
    Path png;

    @Option(names = "--warmup", paramLabel = "N", description = "Compute the flow N times first, so the time printed is that of compiled code (default: ${DEFAULT-VALUE}).")
    int warmup = 0;

    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".flo")) throw new UserException("name the flow output .flo, got " + output);
        if (png != null) ImageWriter.formatOf(png);
        if (warmup < 0) throw new UserException("--warmup must be 0 or more, got " + warmup);
        PlanarImage a = ImageFiles.read(frame1, imageLimit.maxPixels), b = ImageFiles.read(frame2, imageLimit.maxPixels);
        if (a.width() != b.width() || a.height() != b.height())
            throw new UserException(frame1 + " is " + a.width() + "x" + a.height() + " but " + frame2 + " is " + b.width() + "x" + b.height() + ": flow needs two frames of one size");
        for (int i = 0; i < warmup; i++) OpticalFlow.compute(a, b);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
        FlowField f = OpticalFlow.compute(a, b);
        double ms = (System.nanoTime() - t0) / 1e6, cpuMs = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        FloFile.write(output, f);
        if (png != null) ImageWriter.write(png, FloFile.colourWheel(f), Map.of("deepdream.command", "deepdream flow " + frame1 + " " + frame2));
        // The CPU time is the honest figure on a shared machine: the flow runs on this one thread.
        spec.commandLine().getErr().printf(Locale.ROOT, "deepdream: flow %dx%d in %.0f ms (%.0f ms CPU, one thread)%n", a.width(), a.height(), ms, cpuMs);
        spec.commandLine().getOut().println("wrote " + output + (png != null ? " and " + png : ""));
    }
}
