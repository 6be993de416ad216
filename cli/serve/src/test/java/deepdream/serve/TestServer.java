package deepdream.serve;

import deepdream.engine.Backend;
import deepdream.engine.model.Net;
import deepdream.importers.caffe.CaffeImporter;
import deepdream.importers.caffe.TinyNets;
import deepdream.kernels.Backends;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An in-process server on a free loopback port over the importer tests' tiny random net (the
 * reference backend: dreams of a few hundred pixels take milliseconds), with its own results and
 * cache directories, and small HTTP helpers. Closing it stops the server and the net.
 */
final class TestServer implements AutoCloseable {
    final Path dir, results, cache;
    final DreamServer server;
    final URI base;
    private final Backend backend;
    private final Net net;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestServer(Path dir) throws IOException { this(dir, 4, 25_000_000, null); }

    TestServer(Path dir, int queue, long maxUpload, String token) throws IOException {
        this.dir = dir;
        this.results = dir.resolve("results");
        this.cache = dir.resolve("cache");
        Files.createDirectories(dir);
        Path[] model = tinyModel(dir);
        backend = Backends.create("reference", 1);
        net = Net.build(CaffeImporter.load(model[0], model[1]), backend);
        server = new DreamServer(net, new ServeSettings("127.0.0.1", 0, token, results, cache.resolve("thumbnails"), queue, maxUpload,
                1600, 100_000_000L, "tiny.prototxt", "reference"));
        base = URI.create("http://127.0.0.1:" + server.start() + "/");
    }

    /** The tiny net as prototxt + caffemodel in dir (written once). */
    static Path[] tinyModel(Path dir) throws IOException {
        Path prototxt = dir.resolve("tiny.prototxt"), weights = dir.resolve("tiny.caffemodel");
        if (!Files.exists(weights)) {
            Files.writeString(prototxt, TinyNets.deployText());
            Files.write(weights, TinyNets.snapshotV1(TinyNets.randomWeights(3)).toByteArray());
        }
        return new Path[] {prototxt, weights};
    }

    URI uri(String path) { return base.resolve(path.startsWith("/") ? path.substring(1) : path); }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).DELETE().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> submit(String paramsJson) throws IOException, InterruptedException {
        return submit(base, paramsJson, Map.of());
    }

    /** POST /api/jobs as multipart: params, and files by part name (file name, bytes). */
    static HttpResponse<String> submit(URI base, String paramsJson, Map<String, Map.Entry<String, byte[]>> files) throws IOException, InterruptedException {
        String boundary = "----deepdream" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"params\"\r\n\r\n" + paramsJson + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (var f : files.entrySet()) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"; filename=\"" + f.getValue().getKey()
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            parts.add(f.getValue().getValue());
            parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(base.resolve("api/jobs")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(parts)).build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // A pooled keep-alive connection the server closed just as it was reused answers no bytes at
            // all; browsers resend a request that got nothing back on a reused connection, and so do we, once.
            if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) throw e;
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Polls the job until it is finished; its last status JSON. */
    String awaitFinished(String id, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            String s = get("/api/jobs/" + id).body();
            if (s.contains("\"state\":\"done\"") || s.contains("\"state\":\"failed\"") || s.contains("\"state\":\"cancelled\"")) return s;
            if (System.nanoTime() > end) throw new AssertionError("job " + id + " not finished in " + timeout + ": " + s);
            Thread.sleep(20);
        }
    }

    /** Polls until the job is running (so jobs submitted next are queued behind it). */
    void awaitRunning(String id) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!get("/api/jobs/" + id).body().contains("\"state\":\"running\"")) {
            if (System.nanoTime() > end) throw new AssertionError("job " + id + " never started");
            Thread.sleep(10);
        }
    }

    Path uploadsDir() { return server.uploadsDir(); }

    @Override
    public void close() {
        server.close();
        net.close();
        backend.close();
    }
}
