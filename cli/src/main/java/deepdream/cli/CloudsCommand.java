package deepdream.cli;

import deepdream.cli.io.ImageWriter;
import deepdream.engine.image.Clouds;
import deepdream.engine.image.PlanarImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

/** {@code deepdream clouds -o FILE}: the generated sky that 'dream' starts from when given no photo. */
@Command(name = "clouds", mixinStandardHelpOptions = true,
        description = "Write the generated clouds that 'dream' starts from when it is given no INPUT (for before/after pictures).")
public final class CloudsCommand implements Runnable {
    @Mixin VerboseOption verbose;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT", description = "Where to write the image (.png or .jpg).")
    Path output;

    @Option(names = "--size", paramLabel = "WxH", description = "Image size (default: ${DEFAULT-VALUE}, as 'dream' uses).")
    String size = DreamCommand.DEFAULT_CLOUDS_SIZE;

    @Override
    public void run() {
        int[] wh = DreamCommand.parseSize(size);
        PlanarImage img = Clouds.generate(wh[1], wh[0], DreamCommand.CLOUDS_SEED);
        ImageWriter.write(output, img, Map.of("Software", "deepdream", "deepdream.input", "generated clouds " + size));
        spec.commandLine().getOut().println("wrote " + output + " (" + wh[0] + "x" + wh[1] + ")");
    }
}
