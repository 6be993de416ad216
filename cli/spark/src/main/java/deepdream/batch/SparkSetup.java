package deepdream.batch;

import org.apache.spark.SparkConf;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Spark configuration of a batch. Local mode gets task retries ({@code local[N]} aborts the job on
 * a task's first failure; {@code local[N,3]} tries each task 3 times); local and loopback masters bind
 * the driver to 127.0.0.1 (Spark picks the machine's network address otherwise); the UI is off unless
 * asked for; executors get the Vector API module the cpu backend needs. {@code --conf} and spark-submit's
 * settings win over every default here.
 */
final class SparkSetup {
    private SparkSetup() {}

    static final String DEFAULT_MASTER = "local[*]";
    static final int LOCAL_TASK_TRIES = 3;
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)])?");

    /** local -> local[1,3], local[N] / local[*] -> local[N,3]; anything else as given. */
    static String withRetries(String master) {
        Matcher m = LOCAL.matcher(master.strip());
        if (!m.matches()) return master;
        return "local[" + (m.group(1) == null ? "1" : m.group(1)) + "," + LOCAL_TASK_TRIES + "]";
    }

    static boolean isLocal(String master) { return master.startsWith("local"); }

    static boolean onLoopback(String master) {
        if (isLocal(master)) return true;
        try {
            String host = URI.create(master.replaceFirst(",.*", "")).getHost();
            return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** masterOption: --master, or null for spark-submit's --master, else local[*]. */
    static SparkConf conf(String masterOption, Map<String, String> userConf, boolean ui, Path appJar) {
        SparkConf c = new SparkConf(true);   // true: spark-submit's settings (spark.* system properties)
        String master = withRetries(masterOption != null ? masterOption : c.get("spark.master", DEFAULT_MASTER));
        c.setMaster(master).setIfMissing("spark.app.name", "deepdream batch");
        c.set("spark.ui.enabled", Boolean.toString(ui));
        if (onLoopback(master)) {
            c.setIfMissing("spark.driver.host", "127.0.0.1");
            c.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        String opts = c.get("spark.executor.extraJavaOptions", "");
        if (!opts.contains("jdk.incubator.vector")) c.set("spark.executor.extraJavaOptions", (opts + " " + VECTOR_MODULE).strip());
        if (!isLocal(master) && appJar != null && !c.contains("spark.jars")) c.set("spark.jars", appJar.toString());
        userConf.forEach(c::set);
        return c;
    }

    /** The jar this class was loaded from (the batch jar), or null when running from class folders (tests). */
    static Path appJar() {
        try {
            Path p = Path.of(SparkSetup.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.toString().endsWith(".jar") ? p : null;
        } catch (Exception e) {
            return null;
        }
    }
}
