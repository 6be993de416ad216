package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import deepdream.cli.io.Npy;
import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.autograd.Var;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.model.BlobNames;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import deepdream.engine.objective.Objective;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code deepdream probe}: one blob's activation and the DeepDream gradient d(0.5·Σ blob²)/d(input)
 * (or, with --unit, the gradient of one unit: what saliency maps are made of), as .npy files, so
 * students and other implementations can inspect the engine.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Run the net on an input and save one blob and the gradient of 0.5*sum(blob^2) with respect to the input.",
                "Writes DIR/activation.npy (float32, the blob's shape) and DIR/input_grad.npy (float32, 1x3xHxW).",
                "--unit C[,Y,X]: the gradient of that one unit instead (e.g. a class score: --layer loss3/classifier --unit 1).",
                "--input: a .npy float32/float64 array 1x3xHxW, already preprocessed (BGR, mean subtracted), used as is;",
                "or an image, preprocessed the same way at its own size."})
public final class ProbeCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", required = true, description = "Input: .npy (1x3xHxW, preprocessed) or an image.")
    Path input;

    @Option(names = "--layer", paramLabel = "BLOB", required = true, description = "Blob name, e.g. inception_4c/output (see 'deepdream layers').")
    String layer;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--print", description = "Also print both arrays as text (for small nets and inputs, e.g. the worked example in docs/how-it-works.md).")
    boolean print;

    /** Arrays bigger than this are not printed: the .npy files are the way to look at them. */
    static final int PRINT_LIMIT = 4096;
    @Option(names = "--unit", paramLabel = "C[,Y,X]", description = "Take the gradient of this unit of the blob (Y, X default to 0) instead of 0.5*sum(blob^2).")
    String unit;

    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserException("--out " + out + " exists and is not a directory");
        NetDef def = model.loadNet();
        Npy.Array x = readInput(def);
        int[] u = unit == null ? null : parseUnit(unit);
        Result r = probe(def, x, layer, u, backend);
        Path act = out.resolve("activation.npy"), grad = out.resolve("input_grad.npy");
        Npy.write(act, r.activationShape, r.activation);
        try {
            Npy.write(grad, x.shape(), r.inputGrad);
        } catch (RuntimeException e) {
            try { Files.deleteIfExists(act); } catch (IOException ignored) { /* best effort: report the first error */ }
            throw e;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println(String.format(Locale.ROOT, "%s %s  %s = %.6g", layer, Npy.shapeString(r.activationShape),
                u == null ? "0.5*sum(a^2)" : "unit " + u[0] + "," + u[1] + "," + u[2], r.objective));
        o.println("wrote " + act + " and " + grad);
        if (print) {
            printArray(o, "activation " + layer, r.activationShape, r.activation);
            printArray(o, "input_grad", x.shape(), r.inputGrad);
        }
        o.flush();
    }

    private Npy.Array readInput(NetDef def) {
        int channels = def.inputShape()[1];
        if (input.getFileName() != null && input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            Npy.Array a = Npy.read(input);
            int[] s = a.shape();
            if (s.length != 4 || s[0] != 1 || s[1] != channels)
                throw new UserException(input + " has shape " + Npy.shapeString(s) + "; the net wants 1x" + channels + "xHxW (preprocessed: BGR, mean subtracted)");
            return a;
        }
        PlanarImage rgb = ImageFiles.read(input, imageLimit.maxPixels);
        PlanarImage net = Preprocess.toNet(rgb, def.meanBgr());
        return new Npy.Array(net.nchw(), net.data());
    }

    /** One row per line, a blank line between planes. */
    static void printArray(PrintWriter o, String title, int[] shape, float[] v) {
        o.println(title + " " + Npy.shapeString(shape) + ":");
        if (v.length > PRINT_LIMIT) {
            o.println("  (" + v.length + " values: too many to print; read the .npy file)");
            return;
        }
        int w = shape.length >= 4 ? shape[shape.length - 1] : v.length;
        int h = shape.length >= 4 ? shape[shape.length - 2] : 1;
        for (int i = 0; i < v.length; i++) {
            o.print(String.format(Locale.ROOT, "%10s", compact(v[i])));
            if ((i + 1) % w == 0) o.println();
            if ((i + 1) % (w * h) == 0 && i + 1 < v.length) o.println();
        }
    }

    /** Six significant digits without trailing zeros: "4", "-0.125", "3.14159". */
    static String compact(float v) {
        if (!Float.isFinite(v)) return Float.toString(v);
        if (v == 0) return "0";
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toString();
    }

    /** "C" or "C,Y,X". */
    static int[] parseUnit(String s) {
        String[] p = s.split(",");
        try {
            if (p.length == 1) return new int[] {Integer.parseInt(p[0].strip()), 0, 0};
            if (p.length == 3) return new int[] {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()), Integer.parseInt(p[2].strip())};
        } catch (NumberFormatException ignored) { /* reported below */ }
        throw new UserException("--unit " + s + ": expected C or C,Y,X (channel, row, column), e.g. --unit 1 or --unit 97,7,7");
    }

    /** The blob's value, the objective (0.5·Σ blob² in double, or the unit's value) and its gradient with respect to the input. */
    public record Result(int[] activationShape, float[] activation, double objective, float[] inputGrad) {}

    public static Result probe(NetDef def, Npy.Array x, String blob, BackendOptions backendOptions) { return probe(def, x, blob, null, backendOptions); }

    /** unit: {c, y, x} for the gradient of that unit, or null for 0.5·Σ blob². */
    public static Result probe(NetDef def, Npy.Array x, String blob, int[] unit, BackendOptions backendOptions) {
        try (Backend b = backendOptions.create(); Net net = Net.build(def, b); Tape tape = Tape.recording(b)) {
            if (!net.hasBlob(blob)) throw new UserException(BlobNames.unknownMessage(blob, net.blobNames()));
            Tensor in = b.upload(x.data(), x.shape());
            try {
                Var leaf = tape.leaf(in, true);
                Var act;
                try {
                    act = net.forward(tape, leaf, blob);
                } catch (IllegalArgumentException e) {
                    throw new UserException("the net cannot run on input " + Npy.shapeString(x.shape()) + ": " + e.getMessage(), e);
                }
                float[] a = act.value().toHost();
                double obj;
                if (unit == null) {
                    double sum = 0;
                    for (float v : a) sum += (double) v * v;
                    obj = 0.5 * sum;
                    // d(0.5·Σ a²)/da = a: the activation itself is the seed.
                    tape.backward(act, act.value());
                } else {
                    Objective o = Objective.unit(unit[0], unit[1], unit[2]);
                    Tensor seed = b.allocate(act.shape());
                    try {
                        obj = o.valueAndGradient(b, act.value(), seed);
                        tape.backward(act, seed);
                    } catch (IllegalArgumentException e) {
                        throw new UserException("--unit: " + e.getMessage() + " (" + blob + " is " + Npy.shapeString(act.shape()) + ")", e);
                    } finally {
                        seed.release();
                    }
                }
                Tensor g = leaf.grad();
                float[] grad = g == null ? new float[x.data().length] : g.toHost();
                return new Result(act.shape(), a, obj, grad);
            } finally {
                in.release();
            }
        }
    }
}
