package deepdream.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** models list / fetch against a local HTTP server and a private catalog: sha1 check, atomic move, nothing half-written. */
class ModelsCommandTest {
    @TempDir Path dir;
    HttpServer server;
    byte[] weights = new byte[300_000];
    Path cache;
    final java.util.List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean breakOff, ignoreRange;

    @BeforeEach
    void setUp() throws Exception {
        new Random(9).nextBytes(weights);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/w.caffemodel", ex -> {
            ex.sendResponseHeaders(200, weights.length);
            try (var o = ex.getResponseBody()) { o.write(weights); }
        });
        // Honours Range; its first answer breaks off half-way when asked to (a dropped connection).
        server.createContext("/resumable.onnx", ex -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            ranges.add(range == null ? "none" : range);
            int from = range == null || ignoreRange ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            if (from > 0) {
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (weights.length - 1) + "/" + weights.length);
                ex.sendResponseHeaders(206, weights.length - from);
            } else {
                ex.sendResponseHeaders(200, weights.length);
            }
            try (var o = ex.getResponseBody()) {
                int end = breakOff ? weights.length / 2 : weights.length;
                breakOff = false;
                o.write(weights, from, end - from);
                if (end < weights.length) { o.flush(); throw new java.io.IOException("connection dropped (test)"); }
            }
        });
        server.createContext("/synset_words.txt", ex -> {
            byte[] b = "n0 zero\nn1 one\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (var o = ex.getResponseBody()) { o.write(b); }
        });
        server.start();
        cache = dir.resolve("cache");
        System.setProperty("deepdream.cache", cache.toString());
        System.setProperty("deepdream.ignoreEnv", "true");
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        System.clearProperty("deepdream.cache");
        System.clearProperty("deepdream.ignoreEnv");
        System.clearProperty("deepdream.catalog");
    }

    void catalog(String sha1, String path) throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Path p = dir.resolve("models.properties");
        Files.writeString(p, "default=toy\ntoy.title=A toy model\ntoy.file=toy.caffemodel\ntoy.url=" + base + path + "\ntoy.sha1=" + sha1
                + "\ntoy.license=unrestricted\ntoy.labels_url=" + base + "/synset_words.txt\n");
        System.setProperty("deepdream.catalog", p.toString());
    }

    void catalogSha256(String sha256, String path) throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Path p = dir.resolve("models.properties");
        Files.writeString(p, "default=toy\ntoy.format=onnx\ntoy.file=toy.onnx\ntoy.url=" + base + path + "\ntoy.sha256=" + sha256 + "\n");
        System.setProperty("deepdream.catalog", p.toString());
    }

    String sha256() throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights)); }

    @Test
    void anInterruptedDownloadResumesWhereItStoppedAndIsVerifiedWhole() throws Exception {
        catalogSha256(sha256(), "/resumable.onnx");
        breakOff = true;
        Cli.Result first = Cli.run("models", "fetch", "toy");
        assertEquals(1, first.exit(), first.toString());
        assertTrue(first.err().contains("run the same command again to resume"), first.err());
        assertFalse(first.err().contains("\tat "), first.err());
        assertFalse(Files.exists(cache.resolve("toy.onnx")), "no half file in place");
        long kept = Files.size(cache.resolve(".toy.onnx.part"));
        assertTrue(kept > 0 && kept < weights.length, "kept " + kept);

        Cli.Result second = Cli.run("models", "fetch", "toy");
        assertEquals(0, second.exit(), second.toString());
        assertEquals("bytes=" + kept + "-", ranges.get(1), "asks only for the rest");
        assertTrue(second.out().contains("resuming toy.onnx") && second.out().contains("sha256 " + sha256() + " verified"), second.out());
        assertArrayEquals(weights, Files.readAllBytes(cache.resolve("toy.onnx")));
        try (var files = Files.list(cache)) { assertEquals(1, files.count(), "the part file is gone"); }
    }

    @Test
    void aServerThatIgnoresRangeIsDownloadedAfresh() throws Exception {
        catalogSha256(sha256(), "/resumable.onnx");
        breakOff = true;
        assertEquals(1, Cli.run("models", "fetch", "toy").exit());
        ignoreRange = true;
        Cli.Result second = Cli.run("models", "fetch", "toy");
        assertEquals(0, second.exit(), second.toString());
        assertFalse(second.out().contains("resuming"), second.out());
        assertArrayEquals(weights, Files.readAllBytes(cache.resolve("toy.onnx")));
    }

    @Test
    void aWrongSha256DropsThePartialFileToo() throws Exception {
        catalogSha256("00" + sha256().substring(2), "/resumable.onnx");
        Cli.Result r = Cli.run("models", "fetch", "toy");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("has sha256 " + sha256()) && r.err().contains("Nothing was saved"), r.err());
        try (var files = Files.list(cache)) { assertEquals(0, files.count(), "nothing in the cache"); }
    }

    String sha1() throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(weights)); }

    @Test
    void fetchDownloadsChecksAndMovesIntoTheCache() throws Exception {
        catalog(sha1(), "/w.caffemodel");
        Cli.Result list = Cli.run("models", "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("toy (default): A toy model") && list.out().contains("not downloaded (./deepdream models fetch toy)"), list.out());

        Cli.Result r = Cli.run("models", "fetch", "toy");
        assertEquals(0, r.exit(), r.toString());
        assertArrayEquals(weights, Files.readAllBytes(cache.resolve("toy.caffemodel")));
        assertEquals("n0 zero\nn1 one\n", Files.readString(cache.resolve("synset_words.txt")));
        try (var files = Files.list(cache)) { assertEquals(2, files.count(), "no temp files left"); }
        assertTrue(r.out().contains("verified"), r.out());

        Cli.Result after = Cli.run("models", "list");
        assertTrue(after.out().contains("weights: present, " + cache.resolve("toy.caffemodel")), after.out());
        Cli.Result again = Cli.run("models", "fetch", "toy");
        assertTrue(again.out().contains("already in the cache"), again.out());
    }

    @Test
    void wrongSha1SavesNothing() throws Exception {
        catalog("0000000000000000000000000000000000000000", "/w.caffemodel");
        Cli.Result r = Cli.run("models", "fetch", "toy");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("sha1 " + sha1()) && r.err().contains("Nothing was saved"), r.err());
        assertFalse(r.err().contains("\tat "));
        try (var files = Files.list(cache)) { assertEquals(0, files.count(), "nothing in the cache"); }
    }

    @Test
    void httpErrorsAreOneMessage() throws Exception {
        catalog(sha1(), "/missing.caffemodel");
        Cli.Result r = Cli.run("models", "fetch", "toy");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("HTTP 404"), r.err());
        assertFalse(Files.exists(cache.resolve("toy.caffemodel")));
    }

    @Test
    void unknownModelListsTheKnownOnes() {
        Cli.Result r = Cli.run("models", "fetch", "alexnet");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("unknown model 'alexnet'; known models: bvlc_googlenet"), r.err());
    }

    @Test
    void bundledCatalogHasTheOfficialGoogLeNet() {
        var e = ModelOptions.catalog().defaultModel();
        assertEquals("bvlc_googlenet", e.name());
        assertEquals("http://dl.caffe.berkeleyvision.org/bvlc_googlenet.caffemodel", e.url());
        assertEquals("405fc5acd08a3bb12de8ee5e23a96bec22f08204", e.sha1());
        assertArrayEquals(new float[] {104, 117, 123}, e.meanBgr());
        assertTrue(e.labelsUrl().endsWith("synset_words.txt"));
        assertTrue(e.prototxt().contains("inception_4c/output"));
    }
}
