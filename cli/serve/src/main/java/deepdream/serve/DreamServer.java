package deepdream.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import deepdream.cli.UserException;
import deepdream.cli.io.ImageFiles;
import deepdream.engine.dream.DreamParams;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.model.Net;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web server of {@code deepdream serve}: the page (bundled resources) and the HTTP API of
 * docs/serve.md over one shared net. Request threads decode uploads and queue jobs; the one worker
 * dreams; event streams each run on their own request thread and only read job snapshots.
 */
public final class DreamServer implements AutoCloseable {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    static final String WEB = "/deepdream/serve/web/";
    static final Map<String, String> PAGES = Map.of("/", "index.html", "/app.js", "app.js", "/style.css", "style.css");
    static final int MAX_STREAMS = 64;
    static final long HEARTBEAT_MS = 15_000;
    static final String COOKIE = "deepdream_token";
    static final java.util.Set<String> FINISHED = java.util.Set.of(Job.State.DONE.json(), Job.State.FAILED.json(), Job.State.CANCELLED.json());

    private final ServeSettings settings;
    private final Net net;
    private final Map<String, int[]> shapes;
    private final JobQueue queue;
    private final Results results;
    private final LayerGallery gallery;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger streams = new AtomicInteger();
    private final Path uploads;
    private Javalin app;

    public DreamServer(Net net, ServeSettings settings) {
        this.settings = settings;
        this.net = net;
        this.shapes = net.blobShapes(net.def().inputShape());
        Dreamer dreamer = new Dreamer(net);
        this.results = new Results(settings.results());
        this.queue = new JobQueue(settings.queue(), new DreamRunner(dreamer, results));
        this.gallery = new LayerGallery(net, dreamer, queue, settings.thumbnails());
        try {
            this.uploads = Files.createTempDirectory("deepdream-serve-");
        } catch (IOException e) {
            throw new UserException("cannot create a temporary directory for uploads: " + e.getMessage(), e);
        }
    }

    /** Starts listening; returns the port (useful with port 0). */
    public int start() {
        app = Javalin.create(config -> {
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.multipartConfig.maxFileSize(settings.maxUpload(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxUpload(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1 << 20, SizeUnit.BYTES);
            config.jetty.multipartConfig.cacheDirectory(uploads.toString());
            var r = config.routes;
            r.before(this::guard);
            PAGES.forEach((path, file) -> r.get(path, ctx -> page(ctx, file)));
            r.get("/api/layers", this::layers);
            r.get("/api/layers/thumbnail", this::thumbnail);
            r.get("/api/results", ctx -> send(ctx, 200, Map.of("results", results.list())));
            r.post("/api/jobs", this::submit);
            r.get("/api/jobs/{id}", ctx -> send(ctx, 200, job(ctx).snapshot()));
            r.delete("/api/jobs/{id}", this::cancel);
            r.get("/api/jobs/{id}/events", this::events);
            r.get("/api/jobs/{id}/preview", this::preview);
            r.get("/api/jobs/{id}/result", this::result);
            r.exception(HttpError.class, (e, ctx) -> {
                if (e.retryAfter > 0) ctx.header("Retry-After", Integer.toString(e.retryAfter));
                send(ctx, e.status, Map.of("error", e.getMessage()));
            });
            r.exception(Exception.class, (e, ctx) -> {
                if (tooLarge(e)) {
                    send(ctx, 413, Map.of("error", "the upload is larger than the limit of " + megabytes(settings.maxUpload())));
                    return;
                }
                System.err.println("deepdream: " + ctx.method() + " " + ctx.path() + " failed: " + e);
                send(ctx, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
            });
            r.error(404, ctx -> { if (ctx.result() == null) send(ctx, 404, Map.of("error", "no such page or API: " + ctx.path())); });
            r.error(405, ctx -> { if (ctx.result() == null) send(ctx, 405, Map.of("error", ctx.method() + " is not allowed on " + ctx.path())); });
        });
        app.start();
        return app.port();
    }

    public int port() { return app.port(); }

    /** Where uploads are decoded from (empty between requests). */
    Path uploadsDir() { return uploads; }

    /** Security headers on every answer; the Host, Origin and token checks before anything else. */
    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        if (ctx.path().startsWith("/api/")) ctx.header("Cache-Control", "no-store");
        String host = ctx.header("Host");
        if (isLoopback(settings.host()) && (host == null || !loopbackHost(host)))
            throw new HttpError(403, "this server answers only to 127.0.0.1 or localhost (Host header was " + host + ")");
        String origin = ctx.header("Origin");
        if (origin != null && !ctx.method().name().equals("GET") && !origin.equals("http://" + host))
            throw new HttpError(403, "cross-site requests are refused (Origin " + origin + ")");
        if (settings.token() == null) return;
        String given = ctx.queryParam("token");
        if (given != null && ctx.path().equals("/")) {   // the link printed at start: remember the token, drop it from the address bar
            if (!same(given, settings.token())) throw new HttpError(401, "wrong token");
            ctx.cookie(new io.javalin.http.Cookie(COOKIE, settings.token(), "/", -1, false, true, null, io.javalin.http.SameSite.STRICT));
            ctx.redirect("/");
            ctx.skipRemainingHandlers();
            return;
        }
        if (!ctx.path().startsWith("/api/")) return;   // the page's own files are public; everything it asks for is not
        String auth = ctx.header("Authorization");
        String presented = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : ctx.cookie(COOKIE);
        if (presented == null || !same(presented, settings.token()))
            throw new HttpError(401, "this server needs its token: open the address it printed (…/?token=…) or send Authorization: Bearer TOKEN");
    }

    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    private boolean loopbackHost(String hostHeader) {
        String h = hostHeader.startsWith("[") ? hostHeader.substring(0, hostHeader.indexOf(']') + 1)
                : hostHeader.contains(":") ? hostHeader.substring(0, hostHeader.lastIndexOf(':')) : hostHeader;
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("[::1]") || h.equals(settings.host());
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private void page(Context ctx, String file) throws IOException {
        try (InputStream in = DreamServer.class.getResourceAsStream(WEB + file)) {
            if (in == null) throw new HttpError(404, "missing resource " + file);
            String type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
            ctx.contentType(type).result(in.readAllBytes());
        }
    }

    private void layers(Context ctx) {
        List<Map<String, Object>> list = gallery.layers().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.blob());
            m.put("channels", l.channels());
            m.put("thumbnail", "/api/layers/thumbnail?layer=" + java.net.URLEncoder.encode(l.blob(), StandardCharsets.UTF_8));
            return m;
        }).toList();
        send(ctx, 200, Map.of("layers", list, "default", gallery.layer(DreamParams.DEFAULT_LAYER).isPresent() ? DreamParams.DEFAULT_LAYER
                : gallery.layers().isEmpty() ? "" : gallery.layers().get(gallery.layers().size() / 2).blob()));
    }

    private void thumbnail(Context ctx) throws IOException {
        String blob = ctx.queryParam("layer");
        if (blob == null || gallery.layer(blob).isEmpty()) throw new HttpError(400, "parameter 'layer' must be one of GET /api/layers, got " + blob);
        Optional<Path> f = gallery.thumbnail(blob);
        if (f.isEmpty()) throw new HttpError(503, "the thumbnail of " + blob + " is being made", 2);
        ctx.header("Cache-Control", "max-age=86400");
        ctx.contentType("image/png").result(Files.readAllBytes(f.get()));
    }

    private void submit(Context ctx) throws IOException {
        long length = ctx.req().getContentLengthLong();
        if (length > settings.maxUpload())
            throw new HttpError(413, "the upload is " + megabytes(length) + ", over the limit of " + megabytes(settings.maxUpload()));
        if (queue.waitingCount() >= settings.queue())   // refuse before decoding anything
            throw new HttpError(503, "the queue is full (" + settings.queue() + " dreams waiting); try again in a moment", 5);
        String type = ctx.contentType();
        if (type == null || !type.startsWith("multipart/form-data"))
            throw new HttpError(400, "POST /api/jobs takes multipart/form-data with a 'params' JSON field and an optional 'image' file");
        // The upload is decoded (under the pixel limit) before anything else looks at the request.
        PlanarImage photo = null;
        String inputName = null;
        UploadedFile image = ctx.uploadedFile("image");
        if (image != null && image.size() > 0) {
            inputName = uploadName(image, "photo");
            photo = decode(image, inputName);
        }
        UploadedFile guide = ctx.uploadedFile("guide");
        String guideName = null;
        Path guideFile = null;
        DreamRequest request;
        PlanarImage input;
        DreamParams params;
        try {
            if (guide != null && guide.size() > 0) {
                guideName = uploadName(guide, "guide");
                guideFile = save(guide);
                decodeAs(guideFile, guideName);   // a bad guide is a 400 naming it, not a message with our temp path
            }
            request = DreamRequest.parse(json, ctx.formParam("params"), settings.maxSide());
            checkLayers(request);
            input = photo != null ? request.options.fitToMaxSize(photo, null) : request.clouds();
            params = request.options.forModel(request.params(request.options.seedOrRandom(), guideFile, settings.maxPixels()), net.def());   // reads the guide (shrunk for matching)
        } finally {
            if (guideFile != null) Files.deleteIfExists(guideFile);
        }
        String id = HexFormat.of().formatHex(randomBytes());
        Job job = new Job(id, input, params, request.metadata(params, inputName, guideName, settings.modelName(), settings.backendName()));
        int position = queue.submit(job);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("position", position);
        m.put("seed", params.seed());
        m.put("status", "/api/jobs/" + id);
        m.put("events", "/api/jobs/" + id + "/events");
        ctx.header("Location", "/api/jobs/" + id);
        send(ctx, 202, m);
    }

    private byte[] randomBytes() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return b;
    }

    private void checkLayers(DreamRequest request) {
        for (String blob : request.blobs()) {
            if (!net.hasBlob(blob)) throw new HttpError(400, "parameter 'layer': " + blob + " is not a blob of this net (see GET /api/layers)");
            int[] s = shapes.get(blob);
            Integer c = request.options.channel;
            if (c != null && s != null && s.length > 1 && c >= s[1])
                throw new HttpError(400, "parameter 'channel': " + blob + " has " + s[1] + " channels (0.." + (s[1] - 1) + "), got " + c);
        }
    }

    /** The client's file name, for messages and the PNG record only (never a path here). */
    static String uploadName(UploadedFile f, String fallback) {
        String n = f.filename() == null ? "" : f.filename();
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1).replaceAll("\\p{Cntrl}", "");
        if (n.length() > 100) n = n.substring(0, 100);
        return n.isBlank() ? fallback : n;
    }

    private Path save(UploadedFile f) throws IOException {
        Path tmp = Files.createTempFile(uploads, "upload-", ".bin");
        try (InputStream in = f.content()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** Decodes an upload under the pixel limit; the temporary copy is gone when this returns. */
    private PlanarImage decode(UploadedFile f, String name) throws IOException {
        Path tmp = save(f);
        try {
            return decodeAs(tmp, name);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private PlanarImage decodeAs(Path tmp, String name) {
        try {
            return ImageFiles.read(tmp, settings.maxPixels());
        } catch (UserException e) {
            throw new HttpError(400, e.getMessage().replace(tmp.toString(), "'" + name + "'"));
        }
    }

    private Job job(Context ctx) {
        Job job = queue.get(ctx.pathParam("id"));
        if (job == null) throw new HttpError(404, "no job " + ctx.pathParam("id") + " (finished jobs are forgotten after a restart; see GET /api/results)");
        return job;
    }

    private void cancel(Context ctx) {
        String id = ctx.pathParam("id");
        if (!queue.cancel(id)) throw new HttpError(404, "no job " + id);
        send(ctx, 202, queue.get(id).snapshot());
    }

    private void preview(Context ctx) {
        byte[] png = job(ctx).previewPng();
        if (png == null) throw new HttpError(404, "no preview yet: one comes after each octave");
        ctx.contentType("image/png").result(png);
    }

    private void result(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        Job job = queue.get(id);
        if (job != null && job.state() != Job.State.DONE)
            throw new HttpError(409, "job " + id + " is " + job.state().json() + "; its result comes when it is done");
        Path f = results.find(id).orElseThrow(() -> new HttpError(404, "no result " + id));
        if (ctx.queryParam("download") != null) ctx.header("Content-Disposition", "attachment; filename=\"dream-" + id + ".png\"");
        ctx.contentType("image/png").result(Files.readAllBytes(f));
    }

    /**
     * Server-sent events: a "status" event with the job's snapshot whenever it changes (the latest
     * one only, so a slow reader skips states instead of piling them up), a comment every 15 s so a
     * vanished client is noticed, and the end of the stream when the job is finished.
     */
    private void events(Context ctx) throws Exception {
        Job job = job(ctx);
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            throw new HttpError(503, "too many open event streams; poll GET /api/jobs/{id} instead", 5);
        }
        try {
            var res = ctx.res();
            res.setStatus(200);
            res.setContentType("text/event-stream");
            res.setCharacterEncoding("utf-8");
            res.setHeader("Cache-Control", "no-store");
            res.setHeader("X-Accel-Buffering", "no");
            OutputStream out = res.getOutputStream();
            long seen = -1;
            while (true) {
                long now = job.version();
                if (now != seen) {
                    Map<String, Object> s = job.snapshot();
                    out.write(("event: status\ndata: " + json.writeValueAsString(s) + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    seen = now;
                    if (FINISHED.contains(s.get("state"))) break;
                } else {
                    out.write(": ping\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                job.awaitChange(seen, HEARTBEAT_MS);
            }
        } catch (IOException gone) {
            // the client went away; nothing else depends on this stream
        } finally {
            streams.decrementAndGet();
        }
    }

    private void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (t instanceof IllegalStateException && (m.contains("exceeds") || m.contains("too large") || m.contains("max"))) return true;
        }
        return false;
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** Stops the server: the running dream is asked to stop, waiting ones are cancelled, temp files removed. */
    @Override
    public void close() {
        queue.close();
        if (app != null) app.stop();
        try (var s = Files.walk(uploads)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory is under the system temp dir
        }
    }
}
