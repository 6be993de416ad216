package deepdream.engine.dream;

/**
 * How one axis of an image is cut for tiling: {@code count} windows of one length {@code window},
 * starting at {@code starts[i]} (multiples of the alignment; the first at 0, the last ending at the
 * image's edge), and the part of the axis whose gradient each window supplies, {@code [cores[i],
 * cores[i + 1])}.
 *
 * <p>Why windows of one length: every tile then has the same shape, so each tile's activations
 * reuse the buffers the previous tile released instead of allocating (and, on a big photo, keeping
 * pooled) a set for every edge size. Why not simply "tile plus margin on every side": a window at
 * the image's edge needs no margin on the outer side, so the edge windows are shifted inwards and
 * all windows shrink to the least length that still gives every core pixel {@code margin} pixels
 * of context on each inner side. A 4000-pixel axis in windows of at most 1024 + 2·96: four
 * windows of 1152 (1.15× the pixels), where 1024-pixel tiles each with its own margins need 1.14×
 * in four different lengths.
 */
public record TileAxis(int length, int window, int[] starts, int[] cores) {

    public int count() { return starts.length; }

    /**
     * The least number of windows whose cores are at most {@code tile} long, each window as short as
     * the {@code margin} allows, starts aligned to {@code align}. An axis no longer than {@code tile}
     * is one window, the whole axis.
     */
    public static TileAxis of(int length, int tile, int margin, int align) {
        if (length < 1 || tile < 1 || margin < 0 || align < 1)
            throw new IllegalArgumentException("tile axis: length " + length + ", tile " + tile + ", margin " + margin + ", align " + align);
        int n = (length + tile - 1) / tile;
        if (n == 1) return new TileAxis(length, length, new int[] {0}, new int[] {0, length});
        // n windows of length s cover the axis with 2·margin overlaps when n·s − 2·margin·(n − 1) ≥ length;
        // s ≡ length (mod align) makes the last start, length − s, aligned like the others.
        int s = ceilDiv(length + 2 * margin * (n - 1), n);
        s += Math.floorMod(length - s, align);
        while (true) {
            if (s >= length) return new TileAxis(length, length, new int[] {0}, new int[] {0, length});
            int[] starts = new int[n];
            for (int i = 1; i < n; i++) starts[i] = (int) Math.round((double) i * (length - s) / (n - 1) / align) * align;
            starts[n - 1] = length - s;
            if (overlapsAtLeast(starts, s, 2 * margin)) {
                // On a short axis with a wide margin two starts can round to one: the same window twice.
                starts = java.util.Arrays.stream(starts).distinct().toArray();
                int m = starts.length;
                int[] cores = new int[m + 1];
                cores[m] = length;
                // Each boundary in the middle of the two windows' overlap: both sides get the most context.
                for (int i = 1; i < m; i++) cores[i] = (starts[i] + starts[i - 1] + s) / 2;
                return new TileAxis(length, s, starts, cores);
            }
            s += align;   // the aligned starts lost a little overlap: one step longer
        }
    }

    private static boolean overlapsAtLeast(int[] starts, int window, int overlap) {
        for (int i = 1; i < starts.length; i++)
            if (starts[i - 1] + window - starts[i] < overlap) return false;
        return true;
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
