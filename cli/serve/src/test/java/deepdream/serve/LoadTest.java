package deepdream.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load on loopback: 30 submissions from 10 concurrent clients against a server process
 * with a queue of 8. Every submission is either a finished dream or a clean 503 (JSON, Retry-After);
 * the positions each waiting client sees only count down and stay within the queue; the server
 * answers afterwards, its peak RSS stays bounded, and it leaves no temp files when stopped.
 */
class LoadTest {
    static final int CLIENTS = 10, EACH = 3, QUEUE = 8;
    static final long MAX_RSS_MB = 600;
    static final String PARAMS = "{\"layer\":\"cat\",\"octaves\":1,\"iterations\":2,\"cloudsWidth\":128,\"cloudsHeight\":128}";

    @TempDir Path dir;

    @Test
    void thirtySubmissionsFromTenClients() throws Exception {
        AtomicInteger done = new AtomicInteger(), refused = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        long rss;
        try (ServerProcess server = new ServerProcess(dir, "256m", "--queue", Integer.toString(QUEUE))) {
            URI base = server.base;
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) futures.add(clients.submit(() -> {
                List<String> mine = new ArrayList<>();
                for (int i = 0; i < EACH; i++) {
                    HttpResponse<String> r = TestServer.submit(base, PARAMS, Map.of());
                    if (r.statusCode() == 202) {
                        JsonNode j = ApiTest.JSON.readTree(r.body());
                        int p = j.get("position").asInt();
                        if (p < 1 || p > QUEUE) problems.add("position " + p + " at submission");
                        mine.add(j.get("id").asText());
                    } else if (r.statusCode() == 503) {
                        if (r.headers().firstValue("Retry-After").isEmpty() || !ApiTest.JSON.readTree(r.body()).has("error"))
                            problems.add("unclean 503: " + r.headers() + " " + r.body());
                        refused.incrementAndGet();
                    } else {
                        problems.add("unexpected " + r.statusCode() + ": " + r.body());
                    }
                }
                for (String id : mine) {
                    int last = Integer.MAX_VALUE;
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (true) {
                        JsonNode s = ApiTest.JSON.readTree(TestServer.HTTP.send(HttpRequest.newBuilder(base.resolve("api/jobs/" + id)).build(),
                                HttpResponse.BodyHandlers.ofString()).body());
                        String state = s.get("state").asText();
                        if (state.equals("queued")) {
                            int p = s.get("position").asInt();
                            if (p > last || p < 1 || p > QUEUE) problems.add("job " + id + ": position " + p + " after " + last);
                            last = p;
                        } else if (state.equals("done")) {
                            done.incrementAndGet();
                            break;
                        } else if (!state.equals("running")) {
                            problems.add("job " + id + " ended " + s);
                            break;
                        }
                        if (System.nanoTime() > end) { problems.add("job " + id + " not done in 120 s"); break; }
                        Thread.sleep(25);
                    }
                }
                return null;
            }));
            for (Future<?> f : futures) f.get(300, TimeUnit.SECONDS);
            clients.shutdown();
            assertEquals(200, TestServer.HTTP.send(HttpRequest.newBuilder(base.resolve("api/layers")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "the server is still up");
            rss = server.peakRssMb();
            System.out.println("load: " + done.get() + " dreams done, " + refused.get() + " refused with 503, server peak RSS " + rss + " MB");
            server.close();
            try (Stream<Path> left = Files.walk(server.tmp)) {
                assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "temp files left");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(CLIENTS * EACH, done.get() + refused.get());
        assertTrue(done.get() >= QUEUE, "at least a queue's worth of dreams ran: " + done.get());
        assertTrue(refused.get() > 0, "30 nearly simultaneous submissions overflow a queue of 8");
        assertTrue(rss < MAX_RSS_MB, "peak RSS " + rss + " MB");
    }
}
