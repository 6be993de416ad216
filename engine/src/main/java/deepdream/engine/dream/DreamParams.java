package deepdream.engine.dream;

import deepdream.engine.image.PlanarImage;

import java.util.List;

/**
 * Everything a dream depends on. Immutable; each {@code withX} returns a changed copy. The defaults
 * are the original 2015 notebook's: inception_4c/output, 0.5·Σa², 10 iterations, 4 octaves of
 * scale 1.4, step 1.5, jitter 32.
 */
public final class DreamParams {
    /** One blob of the objective with its weight ({@code --layer name:weight}). */
    public record Layer(String blob, double weight) {
        public Layer {
            if (blob == null || blob.isBlank()) throw new IllegalArgumentException("empty layer name");
            if (!Double.isFinite(weight)) throw new IllegalArgumentException("layer weight must be a finite number, got " + weight);
        }
    }

    public static final String DEFAULT_LAYER = "inception_4c/output";
    /** Tiling turns on by itself for octaves with more pixels than this (about 1450×1100). */
    public static final long AUTO_TILE_PIXELS = 1_600_000;
    /**
     * Cores of at most 768² pixels; on a 4000×3000 octave the windows ({@link TileAxis}) are 832×920,
     * 1.53× the octave's pixels (512: 1.87×, 1024: 1.32×). 768 and 1024 ran the 4000×3000 dream in the
     * same time (the bigger windows cost more per pixel), 768 in 0.35 GB less memory: docs/speed-wave2.md.
     */
    public static final int DEFAULT_TILE = 768;
    /** Pixels of context around each tile; TilingRealWeightsTest (cli) holds the measurement behind it. */
    public static final int DEFAULT_TILE_MARGIN = 96;

    private List<Layer> layers = List.of(new Layer(DEFAULT_LAYER, 1));
    private Integer channel;
    private PlanarImage guide;
    private int iterations = 10, octaves = 4, jitter = 32;
    private double octaveScale = 1.4, step = 1.5;
    private long seed;
    private int tile;            // 0 = automatic, -1 = never, else the tile size in pixels
    private int tileMargin = DEFAULT_TILE_MARGIN;
    private Normalize normalize = Normalize.MEAN;
    private int lapLevels;       // 0 = off
    private PlanarImage mask;    // 1 channel, weights 0..1, or null
    private boolean originalColors;
    private int minOctaveSide;   // 0 = no floor
    private List<Integer> octaveSides = List.of();   // explicit longer sides, smallest first; empty = octaves × scale
    private Wrap wrap = Wrap.NONE;
    private List<Integer> channels = List.of();   // maximize the mean of each; empty = see channel/pick
    private ChannelPick channelPick;              // null = none

    /**
     * The N channels the photo itself excites most (strong) or least (weak) at the layer, chosen
     * when the dream starts: neural-dream's channel choice.
     */
    public record ChannelPick(boolean strong, int count) {
        public ChannelPick {
            if (count < 1) throw new IllegalArgumentException("the number of channels to pick must be at least 1, got " + count);
        }
    }

    /** Which edges of the image are neighbours. */
    public enum Wrap {
        NONE,
        /** Left and right meet: a 360° equirectangular panorama (the poles do not wrap). */
        X,
        /** Both pairs of edges meet: a tileable texture. */
        XY;

        public boolean x() { return this != NONE; }
        public boolean y() { return this == XY; }
    }

    /** How the gradient is scaled before the step (when the Laplacian normalization is off). */
    public enum Normalize {
        /** step / mean(|g|): the 2015 notebook. */
        MEAN,
        /** step / sqrt(mean(g²)): the TensorFlow tutorial's normalize_std. */
        STD
    }

    private DreamParams() {}

    public static DreamParams defaults() { return new DreamParams(); }

    private DreamParams copy() {
        DreamParams p = new DreamParams();
        p.layers = layers; p.channel = channel; p.guide = guide;
        p.iterations = iterations; p.octaves = octaves; p.jitter = jitter;
        p.octaveScale = octaveScale; p.step = step; p.seed = seed; p.tile = tile; p.tileMargin = tileMargin;
        p.normalize = normalize; p.lapLevels = lapLevels; p.mask = mask; p.originalColors = originalColors;
        p.minOctaveSide = minOctaveSide; p.octaveSides = octaveSides; p.wrap = wrap; p.channels = channels; p.channelPick = channelPick;
        return p;
    }

    public List<Layer> layers() { return layers; }
    /** The channel whose mean is maximized, or null for the L2 objective. */
    public Integer channel() { return channel; }
    /** The guide image (RGB 0..255), or null. */
    public PlanarImage guide() { return guide; }
    public int iterations() { return iterations; }
    public int octaves() { return octaves; }
    public double octaveScale() { return octaveScale; }
    public double step() { return step; }
    public int jitter() { return jitter; }
    public long seed() { return seed; }
    /** 0: automatic (tiles of {@link #DEFAULT_TILE} above {@link #AUTO_TILE_PIXELS}); -1: never; else the tile size. */
    public int tile() { return tile; }
    public int tileMargin() { return tileMargin; }
    public Normalize normalize() { return normalize; }
    /** Levels of the Laplacian pyramid normalization of the gradient; 0 when off. */
    public int lapLevels() { return lapLevels; }
    /** Per-pixel gradient weights (1 channel, 0..1, any size: resized to each octave), or null. */
    public PlanarImage mask() { return mask; }
    /** Keep the input's chroma (YCbCr) and take only the luminance from the dream. */
    public boolean originalColors() { return originalColors; }
    /** Octaves whose shorter side would be below this are dropped (the image itself always dreams); 0: none dropped. */
    public int minOctaveSide() { return minOctaveSide; }
    /** Explicit octave sizes as longer sides in pixels, smallest first (may exceed the image); empty: octaves × scale. */
    public List<Integer> octaveSides() { return octaveSides; }
    public Wrap wrap() { return wrap; }
    /** Channels whose means are maximized together (each a term of weight 1 per layer); empty when not set. */
    public List<Integer> channels() { return channels; }
    public ChannelPick channelPick() { return channelPick; }
    public DreamParams withChannels(List<Integer> v) {
        for (int c : v) require(c >= 0, "channels must be 0 or more, got " + c);
        DreamParams p = copy(); p.channels = List.copyOf(v); return p;
    }
    public DreamParams withChannelPick(ChannelPick v) { DreamParams p = copy(); p.channelPick = v; return p; }
    public DreamParams withWrap(Wrap v) { DreamParams p = copy(); p.wrap = java.util.Objects.requireNonNull(v); return p; }

    public DreamParams withLayers(List<Layer> v) {
        if (v.isEmpty()) throw new IllegalArgumentException("at least one layer is needed");
        DreamParams p = copy(); p.layers = List.copyOf(v); return p;
    }
    public DreamParams withLayer(String blob) { return withLayers(List.of(new Layer(blob, 1))); }
    public DreamParams withChannel(Integer v) {
        if (v != null && v < 0) throw new IllegalArgumentException("channel must be 0 or more, got " + v);
        DreamParams p = copy(); p.channel = v; return p;
    }
    public DreamParams withGuide(PlanarImage v) { DreamParams p = copy(); p.guide = v; return p; }
    public DreamParams withIterations(int v) { require(v >= 1, "iterations must be at least 1, got " + v); DreamParams p = copy(); p.iterations = v; return p; }
    public DreamParams withOctaves(int v) { require(v >= 1, "octaves must be at least 1, got " + v); DreamParams p = copy(); p.octaves = v; return p; }
    public DreamParams withOctaveScale(double v) { require(v > 1 && Double.isFinite(v), "octave scale must be above 1, got " + v); DreamParams p = copy(); p.octaveScale = v; return p; }
    public DreamParams withStep(double v) { require(v > 0 && Double.isFinite(v), "step must be positive, got " + v); DreamParams p = copy(); p.step = v; return p; }
    public DreamParams withJitter(int v) { require(v >= 0, "jitter must be 0 or more, got " + v); DreamParams p = copy(); p.jitter = v; return p; }
    public DreamParams withSeed(long v) { DreamParams p = copy(); p.seed = v; return p; }
    public DreamParams withTile(int v) { require(v >= -1, "tile must be a size in pixels, 0 (automatic) or -1 (never), got " + v); DreamParams p = copy(); p.tile = v; return p; }
    public DreamParams withTileMargin(int v) { require(v >= 0, "tile margin must be 0 or more, got " + v); DreamParams p = copy(); p.tileMargin = v; return p; }

    public DreamParams withNormalize(Normalize v) { DreamParams p = copy(); p.normalize = java.util.Objects.requireNonNull(v); return p; }
    public DreamParams withLapLevels(int v) { require(v >= 0 && v <= 12, "Laplacian levels must be 0 (off) to 12, got " + v); DreamParams p = copy(); p.lapLevels = v; return p; }
    /** The mask as 1-channel weights 0..1 (black 0 stays, white 1 dreams); null for none. */
    public DreamParams withMask(PlanarImage v) {
        require(v == null || v.channels() == 1, "the mask must have one channel, got " + (v == null ? 0 : v.channels()));
        DreamParams p = copy(); p.mask = v; return p;
    }
    public DreamParams withOriginalColors(boolean v) { DreamParams p = copy(); p.originalColors = v; return p; }
    public DreamParams withMinOctaveSide(int v) { require(v >= 0, "minimum octave side must be 0 or more, got " + v); DreamParams p = copy(); p.minOctaveSide = v; return p; }
    public DreamParams withOctaveSides(List<Integer> v) {
        for (int i = 0; i < v.size(); i++) {
            require(v.get(i) >= 1, "octave sizes must be positive pixel counts, got " + v.get(i));
            require(i == 0 || v.get(i) > v.get(i - 1), "octave sizes must grow from the first to the last, got " + v);
        }
        DreamParams p = copy(); p.octaveSides = List.copyOf(v); return p;
    }

    /** The tile size used for an octave of this size: 0 means untiled. */
    public int tileFor(int height, int width) {
        if (tile < 0) return 0;
        int t = tile > 0 ? InputGradient.roundUp(tile) : (long) height * width > AUTO_TILE_PIXELS ? DEFAULT_TILE : 0;
        return t > 0 && (t < height || t < width) ? t : 0;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
