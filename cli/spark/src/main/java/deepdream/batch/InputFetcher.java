package deepdream.batch;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;

/** Makes an input readable as a local file: a {@code file:} URI as it is; other file systems by copying (the Spark side). */
@FunctionalInterface
public interface InputFetcher extends Serializable {
    /** A local file with the content of {@code source}; {@code temporary} ones are deleted after the dream. */
    record Local(Path path, boolean temporary) {}

    Local fetch(String source) throws IOException;

    InputFetcher LOCAL = source -> {
        URI uri = URI.create(source);
        if (uri.getScheme() != null && !uri.getScheme().equals("file"))
            throw new IOException("cannot read " + source + " without a file system for '" + uri.getScheme() + ":' (run the batch on Spark)");
        return new Local(uri.getScheme() == null ? Path.of(source) : Path.of(uri), false);
    };
}
