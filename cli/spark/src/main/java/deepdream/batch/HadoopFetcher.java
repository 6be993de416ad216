package deepdream.batch;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Inputs on any Hadoop file system ({@code hdfs:}, {@code s3a:} with its jars, ...): copied to a local
 * temporary file, because the image decoder and the EXIF reader want a file. {@code file:} inputs are
 * read in place. The configuration takes the job's {@code spark.hadoop.*} settings (credentials, endpoints).
 */
final class HadoopFetcher implements InputFetcher {
    @Override
    public Local fetch(String source) throws IOException {
        URI uri = URI.create(source);
        if (uri.getScheme() == null || uri.getScheme().equals("file")) return LOCAL.fetch(source);
        Path tmp = Files.createTempFile("deepdream-input-", "-" + Path.of(uri.getPath()).getFileName());
        try (InputStream in = FileSystem.get(uri, configuration()).open(new org.apache.hadoop.fs.Path(uri))) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return new Local(tmp, true);
    }

    private static Configuration configuration() {
        Configuration c = new Configuration();
        if (SparkEnv.get() != null)
            for (Tuple2<String, String> kv : SparkEnv.get().conf().getAll())
                if (kv._1().startsWith("spark.hadoop.")) c.set(kv._1().substring("spark.hadoop.".length()), kv._2());
        return c;
    }
}
