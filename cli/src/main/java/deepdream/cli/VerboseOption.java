package deepdream.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: a mixin every subcommand includes (stack traces, JDK and device details). */
public final class VerboseOption {
    @Option(names = {"-v", "--verbose"}, description = "Print details and stack traces.")
    public boolean verbose;

}
