package deepdream.serve;

import deepdream.cli.BackendOptions;
import deepdream.cli.MaxPixelsOption;
import deepdream.cli.ModelOptions;
import deepdream.cli.UserException;
import deepdream.cli.VerboseOption;
import deepdream.engine.Backend;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;

/** {@code deepdream serve}: the web page for dreaming (its own jar: the launcher builds it on first use). */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a web page for dreaming: drop a photo, pick a layer, watch it dream, download the PNG.",
                "Binds 127.0.0.1 (this machine only) unless --host says otherwise. API: docs/serve.md."})
public final class ServeCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}). Anything else needs --token, or --insecure.")
    String host = "127.0.0.1";

    @Option(names = "--token", paramLabel = "T", description = "Require this token on every API call (the printed address carries it).")
    String token;

    @Option(names = "--insecure", description = "Allow a non-loopback --host without --token (anyone who can reach it may use it).")
    boolean insecure;

    @Option(names = "--results", paramLabel = "DIR", description = "Where results are kept, the gallery that survives restarts (default: ~/.cache/deepdream/results).")
    Path results;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache for layer thumbnails (default: ~/.cache/deepdream).")
    Path cache;

    @Option(names = "--queue", paramLabel = "N", description = "Dreams that may wait; more are refused with 503 (default: ${DEFAULT-VALUE}).")
    int queue = 10;

    @Option(names = "--max-upload", paramLabel = "MB", description = "Largest upload in megabytes (default: ${DEFAULT-VALUE}).")
    int maxUploadMb = 25;

    @Option(names = "--max-side", paramLabel = "PX", description = "Largest side of a dream; bigger photos are downsized (default: ${DEFAULT-VALUE}).")
    int maxSide = 1600;

    @Mixin ModelOptions model;
    @Mixin BackendOptions backend;
    @Mixin MaxPixelsOption imageLimit;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) throw new UserException("--port must be 0..65535, got " + port);
        if (queue < 1) throw new UserException("--queue must be at least 1, got " + queue);
        if (maxUploadMb < 1) throw new UserException("--max-upload must be at least 1 MB, got " + maxUploadMb);
        if (maxSide < 16) throw new UserException("--max-side must be at least 16 pixels, got " + maxSide);
        if (token != null && token.isBlank()) throw new UserException("--token must not be empty");
        if (!DreamServer.isLoopback(host)) {
            err.println("deepdream: warning: --host " + host + " lets other machines reach this server; uploads run on this machine's CPU and disk");
            if (token == null && !insecure)
                throw new UserException("--host " + host + " needs --token T (every request must carry it), or --insecure to serve anyone who can connect");
        }
        Path home = Path.of(System.getProperty("user.home"), ".cache", "deepdream");
        Path cacheDir = cache != null ? cache : home;
        Path resultsDir = results != null ? results : home.resolve("results");
        NetDef def = model.loadNet();
        Backend b = backend.create();
        Net net = Net.build(def, b);
        String modelName = model.model == null ? "bvlc_googlenet (bundled)" : model.model.toString();
        ServeSettings settings = new ServeSettings(host, port, token, resultsDir, cacheDir.resolve("thumbnails").resolve(modelKey()),
                queue, maxUploadMb * 1_000_000L, maxSide, imageLimit.maxPixels, modelName, backend.name());
        DreamServer server = new DreamServer(net, settings);
        CountDownLatch stopped = new CountDownLatch(1);
        int actual;
        try {
            actual = server.start();
        } catch (RuntimeException e) {
            server.close();
            net.close();
            b.close();
            throw new UserException("cannot listen on " + host + ":" + port + ": " + deepestMessage(e) + " (another server there? try --port)", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            net.close();
            b.close();
            stopped.countDown();
        }, "deepdream-shutdown"));
        String shown = host.contains(":") ? "[" + host + "]" : host.equals("0.0.0.0") ? "127.0.0.1" : host;
        out.println("deepdream: serving http://" + shown + ":" + actual + "/" + (token != null ? "?token=" + token : "")
                + " (backend " + backend.name() + ", results in " + resultsDir + "; Ctrl-C to stop)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Thumbnails belong to one model: a key from its files' names, sizes and times. */
    private String modelKey() {
        StringBuilder k = new StringBuilder();
        for (Path p : new Path[] {model.model, model.weightsPath()}) {
            if (p == null) { k.append("bundled|"); continue; }
            try {
                k.append(p.toAbsolutePath()).append('|').append(Files.size(p)).append('|').append(Files.getLastModifiedTime(p).toMillis()).append('|');
            } catch (IOException e) {
                k.append(p).append('|');
            }
        }
        try {
            String name = model.model == null ? "bvlc_googlenet" : model.model.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
            return name + "-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.toString().getBytes())).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String deepestMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return String.valueOf(e.getMessage());
    }

    /** The launcher runs {@code java -jar deepdream-serve.jar serve ...}: the CLI's error handling, with serve added. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = deepdream.cli.Main.newCommandLine();
        cl.addSubcommand(new ServeCommand());
        return cl.execute(args);
    }
}
