package deepdream.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import deepdream.cli.io.ImageWriter;
import deepdream.engine.image.Clouds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API of docs/serve.md over real HTTP on loopback, on the tiny random net. */
class ApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TINY = "\"layer\":\"cat\",\"octaves\":2,\"iterations\":2,\"cloudsWidth\":48,\"cloudsHeight\":40";
    /** A dream long enough to be cancelled or to hold the worker while others queue (cancelled, it ends early). */
    static final String LONG = "{\"layer\":\"cat\",\"octaves\":1,\"iterations\":100,\"cloudsWidth\":700,\"cloudsHeight\":700}";

    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception { s = new TestServer(dir, 3, 300_000, null); }

    @AfterAll
    static void stop() { if (s != null) s.close(); }

    static JsonNode json(HttpResponse<String> r) throws Exception { return JSON.readTree(r.body()); }

    @Test
    void aDreamStreamsProgressAndPreviewsAndEndsWithAPngCarryingItsParameters() throws Exception {
        // Long enough (20 steps, about a second) that the stream, opened right away, sees it run.
        HttpResponse<String> r = s.submit("{\"layer\":\"cat\",\"octaves\":2,\"iterations\":10,\"cloudsWidth\":192,\"cloudsHeight\":144,\"seed\":7}");
        assertEquals(202, r.statusCode(), r.body());
        String id = json(r).get("id").asText();
        assertTrue(Results.ID.matcher(id).matches(), id);

        // Read the whole event stream: it ends by itself when the job is finished.
        List<JsonNode> events = new ArrayList<>();
        HttpResponse<Stream<String>> es = TestServer.HTTP.send(HttpRequest.newBuilder(s.uri("/api/jobs/" + id + "/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertTrue(es.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (Stream<String> lines = es.body()) {
            for (String line : (Iterable<String>) lines::iterator) if (line.startsWith("data: ")) events.add(JSON.readTree(line.substring(6)));
        }
        JsonNode last = events.get(events.size() - 1);
        assertEquals("done", last.get("state").asText(), last.toString());
        assertTrue(events.stream().anyMatch(e -> e.get("state").asText().equals("running") && e.get("octave").asInt() == 2
                && e.get("iteration").asInt() >= 1 && e.get("eta").isNumber()), events.toString());
        assertEquals(10, last.get("iteration").asInt());
        assertEquals(2, last.get("previews").asInt(), "a preview after each octave");
        assertEquals(200, s.getBytes(last.get("preview").asText()).statusCode());

        HttpResponse<byte[]> png = s.getBytes("/api/jobs/" + id + "/result");
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        Path file = dir.resolve("result.png");
        Files.write(file, png.body());
        Map<String, String> text = ImageWriter.readText(file);
        assertEquals("7", text.get("deepdream.seed"));
        assertEquals("cat:1", text.get("deepdream.layers"));
        assertEquals("10", text.get("deepdream.iterations"));
        assertTrue(text.get("deepdream.command").contains("--seed 7"), text.toString());
        assertEquals("generated clouds 192x144", text.get("deepdream.input"));

        JsonNode listed = json(s.get("/api/results")).get("results");
        assertTrue(listed.findValuesAsText("id").contains(id), listed.toString());
        assertTrue(isEmpty(s.uploadsDir()), "no temp files left");
    }

    @Test
    void aPhotoUploadIsDreamedAtItsOwnSizeUnderMaxSize() throws Exception {
        Path photo = dir.resolve("photo.png");
        ImageWriter.write(photo, Clouds.generate(60, 90, 3), Map.of());
        HttpResponse<String> r = TestServer.submit(s.base, "{\"layer\":\"cat\",\"octaves\":1,\"iterations\":1,\"maxSize\":45}",
                Map.of("image", new AbstractMap.SimpleEntry<>("holiday.png", Files.readAllBytes(photo))));
        assertEquals(202, r.statusCode(), r.body());
        String id = json(r).get("id").asText();
        assertTrue(s.awaitFinished(id, Duration.ofSeconds(60)).contains("\"done\""));
        Path out = dir.resolve("photo-result.png");
        Files.write(out, s.getBytes("/api/jobs/" + id + "/result").body());
        var img = javax.imageio.ImageIO.read(out.toFile());
        assertEquals(45, img.getWidth());
        assertEquals(30, img.getHeight());
        assertEquals("holiday.png", ImageWriter.readText(out).get("deepdream.input"));
        assertTrue(isEmpty(s.uploadsDir()), "the upload's temp file is removed");
    }

    @Test
    void badRequestsAre400sNamingTheParameterOrFile() throws Exception {
        assertError(s.submit("{\"layer\":\"cat\",\"iterations\":0}"), 400, "iterations");
        assertError(s.submit("{\"layer\":\"cat\",\"octaves\":\"many\"}"), 400, "octaves");
        assertError(s.submit("{\"layer\":\"cat\",\"step\":-1}"), 400, "step");
        assertError(s.submit("{\"colour\":1}"), 400, "colour");
        assertError(s.submit("{\"layer\":\"nope/output\"}"), 400, "nope/output");
        assertError(s.submit("{\"layer\":\"cat\",\"channel\":5}"), 400, "channel");
        assertError(s.submit("not json"), 400, "JSON");
        assertError(TestServer.submit(s.base, "{}", Map.of("image", new AbstractMap.SimpleEntry<>("notes.txt", "hello, not a photo".getBytes()))),
                400, "'notes.txt' is not an image");
        assertError(TestServer.submit(s.base, "{}", Map.of("guide", new AbstractMap.SimpleEntry<>("g.txt", "nope".getBytes()))), 400, "'g.txt'");
        HttpResponse<String> plain = TestServer.HTTP.send(HttpRequest.newBuilder(s.uri("/api/jobs")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertError(plain, 400, "multipart");
        assertError(s.get("/api/jobs/0123456789abcdef"), 404, "no job");
        assertError(s.get("/api/jobs/..%2F..%2Fetc/result"), 404, "");
        assertTrue(isEmpty(s.uploadsDir()));
    }

    @Test
    void anUploadOverTheLimitIs413() throws Exception {
        assertError(TestServer.submit(s.base, "{}", Map.of("image", new AbstractMap.SimpleEntry<>("big.png", new byte[400_000]))), 413, "limit");
    }

    @Test
    void queuePositionsCancelAndAFullQueue() throws Exception {
        String running = json(s.submit(LONG)).get("id").asText();
        s.awaitRunning(running);
        List<String> queued = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = s.submit("{" + TINY + "}");
            assertEquals(202, r.statusCode(), r.body());
            assertEquals(i, json(r).get("position").asInt(), r.body());
            queued.add(json(r).get("id").asText());
        }
        HttpResponse<String> full = s.submit("{" + TINY + "}");
        assertError(full, 503, "queue is full");
        assertTrue(Integer.parseInt(full.headers().firstValue("Retry-After").orElse("0")) > 0, "Retry-After");

        assertEquals(202, s.delete("/api/jobs/" + queued.get(0)).statusCode());
        assertEquals("cancelled", json(s.get("/api/jobs/" + queued.get(0))).get("state").asText());
        assertEquals(1, json(s.get("/api/jobs/" + queued.get(1))).get("position").asInt(), "moved up");
        assertEquals(2, json(s.get("/api/jobs/" + queued.get(2))).get("position").asInt(), "moved up");

        assertEquals(202, s.delete("/api/jobs/" + running).statusCode());
        assertTrue(s.awaitFinished(running, Duration.ofSeconds(30)).contains("\"cancelled\""), "the running dream stops");
        assertError(s.get("/api/jobs/" + running + "/result"), 409, "cancelled");
        assertFalse(Files.exists(s.results.resolve(running + ".png")));
        for (String id : queued.subList(1, 3)) assertTrue(s.awaitFinished(id, Duration.ofSeconds(60)).contains("\"done\""));
    }

    @Test
    void silentAndVanishedClientsNeitherHoldUpTheWorkerNorKeepTheirStreams() throws Exception {
        String id = json(s.submit(LONG.replace("700", "400"))).get("id").asText();
        s.awaitRunning(id);
        try (Socket silent = new Socket()) {
            silent.setReceiveBufferSize(1024);   // before connecting, so the window offered stays small
            silent.connect(new java.net.InetSocketAddress("127.0.0.1", s.base.getPort()));
            silent.getOutputStream().write(("GET /api/jobs/" + id + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            silent.getOutputStream().flush();   // and never read
            // 2 x 40 clients that open the stream and vanish (reset, no goodbye): more than the 64 streams allowed at once.
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 40; i++) {
                    try (Socket gone = new Socket("127.0.0.1", s.base.getPort())) {
                        gone.getOutputStream().write(("GET /api/jobs/" + id + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        assertTrue(new BufferedReader(new InputStreamReader(gone.getInputStream(), StandardCharsets.US_ASCII)).readLine().startsWith("HTTP/1.1 200"));
                        gone.setSoLinger(true, 0);
                    }
                }
                int before = json(s.get("/api/jobs/" + id)).get("iteration").asInt();
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();   // the next events show them gone; the dream goes on
                while (json(s.get("/api/jobs/" + id)).get("iteration").asInt() < before + 2) {
                    assertTrue(System.nanoTime() < end, "the dream stalled");
                    Thread.sleep(20);
                }
            }
            HttpResponse<Stream<String>> es = TestServer.HTTP.send(HttpRequest.newBuilder(s.uri("/api/jobs/" + id + "/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, es.statusCode(), "the vanished clients' streams were released");
            es.body().close();
            assertEquals(202, s.delete("/api/jobs/" + id).statusCode());
            assertTrue(s.awaitFinished(id, Duration.ofSeconds(30)).contains("\"cancelled\""));
            String next = json(s.submit("{" + TINY + "}")).get("id").asText();
            assertTrue(s.awaitFinished(next, Duration.ofSeconds(30)).contains("\"done\""), "the worker is free while the silent client still hangs on");
        }
    }

    @Test
    void layersListTheTinyNetsBlocksAndTheirThumbnailsAreMadeOnceAndCached() throws Exception {
        JsonNode layers = json(s.get("/api/layers")).get("layers");
        List<String> names = layers.findValuesAsText("name");
        assertTrue(names.containsAll(List.of("conv1", "cat")), names.toString());
        assertFalse(names.contains("data") || names.contains("fc") || names.contains("prob"), names.toString());
        String url = layers.get(names.indexOf("cat")).get("thumbnail").asText();
        HttpResponse<byte[]> t = s.getBytes(url);
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (t.statusCode() == 503 && System.nanoTime() < end) {
            assertTrue(t.headers().firstValue("Retry-After").isPresent());
            Thread.sleep(50);
            t = s.getBytes(url);
        }
        assertEquals(200, t.statusCode());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(t.body(), 4));
        try (Stream<Path> cached = Files.walk(s.cache)) {
            assertTrue(cached.anyMatch(p -> p.getFileName().toString().equals("cat.png")), "cached under the cache dir");
        }
        assertError(s.get("/api/layers/thumbnail?layer=..%2F..%2Fsecret"), 400, "layer");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndThePageHasNoInlineScript() throws Exception {
        for (String path : new String[] {"/", "/app.js", "/api/layers", "/api/jobs/0123456789abcdef"}) {
            HttpResponse<String> r = s.get(path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), path + ": " + csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
        }
        String page = s.get("/").body();
        assertFalse(page.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*") || page.matches("(?s).*\\son[a-z]+=.*") || page.contains("http"),
                "no inline script, no event attributes, nothing from the network");
    }

    @Test
    void aForeignHostOrOriginIsRefused() throws Exception {
        assertTrue(raw("GET /api/layers HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 403"), "DNS rebinding");
        String crossSite = raw("DELETE /api/jobs/0123456789abcdef HTTP/1.1\r\nHost: 127.0.0.1:" + s.base.getPort()
                + "\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n");
        assertTrue(crossSite.startsWith("HTTP/1.1 403"), crossSite);
    }

    @Test
    void aTokenServerRefusesCallsWithoutIt() throws Exception {
        try (TestServer t = new TestServer(dir.resolve("token"), 2, 1_000_000, "s3cret")) {
            assertError(t.get("/api/layers"), 401, "token");
            HttpResponse<String> ok = TestServer.HTTP.send(HttpRequest.newBuilder(t.uri("/api/layers")).header("Authorization", "Bearer s3cret").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            HttpResponse<String> link = t.get("/?token=s3cret");
            assertTrue(link.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.contains("deepdream_token=s3cret") && c.contains("HttpOnly")),
                    link.headers().toString());
            assertEquals(401, t.get("/?token=wrong").statusCode());
        }
    }

    static String raw(String request) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", s.base.getPort())) {
            OutputStream o = sock.getOutputStream();
            o.write(request.getBytes(StandardCharsets.US_ASCII));
            o.flush();
            return new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    static void assertError(HttpResponse<String> r, int status, String mentions) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode e = json(r).get("error");
        assertNotNull(e, r.body());
        assertTrue(e.asText().contains(mentions), "'" + e.asText() + "' should mention " + mentions);
    }

    static boolean isEmpty(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) { return s.findAny().isEmpty(); }
    }
}
