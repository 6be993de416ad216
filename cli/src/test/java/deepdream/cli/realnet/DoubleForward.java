package deepdream.cli.realnet;

import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A float64 forward pass of a Caffe net (convolution, ReLU, max pooling, LRN, concat; dropout as
 * identity: everything GoogLeNet needs up to inception_4c), written from Caffe's definitions as
 * plain loops, for the central-difference check of the engine's float32 gradient.
 *
 * <p>Why double: the check moves one pixel by h = 1e-3, so 0.5·Σa² (~10⁷) changes by ~2·h·|g| ≈ 0.1,
 * while a float32 forward's rounding noise in 0.5·Σa² is ~0.1–1 (measured: central differences of
 * the float32 cpu forward are off by 1e-2 … 1 at h = 0.01 … 2). In double the noise is ~1e-8.
 *
 * <p>Why incremental: a one-pixel change only touches its receptive field, so {@link #perturbed}
 * recomputes, layer by layer, only the rectangle of outputs whose window meets the changed
 * rectangle of the layer's input and copies the rest from the unperturbed pass. That makes a
 * perturbed pass ~10× cheaper than a whole one (the big early layers see a few rows).
 */
final class DoubleForward {
    /** A blob: shape C×H×W (batch 1) and its values. */
    record Blob(int c, int h, int w, double[] v) {}

    /** Inclusive rectangle of changed rows and columns (all channels). */
    record Rect(int y0, int y1, int x0, int x1) {
        Rect union(Rect o) { return new Rect(Math.min(y0, o.y0), Math.max(y1, o.y1), Math.min(x0, o.x0), Math.max(x1, o.x1)); }
    }

    private final NetDef def;
    private final String wanted;
    private final List<LayerDef> layers = new ArrayList<>();
    private final Map<String, Blob> base = new HashMap<>();
    /** Blob versions after each layer, for in-place layers (ReLU): the value each layer read and wrote. */
    private final List<Blob> baseOut = new ArrayList<>();

    DoubleForward(NetDef def, float[] input, int h, int w, String wanted) {
        this.def = def;
        this.wanted = wanted;
        for (LayerDef l : def.layers()) {
            layers.add(l);
            if (l.top().equals(wanted)) break;
        }
        if (!layers.get(layers.size() - 1).top().equals(wanted)) throw new IllegalArgumentException("no blob " + wanted);
        double[] x = new double[input.length];
        for (int i = 0; i < x.length; i++) x[i] = input[i];
        Map<String, Blob> blobs = new HashMap<>();
        blobs.put(def.inputBlob(), new Blob(3, h, w, x));
        Rect all = new Rect(0, Integer.MAX_VALUE / 4, 0, Integer.MAX_VALUE / 4);
        Map<String, Rect> rects = new HashMap<>();
        rects.put(def.inputBlob(), all);
        for (LayerDef l : layers) {
            Blob out = layer(l, blobs, rects, null);
            baseOut.add(out);
            blobs.put(l.top(), out);
            rects.put(l.top(), all);
        }
        base.putAll(blobs);
    }

    /** The wanted blob's values without perturbation. */
    double[] output() { return base.get(wanted).v; }

    /** The wanted blob's values with input[index] = value (input as given to the constructor). */
    double[] perturbed(int index, double value) {
        Blob in0 = base.get(def.inputBlob());
        double[] x = in0.v.clone();
        x[index] = value;
        int hw = in0.h * in0.w, p = index % hw, y = p / in0.w, xx = p % in0.w;
        Map<String, Blob> blobs = new HashMap<>();
        Map<String, Rect> rects = new HashMap<>();
        blobs.put(def.inputBlob(), new Blob(in0.c, in0.h, in0.w, x));
        rects.put(def.inputBlob(), new Rect(y, y, xx, xx));
        for (int i = 0; i < layers.size(); i++) {
            LayerDef l = layers.get(i);
            Blob out = layer(l, blobs, rects, baseOut.get(i));
            blobs.put(l.top(), out);
        }
        return blobs.get(wanted).v;
    }

    /** Computes layer l; with a base output, only inside the changed rectangle (recorded in rects). */
    private static Blob layer(LayerDef l, Map<String, Blob> blobs, Map<String, Rect> rects, Blob baseOutput) {
        List<Blob> in = l.bottoms().stream().map(blobs::get).toList();
        Rect r = rects.get(l.bottoms().get(0));
        for (String b : l.bottoms()) r = r.union(rects.get(b));
        Blob x = in.get(0);
        LayerSpec spec = l.spec();
        {
            if (spec instanceof LayerSpec.Convolution conv) {
                ConvSpec s = conv.geometry();
                if (s.groups() != 1) throw new IllegalArgumentException("grouped convolution in " + l.name());
                int oh = s.outH(x.h), ow = s.outW(x.w);
                Rect o = window(r, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padTop(), s.padLeft(), oh, ow);
                rects.put(l.top(), o);
                return conv(x, s, l.blobs().get(0).data(), l.blobs().size() > 1 ? l.blobs().get(1).data() : null, oh, ow, o, baseOutput);
            }
            if (spec instanceof LayerSpec.Pooling pool) {
                PoolSpec s = pool.geometry();
                if (s.method() != PoolSpec.Method.MAX) throw new IllegalArgumentException("average pooling in " + l.name());
                int oh = s.outH(x.h), ow = s.outW(x.w);
                Rect o = window(r, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padTop(), s.padLeft(), oh, ow);
                rects.put(l.top(), o);
                return maxPool(x, s, oh, ow, o, baseOutput);
            }
            if (spec instanceof LayerSpec.Relu) {
                rects.put(l.top(), r);
                double[] y = x.v.clone();
                for (int i = 0; i < y.length; i++) if (!(y[i] > 0)) y[i] = 0;
                return new Blob(x.c, x.h, x.w, y);
            }
            if (spec instanceof LayerSpec.Lrn lrn) {
                rects.put(l.top(), r);
                return lrn(x, lrn.params(), clip(r, x.h, x.w), baseOutput);
            }
            if (spec instanceof LayerSpec.Concat) {
                rects.put(l.top(), r);
                int c = in.stream().mapToInt(Blob::c).sum(), off = 0;
                double[] y = new double[c * x.h * x.w];
                for (Blob b : in) {
                    System.arraycopy(b.v, 0, y, off, b.v.length);
                    off += b.v.length;
                }
                return new Blob(c, x.h, x.w, y);
            }
            if (spec instanceof LayerSpec.Dropout) {
                rects.put(l.top(), r);
                return x;
            }
            throw new IllegalArgumentException("DoubleForward does not do " + spec.type() + " (layer " + l.name() + ")");
        }
    }

    private static Rect clip(Rect r, int h, int w) { return new Rect(Math.max(0, r.y0), Math.min(h - 1, r.y1), Math.max(0, r.x0), Math.min(w - 1, r.x1)); }

    /** The outputs whose window (kernel k, stride s, pad p) meets input rows/columns r. */
    private static Rect window(Rect r, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        return new Rect(Math.max(0, Math.floorDiv(r.y0 + ph - kh + sh, sh)), Math.min(oh - 1, Math.floorDiv(r.y1 + ph, sh)),
                Math.max(0, Math.floorDiv(r.x0 + pw - kw + sw, sw)), Math.min(ow - 1, Math.floorDiv(r.x1 + pw, sw)));
    }

    private static Blob conv(Blob x, ConvSpec s, float[] weight, float[] bias, int oh, int ow, Rect o, Blob baseOutput) {
        int kh = s.kernelH(), kw = s.kernelW(), oc = weight.length / (x.c * kh * kw), sh = s.strideH(), sw = s.strideW();
        double[] y = baseOutput == null ? new double[oc * oh * ow] : baseOutput.v.clone();
        int rh = o.y1 - o.y0 + 1, rw = o.x1 - o.x0 + 1;
        if (rh <= 0 || rw <= 0) return new Blob(oc, oh, ow, y);
        // Per output channel: accumulate weight × shifted input rows over the rectangle (inner loop over
        // output columns, contiguous for stride 1), then store. Same sums as the textbook loop nest.
        IntStream.range(0, oc).parallel().forEach(out -> {
            double[] acc = new double[rh * rw];
            java.util.Arrays.fill(acc, bias == null ? 0 : bias[out]);
            for (int c = 0; c < x.c; c++)
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++) {
                        double wv = weight[((out * x.c + c) * kh + ky) * kw + kx];
                        // output columns whose input column ox·sw − pw + kx lies inside the input
                        int oxLo = Math.max(o.x0, Math.floorDiv(s.padLeft() - kx + sw - 1, sw));
                        int oxHi = Math.min(o.x1, Math.floorDiv(x.w - 1 + s.padLeft() - kx, sw));
                        for (int oy = o.y0; oy <= o.y1; oy++) {
                            int iy = oy * sh - s.padTop() + ky;
                            if (iy < 0 || iy >= x.h) continue;
                            int xRow = (c * x.h + iy) * x.w - s.padLeft() + kx, aRow = (oy - o.y0) * rw - o.x0;
                            for (int ox = oxLo; ox <= oxHi; ox++) acc[aRow + ox] += wv * x.v[xRow + ox * sw];
                        }
                    }
            for (int oy = o.y0; oy <= o.y1; oy++)
                System.arraycopy(acc, (oy - o.y0) * rw, y, (out * oh + oy) * ow + o.x0, rw);
        });
        return new Blob(oc, oh, ow, y);
    }

    /** Caffe max pooling: ceil-mode output size (PoolSpec), window clipped to the input. */
    private static Blob maxPool(Blob x, PoolSpec s, int oh, int ow, Rect o, Blob baseOutput) {
        double[] y = baseOutput == null ? new double[x.c * oh * ow] : baseOutput.v.clone();
        for (int c = 0; c < x.c; c++)
            for (int oy = o.y0; oy <= o.y1; oy++)
                for (int ox = o.x0; ox <= o.x1; ox++) {
                    int y0 = oy * s.strideH() - s.padTop(), x0 = ox * s.strideW() - s.padLeft();
                    double m = Double.NEGATIVE_INFINITY;
                    for (int iy = Math.max(0, y0); iy < Math.min(x.h, y0 + s.kernelH()); iy++)
                        for (int ix = Math.max(0, x0); ix < Math.min(x.w, x0 + s.kernelW()); ix++)
                            m = Math.max(m, x.v[(c * x.h + iy) * x.w + ix]);
                    y[(c * oh + oy) * ow + ox] = m;
                }
        return new Blob(x.c, oh, ow, y);
    }

    /** Caffe LRN across channels: a / (k + alpha/size · Σ a²)^beta over a zero-padded window of channels. */
    private static Blob lrn(Blob x, LrnSpec s, Rect r, Blob baseOutput) {
        int hw = x.h * x.w, half = (s.size() - 1) / 2;
        double[] y = baseOutput == null ? new double[x.v.length] : baseOutput.v.clone();
        for (int py = r.y0; py <= r.y1; py++)
            for (int px = r.x0; px <= r.x1; px++) {
                int p = py * x.w + px;
                for (int c = 0; c < x.c; c++) {
                    double sum = 0;
                    for (int k = Math.max(0, c - half); k <= Math.min(x.c - 1, c + half); k++) sum += x.v[k * hw + p] * x.v[k * hw + p];
                    y[c * hw + p] = x.v[c * hw + p] * Math.pow(s.k() + (double) s.alpha() / s.size() * sum, -s.beta());
                }
            }
        return new Blob(x.c, x.h, x.w, y);
    }
}
