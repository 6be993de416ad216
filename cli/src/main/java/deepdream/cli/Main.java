package deepdream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code deepdream} command. Each subcommand lives in its own class. */
@Command(name = "deepdream",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "DeepDream in pure Java: dream, classify, inspect and visualize Caffe GoogLeNet (and ONNX models).",
        footer = {"", "Two more commands run through the ./deepdream launcher, each from its own jar built on first use:",
                "  serve   a web page for dreaming on this machine (docs/serve.md)",
                "  batch   dream a folder of images on Apache Spark, here or on a cluster",
                "          (docs/cluster.md)"},
        subcommands = {
                CommandLine.HelpCommand.class,
                DreamCommand.class,
                VideoCommand.class,
                FlowCommand.class,
                CloudsCommand.class,
                VisualizeCommand.class,
                SaliencyCommand.class,
                LayersCommand.class,
                ChannelsCommand.class,
                ClassifyCommand.class,
                ProbeCommand.class,
                ModelsCommand.class,
                BenchCommand.class,
                DevicesCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show the command list instead of doing nothing.
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Errors.Handler());
        cl.setParameterExceptionHandler(new Errors.UsageHandler());
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"deepdream " + (v == null ? "dev" : v),
                    "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")};
        }
    }
}
