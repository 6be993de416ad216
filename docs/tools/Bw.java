import java.util.concurrent.*;
/** Streaming bandwidth, 1 vs 2 threads: read-only sum, copy, and in-place scale (like ReLU) over float arrays of a given size. */
public class Bw {
    static float sink;
    public static void main(String[] a) throws Exception {
        int mb = Integer.parseInt(a[0]); int n = mb * 1024 * 1024 / 4; int reps = Integer.parseInt(a[1]);
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 7 - 3;
        ExecutorService ex = Executors.newFixedThreadPool(2);
        for (int threads = 1; threads <= 2; threads++) for (String op : new String[]{"read", "copy", "relu"}) {
            double best = 1e9;
            for (int r = 0; r < reps; r++) {
                final int t = threads; long t0 = System.nanoTime();
                Future<?>[] f = new Future<?>[t];
                for (int k = 0; k < t; k++) { final int lo = (int)((long) n * k / t), hi = (int)((long) n * (k + 1) / t);
                    f[k] = ex.submit(() -> { float s = 0;
                        switch (op) {
                            case "read": for (int i = lo; i < hi; i++) s += x[i]; break;
                            case "copy": System.arraycopy(x, lo, y, lo, hi - lo); break;
                            default: for (int i = lo; i < hi; i++) y[i] = Math.max(y[i], 0f);
                        }
                        sink += s; }); }
                for (Future<?> ff : f) ff.get();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            double bytes = (op.equals("read") ? 1 : 2) * 4.0 * n;
            System.out.printf("%d MB %s threads=%d: %.1f GB/s (best of %d)%n", mb, op, threads, bytes / best / 1e9, reps);
        }
        ex.shutdown();
    }
}
