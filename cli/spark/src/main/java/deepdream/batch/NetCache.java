package deepdream.batch;

import deepdream.engine.Backend;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The nets of this JVM, kept for its lifetime: an executor parses the weights once and builds one net
 * per task slot that runs at the same time (a net's buffers belong to one dream at a time), then every
 * later task and file reuses them. Keyed by model, weights and backend, so two batches with different
 * models in one JVM do not mix.
 */
public final class NetCache {
    private NetCache() {}

    private static final Map<String, NetDef> DEFS = new ConcurrentHashMap<>();
    private static final Map<String, Deque<Dreamer>> IDLE = new ConcurrentHashMap<>();
    private static final AtomicInteger BUILT = new AtomicInteger();
    private static final Map<String, AtomicInteger> BUILT_PER_KEY = new ConcurrentHashMap<>();

    /** A dreamer lent to one task; closing it gives it back for the next task. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        public final Dreamer dreamer;
        /** The model the dreamer runs (its input size sets the octave floor, as for 'deepdream dream'). */
        public final NetDef def;

        private Lease(String key, Dreamer dreamer, NetDef def) { this.key = key; this.dreamer = dreamer; this.def = def; }

        @Override public void close() { IDLE.get(key).push(dreamer); }
    }

    public static Lease borrow(DreamSettings s, int threads) {
        String defKey = defKey(s), key = key(s, threads);
        Deque<Dreamer> idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        NetDef def = DEFS.computeIfAbsent(defKey, k -> s.model.loadNet());
        Dreamer d = idle.poll();
        if (d == null) {
            s.backend.threads = threads;
            Backend backend = s.backend.create();
            d = new Dreamer(Net.build(def, backend));   // never closed: it lives as long as the executor
            BUILT.incrementAndGet();
            BUILT_PER_KEY.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        return new Lease(key, d, def);
    }

    /** How many nets this JVM has built so far. */
    public static int built() { return BUILT.get(); }

    /** How many nets this JVM has built for these settings (other batches in the same JVM not counted). */
    public static int built(DreamSettings s, int threads) {
        AtomicInteger n = BUILT_PER_KEY.get(key(s, threads));
        return n == null ? 0 : n.get();
    }

    private static String defKey(DreamSettings s) {
        return (s.model.model == null ? "bundled" : s.model.model.toAbsolutePath().toString()) + "|" + s.model.weightsPath().toAbsolutePath();
    }

    private static String key(DreamSettings s, int threads) {
        return defKey(s) + "|" + s.backend.name() + "|" + threads + "|" + s.backend.device;
    }
}
