package deepdream.cli;

import deepdream.cli.io.ImageFiles;
import picocli.CommandLine.Option;

/** {@code --max-pixels N}: a mixin for every command that reads images (refused before decoding when bigger). */
public final class MaxPixelsOption {
    @Option(names = ImageFiles.MAX_PIXELS_OPTION, paramLabel = "N", description = "Refuse images with more pixels than this (default: ${DEFAULT-VALUE}).")
    public long maxPixels = ImageFiles.DEFAULT_MAX_PIXELS;
}
