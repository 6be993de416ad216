package deepdream.batch;

import deepdream.cli.UserException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a batch reads and where each output goes; and the Spark defaults of a batch. */
class InputListingTest {
    @TempDir Path dir;

    private static List<String> pairs(List<BatchItem> items) {
        return items.stream().map(i -> i.relative() + " -> " + i.output()).toList();
    }

    @Test
    void aFolderIsListedRecursivelyWithoutHiddenFilesOrTheOutputInsideIt() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (String f : List.of("b.jpg", "a/c.png", "a/d", ".hidden.jpg", "_SUCCESS", ".git/x.jpg", "out/old.png", "same.jpg", "same.png"))
            Files.createDirectories(in.resolve(f).getParent()).resolve(in.resolve(f).getFileName()).toFile().createNewFile();
        List<BatchItem> items = InputListing.list(in.toString(), in.resolve("out"), new Configuration());
        assertEquals(List.of("a/c.png -> a/c.png", "a/d -> a/d.png", "b.jpg -> b.png", "same.jpg -> same.jpg.png", "same.png -> same.png.png"), pairs(items));
        assertTrue(items.get(0).source().startsWith("file:/"), items.get(0).source());
    }

    @Test
    void aListFileNamesPathsRelativeToItsFolderAndOutputsMirrorTheirCommonFolder() throws IOException {
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# photos\nphotos/2019/x.jpg\n\n" + dir.resolve("photos/2020/y.jpg") + "\n" + dir.resolve("photos/2020/z.jpg").toUri() + "\n");
        assertEquals(List.of("2019/x.jpg -> 2019/x.png", "2020/y.jpg -> 2020/y.png", "2020/z.jpg -> 2020/z.png"),
                pairs(InputListing.list(list.toString(), dir.resolve("out"), new Configuration())));
    }

    @Test
    void missingAndEmptyInputsAreClearErrors() throws IOException {
        UserException missing = assertThrows(UserException.class, () -> InputListing.list(dir.resolve("nope").toString(), dir, new Configuration()));
        assertTrue(missing.getMessage().startsWith("input not found: "), missing.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(UserException.class, () -> InputListing.list(empty.toString(), dir.resolve("o"), new Configuration()))
                .getMessage().startsWith("no input files in "));
    }

    @Test
    void localMastersGetRetriesAndOtherMastersStayAsGiven() {
        assertEquals("local[*,3]", SparkSetup.withRetries("local[*]"));
        assertEquals("local[4,3]", SparkSetup.withRetries("local[4]"));
        assertEquals("local[1,3]", SparkSetup.withRetries("local"));
        assertEquals("local[2,5]", SparkSetup.withRetries("local[2,5]"));
        assertEquals("spark://127.0.0.1:7077", SparkSetup.withRetries("spark://127.0.0.1:7077"));
        assertTrue(SparkSetup.onLoopback("spark://127.0.0.1:7077") && SparkSetup.onLoopback("local[2,3]"));
        assertTrue(!SparkSetup.onLoopback("spark://10.0.0.5:7077") && !SparkSetup.onLoopback("yarn"));
    }
}
