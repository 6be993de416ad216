package deepdream.serve;

import deepdream.engine.dream.DreamParams;
import deepdream.engine.image.PlanarImage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One dream request and its progress. The worker updates it and never waits on a client: every
 * change bumps {@link #version} and wakes the event streams, which each send the latest snapshot at
 * their own pace (a slow client skips intermediate states instead of holding the worker up).
 */
final class Job {
    enum State { QUEUED, RUNNING, DONE, FAILED, CANCELLED;
        boolean finished() { return this == DONE || this == FAILED || this == CANCELLED; }
        String json() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    final String id;
    final DreamParams params;
    /** The PNG text entries of the result (every parameter), written with it. */
    final Map<String, String> metadata;
    private PlanarImage input;   // dropped once the dream starts: a finished job holds no pixels
    private State state = State.QUEUED;
    private int position, octave, octaves, iteration, iterations, previews;
    private Double etaSeconds;
    private String error;
    private byte[] previewPng;
    private long version;
    private volatile boolean cancelRequested;
    final long createdNanos = System.nanoTime();

    Job(String id, PlanarImage input, DreamParams params, Map<String, String> metadata) {
        this.id = id;
        this.input = input;
        this.params = params;
        this.metadata = metadata;
        this.octaves = params.octaves();
        this.iterations = params.iterations();
    }

    synchronized PlanarImage takeInput() {
        PlanarImage in = input;
        input = null;
        return in;
    }

    boolean cancelRequested() { return cancelRequested; }

    void requestCancel() { cancelRequested = true; }

    synchronized State state() { return state; }

    synchronized void setPosition(int p) { if (p != position) { position = p; changed(); } }

    synchronized void started() { state = State.RUNNING; position = 0; changed(); }

    synchronized void progress(int octave, int iteration, Double etaSeconds) {
        this.octave = octave;
        this.iteration = iteration;
        this.etaSeconds = etaSeconds;
        changed();
    }

    synchronized void preview(byte[] png) {
        previewPng = png;
        previews++;
        changed();
    }

    synchronized byte[] previewPng() { return previewPng; }

    /** Ends the job; a finished job's state never changes again. */
    synchronized void finish(State end, String error) {
        if (state.finished()) return;
        state = end;
        this.error = error;
        input = null;
        position = 0;
        etaSeconds = end == State.DONE ? 0.0 : null;
        changed();
    }

    private void changed() {
        version++;
        notifyAll();
    }

    synchronized long version() { return version; }

    /** Waits until the version passes {@code seen} or the timeout ends; returns the current version. */
    synchronized long awaitChange(long seen, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (version == seen && !state.finished()) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) break;
            wait(left);
        }
        return version;
    }

    /** The status JSON of GET /api/jobs/{id} and of each event. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", state.json());
        if (state == State.QUEUED) m.put("position", position);
        m.put("octave", octave);
        m.put("octaves", octaves);
        m.put("iteration", iteration);
        m.put("iterations", iterations);
        m.put("eta", etaSeconds == null ? null : Math.round(etaSeconds * 10) / 10.0);
        m.put("seed", params.seed());
        m.put("previews", previews);
        if (previews > 0) m.put("preview", "/api/jobs/" + id + "/preview?n=" + previews);
        if (state == State.DONE) m.put("result", "/api/jobs/" + id + "/result");
        if (error != null) m.put("error", error);
        return m;
    }
}
