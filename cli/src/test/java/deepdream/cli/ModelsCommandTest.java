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

    @BeforeEach
    void setUp() throws Exception {
        new Random(9).nextBytes(weights);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/w.caffemodel", ex -> {
            ex.sendResponseHeaders(200, weights.length);
            try (var o = ex.getResponseBody()) { o.write(weights); }
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
