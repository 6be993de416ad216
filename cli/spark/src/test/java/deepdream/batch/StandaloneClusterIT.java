package deepdream.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch jar as a user runs it (a driver JVM of its own, the jar shipped to executors), against a
 * real standalone cluster of two worker JVMs on 127.0.0.1 and in local mode: the same pixels on both,
 * a worker killed with kill -9 mid-job, a driver killed with kill -9 and the batch run again (on local[2] and on the cluster).
 * After the package phase (failsafe): the executors fetch target/deepdream-batch.jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StandaloneClusterIT {
    static final int FILES = 16;
    /** Enough steps of the tiny net that a file takes a noticeable fraction of a second: a kill lands mid-job. */
    static final List<String> DREAM = List.of("--octaves", "2", "--iterations", "40");

    Path dir, in, localOut;
    List<String> tiny;
    final List<Process> drivers = new ArrayList<>();

    @BeforeAll
    void reference(@TempDir Path tmp) throws Exception {
        dir = tmp;
        in = Files.createDirectories(dir.resolve("in"));
        BatchFixtures.photos(in, FILES, 64);
        tiny = BatchFixtures.tinyNet(dir, "cpu");   // the Vector API backend: executors need its module flag
        localOut = dir.resolve("local");
        Process local = driver(localOut, "--master", "local[2]", "--seed", "7");
        assertTrue(local.waitFor(150, TimeUnit.SECONDS), "the local batch finished in time");
        assertEquals(0, local.exitValue(), log(localOut));
        phase("local mode reference batch done");
    }

    private final long t0 = System.nanoTime();

    /** Phase times on the test's output: where a slow CI run spent its time. */
    void phase(String what) {
        System.out.printf(java.util.Locale.ROOT, "StandaloneClusterIT %6.1f s: %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    @AfterAll
    void killDrivers() {
        for (Process p : drivers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** A driver JVM started as the launcher starts it; its output goes to OUT.log. */
    Process driver(Path out, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-cp",
                Path.of("target/deepdream-batch.jar").toAbsolutePath() + java.io.File.pathSeparator + Files.readString(Path.of("target/spark-classpath.txt")).strip(),
                "deepdream.batch.BatchMain", "batch", in.toString(), "-o", out.toString()));
        cmd.addAll(tiny);
        cmd.addAll(DREAM);
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(out + ".log").toFile()));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        drivers.add(p);
        return p;
    }

    static String log(Path out) throws IOException {
        Path f = Path.of(out + ".log");
        return Files.exists(f) ? Files.readString(f) : "(no log)";
    }

    /** Finished outputs (temporaries start with '.'). */
    static List<Path> outputs(Path out) {
        if (!Files.isDirectory(out)) return List.of();
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".png") && !f.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();   // a temporary renamed while walking: look again
        }
    }

    void assertSamePixelsAsLocal(Path out) throws IOException {
        List<Path> expected = outputs(localOut);
        assertEquals(FILES, expected.size());
        for (Path e : expected) {
            Path actual = out.resolve(localOut.relativize(e));
            assertTrue(Files.isRegularFile(actual), "missing " + actual);
            assertArrayEquals(BatchFixtures.pixels(e), BatchFixtures.pixels(actual), "pixels of " + localOut.relativize(e));
        }
    }

    static Map<String, JsonNode> reportFiles(Path out) throws IOException {
        Map<String, JsonNode> files = new HashMap<>();
        new ObjectMapper().readTree(out.resolve("_batch.json").toFile()).get("files").forEach(f -> files.put(f.get("output").asText(), f));
        return files;
    }

    @Test
    void aStandaloneClusterGivesLocalModesPixelsEvenWhenAWorkerIsKilledMidJob() throws Exception {
        Path out = dir.resolve("cluster");
        try (LocalSparkCluster cluster = new LocalSparkCluster(Files.createDirectories(dir.resolve("cluster-jvms")), 2)) {
            phase("cluster up: " + cluster.masterUrl + " with 2 workers");
            Process driver = driver(out, "--master", cluster.masterUrl, "--seed", "7");
            // Kill worker 0 once its executor has dreamed (so both take part) and while files remain.
            LocalSparkCluster.await(() -> cluster.tasksFinishedOnWorker(0) >= 1 || !driver.isAlive(), Duration.ofSeconds(150), "worker 0's first file");
            int atKill = outputs(out).size();
            assertTrue(driver.isAlive() && atKill < FILES, "the worker is killed mid-job (" + atKill + " of " + FILES + " done)\n" + log(out));
            cluster.killWorker(0);
            phase("worker 0 killed with " + atKill + " of " + FILES + " outputs written");
            assertTrue(driver.waitFor(200, TimeUnit.SECONDS), "the batch finished after losing a worker\n" + log(out));
            assertEquals(0, driver.exitValue(), log(out) + "\n" + cluster.log("worker1"));
            phase("cluster batch done");
            System.out.println(log(out));
            // Executor ids follow registration order, not worker order: worker 0's executor may be 1.
            assertTrue(java.util.regex.Pattern.compile("Lost executor \\d+ on 127\\.0\\.0\\.1").matcher(log(out)).find(),
                    "the driver saw the executor go\n" + log(out));
            assertSamePixelsAsLocal(out);
            JsonNode report = new ObjectMapper().readTree(out.resolve("_batch.json").toFile());
            // Worker 0's executor wrote a file before the kill (its log says so), but when the kill lands
            // between the task's end and its result reaching the driver, the rerun on the other executor
            // finds the file done and reports it "skipped": then only one executor is in the report.
            int skipped = report.get("counts").get("skipped").asInt();
            int worker0Finished = cluster.tasksFinishedOnWorker(0);   // its log outlives it; +1: a task killed between its rename and its log line
            assertTrue(skipped <= worker0Finished + 1, "only files worker 0 finished are found done: " + skipped + " skipped, worker 0 finished " + worker0Finished);
            assertEquals(skipped > 0 ? 1 : 2, report.get("nets_per_executor").size(),
                    "both executors dreamed (unless worker 0's result was lost in flight): " + report.get("nets_per_executor") + ", skipped " + skipped);
            report.get("nets_per_executor").forEach(n -> assertEquals(1, n.asInt(), "one net per one-core executor, not per image"));
        }
        try (Stream<Path> left = Files.walk(out)) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no half-written files left");
        }
    }

    @Test
    void aDriverKilledMidJobResumesWithoutRedoingFinishedFiles() throws Exception {
        driverKilledThenRerun(dir.resolve("resumed"), "local[2]", () -> true);
    }

    /** The same on the standalone cluster: the executors on the workers outlive the killed driver for a moment. */
    @Test
    void aDriverKilledMidJobOnTheClusterResumesWithoutRedoingFinishedFiles() throws Exception {
        try (LocalSparkCluster cluster = new LocalSparkCluster(Files.createDirectories(dir.resolve("cluster-jvms-resume")), 2)) {
            phase("cluster up: " + cluster.masterUrl + " with 2 workers");
            driverKilledThenRerun(dir.resolve("resumed-cluster"), cluster.masterUrl, () -> !cluster.executorsRunning());
        }
    }

    /**
     * kill -9 of the driver once 4 outputs exist; when orphansGone says the old executors have stopped
     * (an executor can still rename a file it was finishing), the finished files and their times are
     * noted; the same command again (without --seed: it comes from OUT/_batch.json) dreams only the rest.
     */
    void driverKilledThenRerun(Path out, String master, java.util.function.BooleanSupplier orphansGone) throws Exception {
        Process first = driver(out, "--master", master, "--seed", "7");
        LocalSparkCluster.await(() -> outputs(out).size() >= 4 || !first.isAlive(), Duration.ofSeconds(150), "the first outputs");
        first.destroyForcibly();   // SIGKILL: no shutdown hook runs
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        LocalSparkCluster.await(orphansGone, Duration.ofSeconds(60), "the killed driver's executors to stop");
        phase("driver on " + master + " killed with " + outputs(out).size() + " of " + FILES + " outputs written");
        Map<Path, FileTime> finished = new HashMap<>();
        for (Path f : outputs(out)) finished.put(f, Files.getLastModifiedTime(f));
        assertTrue(finished.size() < FILES, "killed mid-job (" + finished.size() + " of " + FILES + " done)");

        Process again = driver(out, "--master", master);
        assertTrue(again.waitFor(150, TimeUnit.SECONDS), "the rerun finished in time\n" + log(out));
        assertEquals(0, again.exitValue(), log(out));
        phase("rerun on " + master + " done");
        System.out.println(log(out));
        assertTrue(log(out).contains("batch: resuming with seed 7"), log(out));
        for (Map.Entry<Path, FileTime> f : finished.entrySet())
            assertEquals(f.getValue(), Files.getLastModifiedTime(f.getKey()), f.getKey() + " was not written again");
        Map<String, JsonNode> report = reportFiles(out);
        for (Path f : finished.keySet()) assertEquals("skipped", report.get(out.relativize(f).toString()).get("status").asText());
        assertEquals(FILES - finished.size(), report.values().stream().filter(f -> f.get("status").asText().equals("done")).count());
        assertSamePixelsAsLocal(out);
    }
}
