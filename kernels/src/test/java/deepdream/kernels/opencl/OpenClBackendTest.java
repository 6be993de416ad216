package deepdream.kernels.opencl;

import deepdream.engine.Backend;
import deepdream.engine.ConvSpec;
import deepdream.engine.LrnSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.Tensor;
import deepdream.kernels.BackendComparison;

import deepdream.kernels.reference.ReferenceBackend;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static deepdream.kernels.BackendComparison.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every op of the OpenCL backend against the reference backend on random shapes: odd sizes,
 * channel counts that are no multiple of 16, padding, strides 1 and 2 (and 3 for pooling),
 * kernels 1/3/5/7 (rectangular too), groups, ceil-mode overhang, LRN sizes 1–7. Copies and
 * element-wise ops must match exactly; sums within {@link BackendComparison#TOLERANCE}
 * (norm-wise relative error, defined there). Convolutions run with both the device's tuning
 * and the GPU tiles (local memory), so both code paths are checked on any device.
 */
class OpenClBackendTest {
    private static final Map<String, Double> worst = new TreeMap<>();
    private static final ReferenceBackend ref = new ReferenceBackend();
    private static OpenClBackend cl;
    private static OpenClBackend[] convBackends;

    @BeforeContainer
    static void device() {
        cl = OpenClTestDevice.backend();
        convBackends = cl == OpenClTestDevice.gpuTiles() ? new OpenClBackend[] {cl} : new OpenClBackend[] {cl, OpenClTestDevice.gpuTiles()};
    }

    @BeforeProperty
    void requireDevice() { OpenClTestDevice.backend(); }

    @AfterContainer
    static void report() {
        StringBuilder sb = new StringBuilder("[opencl tests] max relative error per check:");
        worst.forEach((k, v) -> sb.append(String.format("%n  %-28s %.3e", k, v)));
        System.out.println(sb);
    }

    // ---- convolution ----------------------------------------------------------------------

    @Property(tries = 30)
    void conv2dMatchesReference(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int groups,
                                @ForAll @IntRange(min = 1, max = 11) int cg, @ForAll @IntRange(min = 1, max = 37) int mg,
                                @ForAll @IntRange(min = 0, max = 3) int khIndex, @ForAll @IntRange(min = 0, max = 3) int kwIndex,
                                @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 3) int pad,
                                @ForAll @IntRange(min = 1, max = 19) int h, @ForAll @IntRange(min = 1, max = 23) int w,
                                @ForAll boolean withBias, @ForAll long seed) {
        ConvSpec s = convSpec(khIndex, kwIndex, stride, pad, groups);
        int hh = Math.max(h, s.kernelH() - 2 * s.padTop()), ww = Math.max(w, s.kernelW() - 2 * s.padLeft());
        Random r = new Random(seed);
        int c = cg * groups, m = mg * groups;
        float[] x = BackendComparison.uniform(r, n * c * hh * ww), wt = BackendComparison.uniform(r, m * cg * s.kernelH() * s.kernelW());
        float[] bias = withBias ? BackendComparison.uniform(r, m) : null;
        int[] yShape = {n, m, s.outH(hh), s.outW(ww)};
        float[] expected = run(ref, b -> {
            Tensor y = out(b, yShape);
            b.conv2d(b.upload(x, n, c, hh, ww), b.upload(wt, m, cg, s.kernelH(), s.kernelW()), bias == null ? null : b.upload(bias, m), s, y);
            return y;
        });
        for (OpenClBackend cb : convBackends) {
            float[] got = run(cb, b -> {
                Tensor y = out(b, yShape);
                b.conv2d(b.upload(x, n, c, hh, ww), b.upload(wt, m, cg, s.kernelH(), s.kernelW()), bias == null ? null : b.upload(bias, m), s, y);
                return y;
            });
            check("conv2d " + tilesName(cb), got, expected, TOLERANCE);
        }
    }

    @Property(tries = 30)
    void conv2dBackwardDataMatchesReference(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int groups,
                                            @ForAll @IntRange(min = 1, max = 37) int cg, @ForAll @IntRange(min = 1, max = 11) int mg,
                                            @ForAll @IntRange(min = 0, max = 3) int khIndex, @ForAll @IntRange(min = 0, max = 3) int kwIndex,
                                            @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 3) int pad,
                                            @ForAll @IntRange(min = 1, max = 19) int h, @ForAll @IntRange(min = 1, max = 23) int w,
                                            @ForAll long seed) {
        ConvSpec s = convSpec(khIndex, kwIndex, stride, pad, groups);
        h = Math.max(h, s.kernelH() - 2 * s.padTop());
        w = Math.max(w, s.kernelW() - 2 * s.padLeft());
        Random r = new Random(seed);
        int c = cg * groups, m = mg * groups, hh = h, ww = w;
        int[] dyShape = {n, m, s.outH(h), s.outW(w)};
        float[] dy = BackendComparison.uniform(r, n * m * dyShape[2] * dyShape[3]), wt = BackendComparison.uniform(r, m * cg * s.kernelH() * s.kernelW());
        java.util.function.Function<Backend, Tensor> op = b -> {
            Tensor dx = out(b, n, c, hh, ww);
            b.conv2dBackwardData(b.upload(dy, dyShape), b.upload(wt, m, cg, s.kernelH(), s.kernelW()), s, dx);
            return dx;
        };
        float[] expected = run(ref, op);
        for (OpenClBackend cb : convBackends) check("conv2dBackwardData " + tilesName(cb), run(cb, op), expected, TOLERANCE);
    }

    private static ConvSpec convSpec(int khIndex, int kwIndex, int stride, int pad, int groups) {
        int[] kernels = {1, 3, 5, 7};
        int kh = kernels[khIndex], kw = kernels[kwIndex];
        // Strides and pads differ per axis now and then, so a swapped H/W argument shows.
        return new ConvSpec(kh, kw, stride, khIndex == kwIndex ? stride : 3 - stride, Math.min(pad, kh / 2 + 1), Math.min(pad, kw / 2), groups);
    }

    private static String tilesName(OpenClBackend b) { return b.tuning().useLocal() ? "(local tiles)" : "(register tiles)"; }

    @Example
    void gpuTilesCoverSeveralRowAndColumnTiles() {
        // 70 output channels and 81 pixels span two 64-row and two 64-column GPU tiles.
        Random r = new Random(7);
        ConvSpec s = ConvSpec.square(3, 1, 1);
        float[] x = BackendComparison.uniform(r, 2 * 19 * 9 * 9), wt = BackendComparison.uniform(r, 70 * 19 * 9);
        java.util.function.Function<Backend, Tensor> fwd = b -> {
            Tensor y = out(b, 2, 70, 9, 9);
            b.conv2d(b.upload(x, 2, 19, 9, 9), b.upload(wt, 70, 19, 3, 3), null, s, y);
            return y;
        };
        float[] expected = run(ref, fwd);
        for (OpenClBackend cb : convBackends) check("conv2d " + tilesName(cb), run(cb, fwd), expected, TOLERANCE);
    }

    // ---- inner product, relu, softmax -----------------------------------------------------

    @Property(tries = 15)
    void innerProductMatchesReference(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 9) int c,
                                      @ForAll @IntRange(min = 1, max = 5) int hw, @ForAll @IntRange(min = 1, max = 70) int out,
                                      @ForAll boolean withBias, @ForAll long seed) {
        Random r = new Random(seed);
        int in = c * hw * hw;
        float[] x = BackendComparison.uniform(r, n * in), wt = BackendComparison.uniform(r, out * in), dy = BackendComparison.uniform(r, n * out);
        float[] bias = withBias ? BackendComparison.uniform(r, out) : null;
        java.util.function.Function<Backend, Tensor> fwd = b -> {
            Tensor y = out(b, n, out);
            b.innerProduct(b.upload(x, n, c, hw, hw), b.upload(wt, out, in), bias == null ? null : b.upload(bias, out), y);
            return y;
        };
        java.util.function.Function<Backend, Tensor> bwd = b -> {
            Tensor dx = out(b, n, c, hw, hw);
            b.innerProductBackwardData(b.upload(dy, n, out), b.upload(wt, out, in), dx);
            return dx;
        };
        check("innerProduct", run(cl, fwd), run(ref, fwd), TOLERANCE);
        check("innerProductBackwardData", run(cl, bwd), run(ref, bwd), TOLERANCE);
    }

    @Property(tries = 15)
    void reluMatchesReferenceExactly(@ForAll @IntRange(min = 1, max = 3000) int size, @ForAll boolean inPlace, @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = BackendComparison.ties(r, size, 6), dy = BackendComparison.uniform(r, size);
        java.util.function.Function<Backend, Tensor> fwd = b -> {
            Tensor xt = b.upload(x, size);
            Tensor y = inPlace ? xt : out(b, size);
            b.relu(xt, y);
            return y;
        };
        java.util.function.Function<Backend, Tensor> bwd = b -> {
            Tensor g = b.upload(dy, size);
            Tensor dx = inPlace ? g : out(b, size);
            b.reluBackward(b.upload(x, size), g, dx);
            return dx;
        };
        check("relu", run(cl, fwd), run(ref, fwd), 0);
        check("reluBackward", run(cl, bwd), run(ref, bwd), 0);
    }

    /** The sample CI found (2026-12-03): two channels whose dy nearly cancel, |dx| 3.4e-5 against |y|·|dy| ~ 0.5. */
    @Example
    void softmaxBackwardWithCancellingGradients() { softmaxMatchesReference(1, 2, 1, 1, 4, 1L); }

    @Property(tries = 15)
    void softmaxMatchesReference(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 40) int c,
                                 @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 7) int w,
                                 @ForAll @IntRange(min = 1, max = 20) int magnitude, @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = BackendComparison.uniform(r, n * c * h * w), dy = BackendComparison.uniform(r, n * c * h * w);
        for (int i = 0; i < x.length; i++) x[i] *= magnitude;
        java.util.function.Function<Backend, Tensor> fwd = b -> {
            Tensor y = out(b, n, c, h, w);
            b.softmax(b.upload(x, n, c, h, w), y);
            return y;
        };
        float[] y = run(ref, fwd);
        check("softmax", run(cl, fwd), y, TOLERANCE);
        java.util.function.Function<Backend, Tensor> bwd = b -> {
            Tensor dx = out(b, n, c, h, w);
            b.softmaxBackward(b.upload(y, n, c, h, w), b.upload(dy, n, c, h, w), dx);
            return dx;
        };
        // dx = y·(dy − Σ y·dy) cancels when the dy under the softmax's mass are nearly equal: float32 then
        // leaves an error of the order of ulp(|y|·|dy|), however small dx is, so judge it on that scale.
        float[] want = run(ref, bwd);
        double terms = BackendComparison.maxAbs(y) * BackendComparison.maxAbs(dy), result = BackendComparison.maxAbs(want);
        check("softmaxBackward", run(cl, bwd), want, result == 0 ? TOLERANCE : TOLERANCE * Math.max(1, terms / result));
    }


    // ---- pooling and LRN ------------------------------------------------------------------

    @Property(tries = 40)
    void poolMatchesReference(@ForAll boolean max, @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 5) int c,
                              @ForAll @IntRange(min = 1, max = 5) int kh, @ForAll @IntRange(min = 1, max = 5) int kw,
                              @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw,
                              @ForAll @IntRange(min = 0, max = 4) int ph, @ForAll @IntRange(min = 0, max = 4) int pw,
                              @ForAll @IntRange(min = 1, max = 17) int h, @ForAll @IntRange(min = 1, max = 16) int w,
                              @ForAll long seed) {
        PoolSpec s = new PoolSpec(max ? PoolSpec.Method.MAX : PoolSpec.Method.AVE, kh, kw, sh, sw, Math.min(ph, kh - 1), Math.min(pw, kw - 1));
        int hh = Math.max(h, kh - 2 * s.padTop()), ww = Math.max(w, kw - 2 * s.padLeft());
        Random r = new Random(seed);
        // Coarse values: many ties, so the first-maximum rule decides where max-pool gradients go.
        float[] x = BackendComparison.ties(r, n * c * hh * ww, 4);
        int[] yShape = {n, c, s.outH(hh), s.outW(ww)};
        float[] dy = BackendComparison.uniform(r, n * c * yShape[2] * yShape[3]);
        java.util.function.Function<Backend, Tensor> fwd = b -> {
            Tensor y = out(b, yShape);
            b.pool(b.upload(x, n, c, hh, ww), s, y);
            return y;
        };
        java.util.function.Function<Backend, Tensor> bwd = b -> {
            Tensor dx = out(b, n, c, hh, ww);
            b.poolBackward(b.upload(x, n, c, hh, ww), b.upload(dy, yShape), s, dx);
            return dx;
        };
        String name = max ? "maxPool" : "avePool";
        check(name, run(cl, fwd), run(ref, fwd), max ? 0 : TOLERANCE);
        check(name + "Backward", run(cl, bwd), run(ref, bwd), TOLERANCE);
    }

    @Example
    void maxPoolGradientGoesToTheFirstMaximumOnly() {
        // One 3×3 window of equal values: the whole gradient goes to the top-left element.
        Tensor x = cl.upload(new float[9], 1, 1, 3, 3);
        Tensor dx = cl.allocate(1, 1, 3, 3);
        cl.poolBackward(x, cl.upload(new float[] {5f}, 1, 1, 1, 1), PoolSpec.max(3, 2, 0), dx);
        float[] g = dx.toHost();
        assertEquals(5f, g[0]);
        for (int i = 1; i < 9; i++) assertEquals(0f, g[i], "element " + i);
    }

    @Property(tries = 20)
    void lrnMatchesReference(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 21) int c,
                             @ForAll @IntRange(min = 1, max = 7) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                             @ForAll @IntRange(min = 0, max = 3) int sizeIndex, @ForAll @IntRange(min = 0, max = 2) int alphaIndex,
                             @ForAll @IntRange(min = 1, max = 10) int magnitude, @ForAll boolean kIsTwo, @ForAll long seed) {
        float[] alphas = {1e-4f, 0.1f, 1f};
        LrnSpec s = new LrnSpec(1 + 2 * sizeIndex, alphas[alphaIndex], 0.75f, kIsTwo ? 2f : 1f);
        Random r = new Random(seed);
        float[] x = BackendComparison.uniform(r, n * c * h * w), dy = BackendComparison.uniform(r, n * c * h * w);
        for (int i = 0; i < x.length; i++) x[i] *= magnitude;
        java.util.function.Function<Backend, Tensor> fwd = b -> {
            Tensor y = out(b, n, c, h, w);
            b.lrn(b.upload(x, n, c, h, w), s, y);
            return y;
        };
        java.util.function.Function<Backend, Tensor> bwd = b -> {
            Tensor xt = b.upload(x, n, c, h, w), y = out(b, n, c, h, w), dx = out(b, n, c, h, w);
            b.lrn(xt, s, y);
            b.lrnBackward(xt, y, b.upload(dy, n, c, h, w), s, dx);
            return dx;
        };
        check("lrn", run(cl, fwd), run(ref, fwd), TOLERANCE);
        check("lrnBackward", run(cl, bwd), run(ref, bwd), TOLERANCE);
    }

    // ---- concat, copies, arithmetic -------------------------------------------------------

    @Property(tries = 15)
    void concatCopiesChannelsExactly(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 7) int c1,
                                     @ForAll @IntRange(min = 1, max = 9) int c2, @ForAll @IntRange(min = 1, max = 5) int c3,
                                     @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 8) int w, @ForAll long seed) {
        Random r = new Random(seed);
        int[] cs = {c1, c2, c3};
        int total = c1 + c2 + c3;
        float[][] parts = new float[3][];
        for (int i = 0; i < 3; i++) parts[i] = BackendComparison.uniform(r, n * cs[i] * h * w);
        java.util.function.Function<Backend, Tensor> fwd = b -> {
            Tensor out = out(b, n, total, h, w);
            int off = 0;
            for (int i = 0; i < 3; i++) { b.copyIntoChannels(b.upload(parts[i], n, cs[i], h, w), out, off); off += cs[i]; }
            return out;
        };
        float[] joined = run(ref, fwd);
        check("copyIntoChannels", run(cl, fwd), joined, 0);
        java.util.function.Function<Backend, Tensor> bwd = b -> {
            Tensor part = out(b, n, c2, h, w);
            b.copyFromChannels(b.upload(joined, n, total, h, w), c1, part);
            return part;
        };
        check("copyFromChannels", run(cl, bwd), parts[1], 0);
    }

    @Property(tries = 15)
    void arithmeticMatchesReference(@ForAll @IntRange(min = 1, max = 5000) int size, @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = BackendComparison.uniform(r, size), y = BackendComparison.uniform(r, size);
        float a = r.nextFloat() * 4 - 2, v = r.nextFloat();
        java.util.function.Function<Backend, Tensor> ops = b -> {
            Tensor xt = b.upload(x, size), yt = b.upload(y, size), z = out(b, size);
            b.axpy(a, xt, yt);
            b.scale(yt, a);
            b.copy(yt, z);
            b.axpy(-1f, xt, z);
            return z;
        };
        check("axpy/scale/copy", run(cl, ops), run(ref, ops), TOLERANCE);
        java.util.function.Function<Backend, Tensor> fill = b -> {
            Tensor t = out(b, size);
            b.fill(t, v);
            return t;
        };
        check("fill", run(cl, fill), run(ref, fill), 0);
        Tensor z = cl.zeros(size);
        check("zeros", z.toHost(), new float[size], 0);
        z.release();
    }

    @Property(tries = 15)
    void reductionsMatchReference(@ForAll @IntRange(min = 1, max = 200_000) int size, @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = BackendComparison.uniform(r, size), y = BackendComparison.uniform(r, size);
        Tensor rx = ref.upload(x, size), ry = ref.upload(y, size), cx = cl.upload(x, size), cy = cl.upload(y, size);
        // A sum of ±terms can cancel to ~0, so the error is measured against the sum of |terms|.
        double absTerms = ref.sumAbs(rx);
        checkScalar("sumSquares", cl.sumSquares(cx), ref.sumSquares(rx), ref.sumSquares(rx));
        checkScalar("sumAbs", cl.sumAbs(cx), absTerms, absTerms);
        double dotAbs = 0;
        for (int i = 0; i < size; i++) dotAbs += Math.abs((double) x[i] * y[i]);
        checkScalar("dot", cl.dot(cx, cy), ref.dot(rx, ry), dotAbs);
        for (Tensor t : new Tensor[] {rx, ry, cx, cy}) t.release();
    }

    @Property(tries = 15)
    void channelOpsMatchReference(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 5) int c,
                                  @ForAll @IntRange(min = 1, max = 40) int h, @ForAll @IntRange(min = 1, max = 40) int w, @ForAll long seed) {
        Random r = new Random(seed);
        int ch = r.nextInt(c);
        float[] x = BackendComparison.uniform(r, n * c * h * w);
        float[] lo = new float[c], hi = new float[c];
        for (int i = 0; i < c; i++) { lo[i] = -r.nextFloat() * 0.8f; hi[i] = r.nextFloat() * 0.8f; }
        Tensor rx = ref.upload(x, n, c, h, w), cx = cl.upload(x, n, c, h, w);
        double absTerms = 0;
        for (int s = 0; s < n; s++) for (int p = 0; p < h * w; p++) absTerms += Math.abs(x[(s * c + ch) * h * w + p]);
        checkScalar("sumChannel", cl.sumChannel(cx, ch), ref.sumChannel(rx, ch), absTerms);
        for (Backend b : new Backend[] {ref, cl}) {
            Tensor t = b == ref ? rx : cx;
            b.clampChannels(t, lo, hi);
            b.fillChannel(t, ch, 0.25f);
            b.set(t, x.length - 1, 3f);
            b.set(t, 0, -2f);
        }
        check("clampChannels/fillChannel/set", cx.toHost(), rx.toHost(), 0);
        int probe = r.nextInt(x.length);
        assertEquals(ref.get(rx, probe), cl.get(cx, probe), "get(" + probe + ")");
        rx.release();
        cx.release();
    }

    @Property(tries = 15)
    void rollMatchesReferenceExactly(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                                     @ForAll @IntRange(min = 1, max = 30) int h, @ForAll @IntRange(min = 1, max = 31) int w,
                                     @ForAll @IntRange(min = -70, max = 70) int dy, @ForAll @IntRange(min = -70, max = 70) int dx, @ForAll long seed) {
        float[] x = BackendComparison.uniform(new Random(seed), n * c * h * w);
        java.util.function.Function<Backend, Tensor> op = b -> {
            Tensor out = out(b, n, c, h, w);
            b.roll(b.upload(x, n, c, h, w), dy, dx, out);
            return out;
        };
        check("roll", run(cl, op), run(ref, op), 0);
    }

    // ---- storage and setup ----------------------------------------------------------------

    @Example
    void releasedBuffersAreReusedBySameSizeAllocations() {
        Tensor a = cl.allocate(3, 5, 7);
        Object storage = a.storage();
        a.release();
        Tensor b = cl.allocate(105);
        assertSame(storage, b.storage(), "same-size allocation reuses the pooled buffer");
        Tensor c = cl.allocate(106);
        assertNotSame(storage, c.storage());
        b.release();
        c.release();
    }

    @Example
    void uploadDownloadRoundTripsAndRejectsForeignTensors() {
        float[] data = BackendComparison.uniform(new Random(3), 1234);
        Tensor t = cl.upload(data, 2, 617);
        check("upload/download", t.toHost(), data, 0);
        Tensor foreign = ref.upload(data, 2, 617);
        assertThrows(IllegalArgumentException.class, () -> cl.copy(foreign, t));
        t.release();
    }

    @Example
    void kernelBuildErrorCarriesTheBuildLog() {
        try (Programs p = new Programs(cl.context(), cl.device().deviceId())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.buildSource("broken.cl", "__kernel void k(__global float* x) { x[0] = undefined_name; }", ""));
            assertTrue(e.getMessage().contains("broken.cl") && e.getMessage().contains("undefined_name"), e.getMessage());
        }
    }

    @Example
    void devicesAreListedAndTheBestIsChosen() {
        var devices = OpenClDevices.list();
        assertTrue(!devices.isEmpty());
        for (var d : devices) assertTrue(d.computeUnits() > 0 && d.globalMemBytes() > 0 && d.openClCVersion().startsWith("OpenCL C"), d.describe());
        var best = OpenClDevices.best();
        for (var d : devices) assertTrue(best.type().ordinal() <= d.type().ordinal(), best.describe() + " chosen over " + d.describe());
        assertThrows(OpenClUnavailableException.class, () -> OpenClDevices.byIndex(devices.size()));
    }

    // ---- helpers --------------------------------------------------------------------------

    /** An output tensor filled with NaN: every op must overwrite its output completely (pooled buffers hold old data). */
    private static Tensor out(Backend b, int... shape) {
        Tensor t = b.allocate(shape);
        b.fill(t, Float.NaN);
        return t;
    }

    /** Runs op on a backend, downloads its result, and returns every tensor to the pool. */
    private static float[] run(Backend b, java.util.function.Function<Backend, Tensor> op) {
        Tensor t = op.apply(b);
        float[] out = t.toHost();
        t.release();
        return out;
    }

    private static void check(String what, float[] got, float[] expected, double tolerance) {
        double err = BackendComparison.assertCloseTo(what, got, expected, tolerance);
        synchronized (worst) { worst.merge(what, err, Math::max); }
    }

    private static void checkScalar(String what, double got, double expected, double scale) {
        double err = scale == 0 ? Math.abs(got - expected) : Math.abs(got - expected) / scale;
        assertTrue(err <= TOLERANCE, what + ": got " + got + ", reference " + expected + " (relative error " + err + ")");
        synchronized (worst) { worst.merge(what, err, Math::max); }
    }
}
