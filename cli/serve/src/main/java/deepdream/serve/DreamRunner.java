package deepdream.serve;

import deepdream.cli.DreamEta;
import deepdream.cli.DreamOptions;
import deepdream.cli.io.ImageWriter;
import deepdream.engine.dream.DreamListener;
import deepdream.engine.dream.Dreamer;
import deepdream.engine.image.PlanarImage;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one job on the worker thread: the dream with progress and a preview after each octave, then
 * the result into the results directory. A cancel takes effect between two steps: the listener
 * throws, and the dream's own cleanup releases its buffers on the way out.
 */
final class DreamRunner implements Consumer<Job> {
    private final Dreamer dreamer;
    private final Results results;

    DreamRunner(Dreamer dreamer, Results results) {
        this.dreamer = dreamer;
        this.results = results;
    }

    @Override
    public void accept(Job job) {
        PlanarImage input = job.takeInput();
        try {
            if (job.cancelRequested()) throw new CancellationException();
            PlanarImage result = dreamer.dream(input, job.params, new Progress(job, new DreamEta(DreamOptions.smallestFirst(input, job.params), job.params.iterations())));
            results.write(job.id, result, job.metadata);
            job.finish(Job.State.DONE, null);
        } catch (CancellationException e) {
            job.finish(Job.State.CANCELLED, null);
        } catch (IllegalArgumentException e) {
            job.finish(Job.State.FAILED, e.getMessage());   // e.g. the image is too small for that many octaves
        } catch (RuntimeException e) {
            job.finish(Job.State.FAILED, "the dream failed: " + e.getMessage());
            throw e;
        }
    }

    /** Progress into the job; the cancellation point of a running dream. */
    private static final class Progress implements DreamListener {
        private final Job job;
        private final DreamEta eta;

        Progress(Job job, DreamEta eta) {
            this.job = job;
            this.eta = eta;
        }

        @Override
        public void octaveStarted(int octave, int octaves, int height, int width, int tile) {
            if (job.cancelRequested()) throw new CancellationException();
            job.progress(octave, 0, eta.remaining().map(d -> d.toMillis() / 1000.0).orElse(null));
        }

        @Override
        public void stepDone(int octave, int octaves, int iteration, int iterations, double objective) {
            eta.stepDone(octave);
            job.progress(octave, iteration, eta.remaining().map(d -> d.toMillis() / 1000.0).orElse(null));
            if (job.cancelRequested()) throw new CancellationException();
        }

        @Override
        public void octaveDone(int octave, int octaves, Supplier<PlanarImage> rgb) {
            job.preview(png(rgb.get()));
        }
    }

    static byte[] png(PlanarImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(ImageWriter.toBufferedImage(img), "png", out);
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding in memory failed", e);
        }
        return out.toByteArray();
    }
}
