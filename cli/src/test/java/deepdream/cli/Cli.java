package deepdream.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process with captured output. */
public final class Cli {
    private Cli() {}

    public record Result(int exit, String out, String err) {
        @Override public String toString() { return "exit " + exit + "\n--- out:\n" + out + "\n--- err:\n" + err; }
    }

    public static Result run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
