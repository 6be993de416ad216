package deepdream.batch;

import deepdream.cli.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-partition function on its own, without Spark: outputs, resume, bad files, seeds, net reuse. */
@Timeout(120)
class BatchDreamerTest {
    @TempDir Path dir;
    List<String> tiny;
    Path in, out;

    @BeforeEach
    void setUp() throws IOException {
        tiny = BatchFixtures.tinyNet(dir);
        in = Files.createDirectories(dir.resolve("in"));
        out = dir.resolve("out");
    }

    private List<FileResult> run(long batchSeed, List<BatchItem> items, String... extra) {
        BatchJob job = new BatchJob(BatchFixtures.concat(tiny, concat(List.of("--octaves", "2", "--iterations", "3"), extra)), batchSeed, out.toString(), 1);
        List<FileResult> seen = new ArrayList<>();
        List<FileResult> results = new BatchDreamer(job, InputFetcher.LOCAL).dream(items.iterator(), seen::add);
        assertEquals(results, seen, "every result is reported as it is known, in order");
        return results;
    }

    private static String[] concat(List<String> a, String[] b) { return BatchFixtures.concat(a, b).toArray(String[]::new); }

    private List<BatchItem> items(List<Path> files) {
        List<String[]> found = new ArrayList<>();
        for (Path f : files) found.add(new String[] {f.toUri().toString(), in.relativize(f).toString()});
        return InputListing.withOutputNames(found);
    }

    private static Map<String, FileResult> byInput(List<FileResult> results) {
        return results.stream().collect(Collectors.toMap(FileResult::relative, Function.identity()));
    }

    @Test
    void dreamsEveryFileThenARerunSkipsThemAndAnotherSeedRedoesThem() throws IOException {
        List<BatchItem> items = items(BatchFixtures.photos(in, 4, 40));
        int netsBefore = NetCache.built();
        List<FileResult> first = run(11, items);
        assertTrue(first.stream().allMatch(r -> r.status().equals(FileResult.DONE)), first.toString());
        assertTrue(NetCache.built() - netsBefore <= 1 && first.get(3).netsInJvm() == 1, "one net for the whole partition, not one per image");
        for (BatchItem item : items) assertTrue(Files.isRegularFile(out.resolve(item.output())), item.output());
        assertTrue(Files.isRegularFile(out.resolve("sub/photo03.png")), "the output mirrors the input's folders");

        FileTime before = Files.getLastModifiedTime(out.resolve(items.get(0).output()));
        List<FileResult> again = run(11, items);
        assertTrue(again.stream().allMatch(r -> r.status().equals(FileResult.SKIPPED)), again.toString());
        assertEquals(before, Files.getLastModifiedTime(out.resolve(items.get(0).output())), "a finished output is not rewritten");
        assertEquals(first.stream().map(FileResult::seed).toList(), again.stream().map(FileResult::seed).toList());

        List<FileResult> otherSeed = run(12, items);
        assertTrue(otherSeed.stream().allMatch(r -> r.status().equals(FileResult.DONE)), "other parameters: dreamed again, " + otherSeed);
        List<FileResult> moreIterations = run(12, items, "--step", "2");
        assertTrue(moreIterations.stream().allMatch(r -> r.status().equals(FileResult.DONE)), "changed options: dreamed again");
    }

    @Test
    void aBadFileIsReportedWithItsReasonAndTheOthersAreDreamed() throws IOException {
        List<Path> files = new ArrayList<>(BatchFixtures.photos(in, 2, 32));
        byte[] jpeg = Files.readAllBytes(BatchFixtures.photos(Files.createDirectories(dir.resolve("src")), 3, 48).get(2));
        files.add(Files.write(in.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2)));
        files.add(Files.writeString(in.resolve("notes.txt"), "not a picture\n"));
        files.add(Files.write(in.resolve("photo-without-extension"), jpeg));   // an image by content
        javax.imageio.ImageIO.write(BatchFixtures.photo(200, 200, 9), "png", in.resolve("huge.png").toFile());
        files.add(in.resolve("huge.png"));
        Map<String, FileResult> r = byInput(run(3, items(files), "--max-pixels", "10000"));
        assertEquals(FileResult.DONE, r.get("photo00.png").status());
        assertEquals(FileResult.DONE, r.get("photo-without-extension").status(), r.get("photo-without-extension").toString());
        assertTrue(Files.isRegularFile(out.resolve("photo-without-extension.png")));
        assertEquals(FileResult.FAILED, r.get("truncated.jpg").status());
        assertTrue(r.get("truncated.jpg").error().contains("truncated"), r.get("truncated.jpg").error());
        assertTrue(r.get("notes.txt").error().contains("is not an image"), r.get("notes.txt").error());
        assertTrue(r.get("huge.png").error().contains("over the limit of 10000 pixels"), r.get("huge.png").error());
        for (String bad : List.of("truncated.png", "notes.png", "huge.png")) assertFalse(Files.exists(out.resolve(bad)), bad);
        try (var left = Files.list(out)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "no temporaries left");
        }
    }

    @Test
    void theSeedInTheReportRepeatsTheFileWithDeepdreamDream() throws IOException {
        List<BatchItem> items = items(BatchFixtures.photos(in, 2, 36));
        FileResult r = run(42, items).get(1);
        Path single = dir.resolve("single.png");
        List<String> args = new ArrayList<>(List.of("dream", in.resolve(r.relative()).toString(), "-o", single.toString(),
                "--octaves", "2", "--iterations", "3", "--seed", Long.toString(r.seed())));
        args.addAll(tiny);
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        assertArrayEquals(BatchFixtures.pixels(single), BatchFixtures.pixels(out.resolve(r.output())), "the same pixels as the batch");
        String recorded = deepdream.cli.io.ImageWriter.readText(out.resolve(r.output())).get("deepdream.command");
        assertTrue(recorded.contains(" --seed " + r.seed()) && recorded.startsWith("deepdream dream " + in.resolve(r.relative())), recorded);
    }

    @Test
    void fileSeedsAreStableAndDifferPerFileAndBatchSeed() {
        // Golden values: a change of the derivation would silently change every batch's pictures.
        assertEquals(FileSeeds.seed(5, "e1.jpg"), FileSeeds.seed(5, "e1.jpg"));
        assertEquals(6282233716243481510L, FileSeeds.seed(5, "e1.jpg"));
        assertEquals(FileSeeds.seed(5, "a/b.jpg"), FileSeeds.seed(5, "a\\b.jpg"), "the same on Windows paths");
        assertNotEquals(FileSeeds.seed(5, "a.jpg"), FileSeeds.seed(5, "b.jpg"));
        assertNotEquals(FileSeeds.seed(5, "a.jpg"), FileSeeds.seed(6, "a.jpg"));
        assertTrue(FileSeeds.seed(-1, "x") >= 0);
    }
}
