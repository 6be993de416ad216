package deepdream.batch;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and N one-core workers, each its own JVM,
 * started from the Maven-resolved Spark jars (laid out as a Spark home with jars/, which the workers
 * need to launch executors). {@link #close} kills every JVM it started, executors included.
 */
final class LocalSparkCluster implements AutoCloseable {
    final String masterUrl;
    private final Path dir, sparkHome;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    /** The Spark jars, as the build wrote them for the launcher. */
    static List<Path> sparkJars() throws IOException {
        return java.util.Arrays.stream(Files.readString(Path.of("target/spark-classpath.txt")).strip().split(java.io.File.pathSeparator))
                .map(Path::of).toList();
    }

    /** Everything a JVM of the cluster (and the drivers of the tests) needs in its environment: loopback only. */
    static void environment(Map<String, String> env, Path sparkHome) {
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    LocalSparkCluster(Path dir, int workerCount) throws IOException, InterruptedException {
        this.dir = dir;
        sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (Path jar : sparkJars()) Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        masterUrl = "spark://127.0.0.1:" + port;
        master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0");
        try {
            await(() -> log("master").contains("I have been elected leader"), Duration.ofSeconds(90), "the master to start");
            for (int i = 0; i < workerCount; i++)
                workers.add(start("worker" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                        "--webui-port", "0", "--work-dir", Files.createDirectories(dir.resolve("work" + i)).toString(), masterUrl));
            await(() -> count(log("master"), "Registering worker") >= workerCount, Duration.ofSeconds(90), workerCount + " workers to register");
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    private Process start(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m",
                "-cp", sparkHome.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        environment(pb.environment(), sparkHome);
        return pb.start();
    }

    /** kill -9 of worker i and of the executor it launched: the machine is gone. */
    void killWorker(int i) {
        Process w = workers.get(i);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
    }

    /** Whether any worker still runs an executor (after its driver died the worker kills them, in its own time). */
    boolean executorsRunning() {
        return workers.stream().anyMatch(w -> w.descendants().anyMatch(ProcessHandle::isAlive));
    }

    String log(String name) {
        try {
            Path f = dir.resolve(name + ".log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Tasks the executors of worker i have finished (their INFO log in the worker's work folder). */
    int tasksFinishedOnWorker(int i) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("work" + i))) {
            return files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .mapToInt(f -> { try { return count(Files.readString(f), "Finished task"); } catch (IOException e) { return 0; } }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    Path sparkHome() { return sparkHome; }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    static void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            Thread.sleep(100);
        }
    }

    /** Kills everything, children first (executors), and waits until each JVM is gone. */
    @Override
    public void close() {
        List<Process> all = new ArrayList<>(workers);
        all.add(master);
        for (Process p : all) p.descendants().forEach(ProcessHandle::destroyForcibly);
        for (Process p : all) p.destroyForcibly();
        for (Process p : all) {
            try { p.waitFor(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
    }
}
