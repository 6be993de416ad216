package deepdream.batch;

import deepdream.cli.BackendOptions;
import deepdream.cli.DreamOptions;
import deepdream.cli.MaxPixelsOption;
import deepdream.cli.ModelOptions;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The options that decide a dream's pixels — the same mixins as {@code deepdream dream}. They reach
 * the executors as command-line words and are parsed there by these same mixins, so a batch and a
 * single dream can never read an option differently (and none of the mixins needs to be Serializable).
 */
public final class DreamSettings {
    @Mixin public DreamOptions dream;
    @Mixin public ModelOptions model;
    @Mixin public BackendOptions backend;
    @Mixin public MaxPixelsOption imageLimit;

    /** The mixin field names, as picocli registers them in the command that includes them. */
    public static final List<String> MIXINS = List.of("dream", "model", "backend", "imageLimit");

    public static DreamSettings parse(List<String> args) {
        DreamSettings s = new DreamSettings();
        new CommandLine(s).parseArgs(args.toArray(String[]::new));
        return s;
    }

    /** The words that repeat the options of these mixins matched in {@code parsed} (the batch command line). */
    public static List<String> wordsOf(CommandSpec command, ParseResult parsed) {
        List<String> words = new ArrayList<>();
        for (String mixin : MIXINS) {
            CommandSpec spec = command.mixins().get(mixin);
            if (spec == null) throw new IllegalStateException("the command has no @Mixin field named " + mixin);
            for (OptionSpec o : spec.options()) {
                OptionSpec matched = parsed.matchedOption(o.longestName());
                if (matched == null) continue;
                if (o.arity().max() == 0) { words.add(o.longestName()); continue; }
                for (String v : matched.originalStringValues()) { words.add(o.longestName()); words.add(v); }
            }
        }
        return words;
    }
}
