package deepdream.batch;

import java.io.Serializable;
import java.util.List;

/**
 * What every task of a batch needs, small enough to ship to executors: the dream options as
 * command-line words ({@link DreamSettings}), the batch seed each file's seed is derived from, the
 * output folder (one path every executor can write: a local disk in local mode, a shared mount on a
 * cluster) and the backend threads per task when {@code --threads} is not given.
 */
public record BatchJob(List<String> dreamArgs, long batchSeed, String outputRoot, int threadsPerTask) implements Serializable {
    public BatchJob { dreamArgs = List.copyOf(dreamArgs); }
}
