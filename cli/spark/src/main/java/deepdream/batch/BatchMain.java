package deepdream.batch;

import deepdream.cli.Main;
import picocli.CommandLine;

/**
 * The batch jar's entry point: every {@code deepdream} command plus {@code batch}, which needs Spark
 * on the class path (the launcher adds it; spark-submit brings its own). The core CLI jar never sees Spark.
 */
public final class BatchMain {
    private BatchMain() {}

    public static void main(String[] args) {
        quietSparkLogs();
        System.exit(newCommandLine().execute(args));
    }

    public static CommandLine newCommandLine() {
        return Main.newCommandLine().addSubcommand("batch", new BatchCommand());
    }

    /** Our log4j2 configuration unless the user or the cluster gives one (Spark's default prints every INFO line). */
    static void quietSparkLogs() {
        if (System.getProperty("log4j2.configurationFile") != null || System.getProperty("log4j.configurationFile") != null
                || System.getenv("SPARK_CONF_DIR") != null) return;
        var config = BatchMain.class.getResource("log4j2-batch.properties");
        if (config != null) System.setProperty("log4j2.configurationFile", config.toString());
    }
}
