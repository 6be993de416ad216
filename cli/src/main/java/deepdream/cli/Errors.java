package deepdream.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** One clear line per error; stack traces only with --verbose. */
final class Errors {
    private Errors() {}

    /** Exit codes: 1 = the command failed (bad input, missing file, ...), 2 = bad usage. */
    static final int FAILED = 1, USAGE = 2;

    static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
            PrintWriter err = cl.getErr();
            boolean verbose = Boolean.getBoolean("deepdream.verbose") || parsed.hasMatchedOption("--verbose")
                    || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            String msg = message(ex);
            err.println("deepdream: error: " + msg);
            if (verbose) ex.printStackTrace(err);
            else if (!(ex instanceof UserException)) err.println("(run again with --verbose for details)");
            err.flush();
            return FAILED;
        }
    }

    static final class UsageHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("deepdream: " + ex.getMessage());
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
            err.flush();
            return USAGE;
        }
    }

    /** The most useful message of an exception chain. */
    static String message(Throwable ex) {
        Throwable t = ex;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        if (t instanceof OutOfMemoryError)
            return "out of memory. Use a smaller image (--max-size), tiling (--tile), or give Java more memory (JAVA_OPTS=-Xmx8g).";
        String m = t.getMessage();
        return m != null ? m : t.getClass().getSimpleName();
    }
}
