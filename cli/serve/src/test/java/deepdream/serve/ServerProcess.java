package deepdream.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deepdream serve} as its own JVM (the real entry point and its shutdown), on the tiny net and
 * a free loopback port read from its first line. Closing it sends SIGTERM (Ctrl-C's path) and waits.
 */
final class ServerProcess implements AutoCloseable {
    static final Pattern SERVING = Pattern.compile("serving (http://127\\.0\\.0\\.1:\\d+/)");
    final Process process;
    final URI base;
    final Path tmp;
    final List<String> output = new ArrayList<>();

    ServerProcess(Path dir, String heap, String... extra) throws IOException, InterruptedException {
        Path[] model = TestServer.tinyModel(dir);
        tmp = Files.createDirectories(dir.resolve("tmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp, "--add-modules", "jdk.incubator.vector",
                "-cp", cp, ServeCommand.class.getName(), "serve", "--port", "0", "--model", model[0].toString(), "--weights", model[1].toString(),
                "--backend", "reference", "--threads", "1", "--results", dir.resolve("results").toString(), "--cache", dir.resolve("cache").toString()));
        cmd.addAll(List.of(extra));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) { output.add(line); }
                    if (SERVING.matcher(line).find()) first.add(line);
                }
            } catch (IOException ignored) { /* the process ended */ }
            first.add("");
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        String line = first.poll(60, TimeUnit.SECONDS);
        Matcher m = line == null ? null : SERVING.matcher(line);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            throw new AssertionError("the server did not start: " + output());
        }
        base = URI.create(m.group(1));
    }

    String output() { synchronized (output) { return String.join("\n", output); } }

    /** Peak resident memory of the server process so far, in MB (VmHWM). */
    long peakRssMb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")))
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        throw new AssertionError("no VmHWM in /proc/" + process.pid() + "/status");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();   // SIGTERM: the shutdown hook stops the server and removes its temp files
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
