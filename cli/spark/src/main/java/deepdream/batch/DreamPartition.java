package deepdream.batch;

import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The Spark task: {@link BatchDreamer} on this partition's items, with inputs read through Hadoop's
 * file systems, model files taken from SparkFiles where the driver's paths do not exist on this
 * executor, and the counts the driver polls for progress. (A video segment would be one more item
 * kind dreamed by its own plain function beside BatchDreamer, behind the same task, nets and report.)
 */
final class DreamPartition implements FlatMapFunction<Iterator<BatchItem>, FileResult> {
    /** Options whose value is a file the executors need: shipped with SparkContext.addFile. */
    static final Set<String> FILE_OPTIONS = Set.of("--weights", "--model", "--guide");

    private final BatchJob job;
    private final LongAccumulator finished, dreamed, failed;

    DreamPartition(BatchJob job, LongAccumulator finished, LongAccumulator dreamed, LongAccumulator failed) {
        this.job = job;
        this.finished = finished;
        this.dreamed = dreamed;
        this.failed = failed;
    }

    @Override
    public Iterator<FileResult> call(Iterator<BatchItem> items) {
        BatchJob here = new BatchJob(localFiles(job.dreamArgs()), job.batchSeed(), job.outputRoot(), job.threadsPerTask());
        return new BatchDreamer(here, new HadoopFetcher()).dream(items, r -> {
            finished.add(1);
            if (r.status().equals(FileResult.DONE)) dreamed.add(1);
            if (r.failed()) failed.add(1);
        }).iterator();
    }

    /** The driver's path when it exists here (local mode, shared disks), else the shipped copy. */
    static List<String> localFiles(List<String> args) {
        List<String> out = new ArrayList<>(args);
        for (int i = 0; i + 1 < out.size(); i++) {
            if (!FILE_OPTIONS.contains(out.get(i)) || Files.exists(Path.of(out.get(i + 1)))) continue;
            File shipped = new File(SparkFiles.get(Path.of(out.get(i + 1)).getFileName().toString()));
            if (shipped.isFile()) out.set(i + 1, shipped.getAbsolutePath());
        }
        return out;
    }
}
