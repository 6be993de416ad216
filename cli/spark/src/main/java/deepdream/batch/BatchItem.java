package deepdream.batch;

import java.io.Serializable;

/**
 * One input of a batch: where to read it ({@code source}, a URI such as {@code file:/photos/a.jpg} or
 * {@code hdfs://nn/photos/a.jpg}), its path relative to the batch input (which the output mirrors and
 * the per-file seed is derived from), and the output path relative to the output folder.
 */
public record BatchItem(String source, String relative, String output) implements Serializable {}
