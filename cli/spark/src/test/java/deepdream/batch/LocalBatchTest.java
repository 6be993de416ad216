package deepdream.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code deepdream batch} in Spark local mode, in this JVM: bad files among good ones, the report, exit codes, resume. */
@Timeout(180)
class LocalBatchTest {
    @TempDir Path dir;

    record Run(int exit, String out) {
        String lastLine() { String[] l = out.strip().split("\n"); return l[l.length - 1]; }
    }

    static {
        BatchMain.quietSparkLogs();   // as the batch jar's main does
    }

    static Run batch(List<String> args) {
        CommandLine cl = BatchMain.newCommandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        int exit = cl.execute(BatchFixtures.concat(List.of("batch"), args.toArray(String[]::new)).toArray(String[]::new));
        return new Run(exit, out.toString());
    }

    @Test
    void badFilesAreReportedAndNeverFailTheBatchThenARerunResumesWithTheSameSeed() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in")), out = dir.resolve("out");
        List<Path> good = new ArrayList<>(BatchFixtures.photos(in, 4, 40));
        byte[] jpeg = Files.readAllBytes(good.get(2));
        Files.write(in.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.writeString(in.resolve("notes.txt"), "not a picture\n");
        Files.write(in.resolve("no-extension"), jpeg);
        ImageIO.write(BatchFixtures.photo(150, 150, 1), "png", in.resolve("huge.png").toFile());
        List<String> args = BatchFixtures.concat(BatchFixtures.tinyNet(dir), in.toString(), "-o", out.toString(), "--master", "local[2]",
                "--octaves", "1", "--iterations", "2", "--max-pixels", "5000");

        Run first = batch(BatchFixtures.concat(args, "--seed", "77"));
        assertEquals(BatchCommand.SOME_FAILED, first.exit(), first.out());
        assertTrue(first.lastLine().matches("batch: 8 files in .*: 5 dreamed, 0 already done, 3 failed \\(.* images/min\\); report .*_batch\\.json"),
                first.lastLine());
        JsonNode report = new ObjectMapper().readTree(out.resolve("_batch.json").toFile());
        assertEquals("finished", report.get("status").asText());
        assertEquals(77, report.get("seed").asLong());
        assertEquals("local[2,3]", report.get("master").asText(), "local mode retries failed tasks");
        Map<String, JsonNode> files = new HashMap<>();
        report.get("files").forEach(f -> files.put(f.get("input").asText(), f));
        assertEquals(8, files.size());
        assertTrue(files.get("truncated.jpg").get("error").asText().contains("truncated"), files.get("truncated.jpg").toString());
        assertTrue(files.get("notes.txt").get("error").asText().contains("is not an image"));
        assertTrue(files.get("huge.png").get("error").asText().contains("over the limit of 5000 pixels"));
        assertEquals("done", files.get("no-extension").get("status").asText(), "images are found by content, not by extension");
        assertEquals("done", files.get("sub/photo03.png").get("status").asText());
        assertEquals(FileSeeds.seed(77, "sub/photo03.png"), files.get("sub/photo03.png").get("seed").asLong());
        report.get("nets_per_executor").forEach(n -> assertTrue(n.asInt() <= 2, "a net per task slot, not per image: " + report.get("nets_per_executor")));
        for (String f : List.of("photo00.png", "photo02.png", "sub/photo03.png", "no-extension.png")) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        assertFalse(Files.exists(out.resolve("notes.png")));

        Run again = batch(args);   // no --seed: the seed of the report in OUT
        assertEquals(BatchCommand.SOME_FAILED, again.exit(), again.out());
        assertTrue(again.lastLine().contains(": 0 dreamed, 5 already done, 3 failed"), again.lastLine());

        for (String bad : List.of("truncated.jpg", "notes.txt", "huge.png")) Files.delete(in.resolve(bad));
        Run clean = batch(args);
        assertEquals(BatchCommand.ALL_DONE, clean.exit(), clean.out());
    }
}
