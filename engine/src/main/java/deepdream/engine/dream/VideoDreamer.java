package deepdream.engine.dream;

import deepdream.engine.flow.FlowField;
import deepdream.engine.flow.Occlusion;
import deepdream.engine.flow.OpticalFlow;
import deepdream.engine.flow.Warp;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;

import java.util.Iterator;
import java.util.function.Consumer;

/**
 * DeepDream of a clip whose hallucinations move with the scene:
 * <pre>{@code
 * VideoDreamer v = new VideoDreamer(net);
 * v.dream(frames, out::write, VideoDreamer.Settings.coherent(params), VideoDreamer.Listener.NONE);
 * }</pre>
 * Frame 1 gets the full dream. Every later frame starts from its input plus the previous output's
 * dream (output − input), carried along the motion: optical flow on the two <em>input</em> frames,
 * the residual warped backward into the new frame, zeroed where the forward–backward check says the
 * pixel was not visible before, scaled by {@code blend}; then the later frames' (lighter) dream runs
 * on that start. {@link Settings#independent} dreams every frame on its own (the flickering baseline).
 * <p>
 * Outputs are rounded to whole levels 0..255, exactly as a PNG stores them, and frame n uses seed
 * {@code seed + n − 1}: so a run continued from stored frames ({@link #dreamFrame} with the stored
 * previous output) gives the same frames as one that never stopped.
 */
public final class VideoDreamer {
    /**
     * first: the dream of frame 1 (and of every frame when independent); later: the dream of the
     * following frames on top of the carried dream; blend: the share of the previous dream carried;
     * holdStrength: a carried frame's dream is scaled up to {@link #HOLD_FLOOR} of the first frame's strength
     * when it ends below it (after its light dream), so a blend below 1 does not fade. Measured (docs/video.md): the
     * light dream mostly reinforces the carried pattern, so held at this strength it keeps its start as blend 1 does.
     * anchor: each carried start also gets anchor × (D − input), D the light dream of the bare input with the run's seed: a pull that does
     * not depend on the frames before, so two runs with different starts converge (0: none; docs/video.md).
     */
    public record Settings(DreamParams first, DreamParams later, double blend, boolean independent, boolean holdStrength, double anchor) {
        public Settings {
            if (!(blend >= 0 && blend <= 1)) throw new IllegalArgumentException("blend must be between 0 and 1, got " + blend);
            if (!(anchor >= 0 && Double.isFinite(anchor))) throw new IllegalArgumentException("anchor must be 0 or more, got " + anchor);
        }

        public Settings(DreamParams first, DreamParams later, double blend, boolean independent) {
            this(first, later, blend, independent, false, 0);
        }

        public Settings(DreamParams first, DreamParams later, double blend, boolean independent, boolean holdStrength) {
            this(first, later, blend, independent, holdStrength, 0);
        }

        public Settings withHoldStrength(boolean hold) { return new Settings(first, later, blend, independent, hold, anchor); }

        public Settings withAnchor(double a) { return new Settings(first, later, blend, independent, holdStrength, a); }

        /**
         * Defaults chosen by measurement (docs/video.md): carry all of the dream, later frames dream 1 iteration of
         * 1 octave at step 1.0 (each step adds new, uncorrelated dream: 1.5 flickered 0.343 of independent, 1.0 0.280).
         */
        public static final double DEFAULT_BLEND = 1.0;
        public static final int DEFAULT_LATER_OCTAVES = 1, DEFAULT_LATER_ITERATIONS = 1;
        public static final double DEFAULT_LATER_STEP = 1.0;

        public static Settings coherent(DreamParams p) {
            return new Settings(p, p.withOctaves(Math.min(DEFAULT_LATER_OCTAVES, p.octaves())).withIterations(DEFAULT_LATER_ITERATIONS)
                    .withStep(DEFAULT_LATER_STEP), DEFAULT_BLEND, false);
        }

        public static Settings independent(DreamParams p) { return new Settings(p, p, 0, true); }
    }

    /**
     * What carries over from the frame before: its input and its (rounded) output, and the dream
     * strength of the run's first frame, which the carried dream is held to (see {@link #CARRY_CAP}).
     */
    public record Previous(PlanarImage input, PlanarImage output, double firstStrength) {}

    /**
     * The carried dream is scaled down when its strength would pass this share of the first frame's:
     * every later frame adds a little dream on top, so without a cap the strength grows frame after
     * frame (measured: 2.0 to 7.0 over 20 frames with blend 1, see docs/video.md).
     */
    public static final double CARRY_CAP = 0.9;

    /**
     * With {@link Settings#holdStrength}: a carried frame whose dream strength mean|O − I| ends below this share
     * of the first frame's is scaled up to it (the floor to {@link #CARRY_CAP}'s ceiling).
     */
    public static final double HOLD_FLOOR = CARRY_CAP;

    /**
     * When less than this share of the new frame was visible in the one before, it is a new shot
     * (a cut): it gets the first frame's full dream instead of a carried one. On Megamind.avi cuts
     * show 0–5% visible pixels, ordinary frames 95–100%.
     */
    public static final double CUT_VISIBLE = 0.5;

    /** One frame's output; for a carried frame also the flow new → previous input and its visibility mask (null otherwise). */
    public record Result(PlanarImage output, FlowField flowToPrevious, float[] visible) {}

    /** Progress: the per-step callbacks of each frame's dream, and one call per finished frame. */
    public interface Listener extends DreamListener {
        default void frameStarted(int frame, boolean carried) {}
        default void frameDone(int frame, Result result) {}

        Listener NONE = new Listener() {};
    }

    private final Dreamer dreamer;

    public VideoDreamer(Net net) { this.dreamer = new Dreamer(net); }

    /** Frames in, frames out, one at a time: only the previous frame is held, whatever the clip's length. */
    public void dream(Iterator<PlanarImage> frames, Consumer<PlanarImage> out, Settings s, Listener listener) {
        Previous previous = null;
        double firstStrength = 0;
        for (int n = 1; frames.hasNext(); n++) {
            PlanarImage input = frames.next();
            listener.frameStarted(n, previous != null && !s.independent());
            Result r = dreamFrame(n, input, previous, s, listener);
            listener.frameDone(n, r);
            out.accept(r.output());
            if (n == 1) firstStrength = strength(input, r.output());
            previous = new Previous(input, r.output(), firstStrength);
        }
    }

    /** Dreams frame number {@code frame} (from 1); previous is null for the first frame of a run. */
    public Result dreamFrame(int frame, PlanarImage input, Previous previous, Settings s, DreamListener listener) {
        if (previous != null && (previous.input().height() != input.height() || previous.input().width() != input.width()))
            throw new IllegalArgumentException("frame " + frame + " is " + input.width() + "x" + input.height() + " but the frame before it is "
                    + previous.input().width() + "x" + previous.input().height() + ": every frame of a clip must have one size");
        long seed = s.first().seed() + frame - 1;
        if (previous == null || s.independent())
            return new Result(rounded(dreamer.dream(input, s.first().withSeed(seed), listener)), null, null);
        // A 360 degree panorama (--wrap x): motion crosses the left/right seam, so flow, warp and occlusion wrap there too.
        boolean wrapX = s.first().wrap().x();
        FlowField back = flow(input, previous.input(), wrapX);
        float[] visible = Occlusion.visible(back, flow(previous.input(), input, wrapX), wrapX);
        if (mean(visible) < CUT_VISIBLE) return new Result(rounded(dreamer.dream(input, s.first().withSeed(seed), listener)), back, visible);
        PlanarImage start = carried(input, previous, back, visible, s.blend(), CARRY_CAP * previous.firstStrength(), wrapX);
        if (s.anchor() > 0) {   // a pull that does not depend on the history: the light dream of the bare input, with the run's seed
            PlanarImage a = dreamer.dream(input, s.later().withSeed(s.first().seed()), DreamListener.NONE);
            float[] st = start.data(), ad = a.data(), in = input.data();
            for (int i = 0; i < st.length; i++) st[i] += (float) (s.anchor() * (ad[i] - in[i]));
        }
        PlanarImage dreamed = dreamer.dream(start, s.later().withSeed(seed), listener);
        if (s.holdStrength()) dreamed = held(input, dreamed, HOLD_FLOOR * previous.firstStrength());
        return new Result(rounded(dreamed), back, visible);
    }

    /** Whether frame (with this visibility mask from the frame before) is dreamed as a new shot. */
    public static boolean isCut(float[] visible) { return visible != null && mean(visible) < CUT_VISIBLE; }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return s / v.length;
    }

    /** input + k · visible · warp(previous output − previous input), k = blend, less where the carried strength would pass cap. */
    /** Columns of wrapped context each side when the flow of a panorama is computed: more than the motion between frames. */
    static final int WRAP_FLOW_PAD = 64;

    private static FlowField flow(PlanarImage a, PlanarImage b, boolean wrapX) {
        return wrapX ? OpticalFlow.computeWrappedX(a, b, WRAP_FLOW_PAD) : OpticalFlow.compute(a, b);
    }

    static PlanarImage carried(PlanarImage input, Previous previous, FlowField back, float[] visible, double blend, double cap) {
        return carried(input, previous, back, visible, blend, cap, false);
    }

    static PlanarImage carried(PlanarImage input, Previous previous, FlowField back, float[] visible, double blend, double cap, boolean wrapX) {
        PlanarImage residual = previous.output().copy();
        float[] r = residual.data(), pin = previous.input().data();
        for (int i = 0; i < r.length; i++) r[i] -= pin[i];
        PlanarImage warped = Warp.backward(residual, back, wrapX);
        float[] wr = warped.data();
        int plane = input.height() * input.width();
        double carriedStrength = 0;
        for (int i = 0; i < wr.length; i++) carriedStrength += Math.abs(blend * visible[i % plane] * wr[i]);
        carriedStrength /= wr.length;
        double k = carriedStrength > cap && cap > 0 ? blend * cap / carriedStrength : blend;
        PlanarImage start = input.copy();
        float[] st = start.data();
        for (int i = 0; i < st.length; i++) st[i] += (float) k * visible[i % plane] * wr[i];
        return start;
    }

    /**
     * input + c · (dreamed − input), c = floor / strength when the strength mean|dreamed − input| is below floor (else
     * dreamed itself). Scaling after the light dream, not the carried start: scaling the start would undo the blend
     * (b · floor / (b · m) does not depend on b), so the run would be blend 1's.
     */
    static PlanarImage held(PlanarImage input, PlanarImage dreamed, double floor) {
        double s = strength(input, dreamed);
        if (!(s > 0 && s < floor)) return dreamed;
        double c = floor / s;
        PlanarImage out = dreamed.copy();
        float[] o = out.data(), in = input.data();
        for (int i = 0; i < o.length; i++) o[i] = (float) (in[i] + c * (o[i] - in[i]));
        return out;
    }

    /** Whole levels 0..255, rounded as the PNG writer rounds. */
    public static PlanarImage rounded(PlanarImage rgb) {
        PlanarImage out = rgb.copy();
        float[] d = out.data();
        for (int i = 0; i < d.length; i++) {
            int v = Math.round(d[i]);
            d[i] = v < 0 ? 0 : Math.min(v, 255);
        }
        return out;
    }

    /** Dream strength: mean |output − input| over pixels and channels. */
    public static double strength(PlanarImage input, PlanarImage output) {
        float[] a = input.data(), b = output.data();
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += Math.abs(b[i] - a[i]);
        return sum / a.length;
    }

    /**
     * Warping error (flicker) of one frame: mean |O_t − warp(O_{t−1})| over the visible pixels and the
     * channels, with the flow and mask taken on the input frames (flowToPrevious: I_t(x) ≈ I_{t−1}(x + F(x))).
     */
    public static double warpingError(PlanarImage output, PlanarImage previousOutput, FlowField flowToPrevious, float[] visible) {
        PlanarImage warped = Warp.backward(previousOutput, flowToPrevious);
        float[] o = output.data(), wp = warped.data();
        int plane = output.height() * output.width();
        double sum = 0;
        long n = 0;
        for (int i = 0; i < o.length; i++) {
            if (visible[i % plane] == 0) continue;
            sum += Math.abs(o[i] - wp[i]);
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    /** The flow and visibility of a pair of input frames, for {@link #warpingError} (flow new → previous). */
    public static Result motion(PlanarImage input, PlanarImage previousInput) {
        FlowField back = OpticalFlow.compute(input, previousInput);
        return new Result(null, back, Occlusion.visible(back, OpticalFlow.compute(previousInput, input)));
    }
}
