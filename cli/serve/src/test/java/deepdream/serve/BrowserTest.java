package deepdream.serve;

import deepdream.cli.io.ImageWriter;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page in a real headless Chromium: what a user does, on the tiny random net. */
class BrowserTest {
    @TempDir static Path dir;
    static ChromeDriver driver;
    static TestServer server;
    static Path downloads;

    @BeforeAll
    static void start() throws Exception {
        downloads = dir.resolve("downloads");
        driver = Browser.start(dir.resolve("profile"), downloads);
        server = new TestServer(dir.resolve("server"));
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
    }

    @BeforeEach
    void open() {
        driver.get(server.base.toString());
        await(Duration.ofSeconds(30), () -> !driver.findElements(By.cssSelector(".layer")).isEmpty());
    }

    static WebDriverWait waiting(Duration d) { return new WebDriverWait(driver, d); }

    static void await(Duration d, java.util.function.BooleanSupplier condition) {
        waiting(d).until(x -> condition.getAsBoolean());
    }

    static void set(String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    /** Every text #status shows, in order (the page itself has no inline script; this runs through the driver). */
    static void recordStatus() {
        driver.executeScript("window.__statuses = []; const s = document.getElementById('status');"
                + "new MutationObserver(() => window.__statuses.push(s.textContent)).observe(s, {childList: true, characterData: true, subtree: true});");
    }

    @SuppressWarnings("unchecked")
    static List<String> statuses() { return (List<String>) driver.executeScript("return window.__statuses;"); }

    static boolean shownImage(String id) {
        return Boolean.TRUE.equals(driver.executeScript("const i = document.getElementById(arguments[0]); return !i.hidden && i.complete && i.naturalWidth > 0;", id));
    }

    @Test
    void dropAPhotoDreamWatchProgressAndDownloadThePng() throws Exception {
        Path photo = RealWeights.sharedFileOrSkip("images/eagle.jpg");
        // The layer gallery: thumbnails arrive (made on first use) and a click picks the layer.
        await(Duration.ofSeconds(60), () -> Boolean.TRUE.equals(driver.executeScript(
                "return [...document.querySelectorAll('.layer img')].some(i => i.naturalWidth > 0);")));
        driver.findElement(By.cssSelector(".layer[data-layer='cat']")).click();
        assertEquals("cat", driver.findElement(By.id("layer-name")).getText());

        driver.findElement(By.id("file")).sendKeys(photo.toString());   // what a drop or a pick gives the input
        await(Duration.ofSeconds(10), () -> shownImage("photo"));
        set("octaves", "2");
        set("iterations", "6");
        set("maxSize", "256");
        set("seed", "5");
        recordStatus();
        driver.findElement(By.id("dream")).click();

        await(Duration.ofSeconds(60), () -> driver.findElement(By.id("download")).isDisplayed());
        assertTrue(shownImage("result"), "the result is shown");
        assertTrue(shownImage("preview"), "a preview was shown");
        List<String> seen = statuses();
        // Events coalesce when the page is slower than the dream, so not every step shows; but it moves, with an ETA.
        List<String> progress = seen.stream().filter(t -> t.startsWith("Dreaming: octave")).distinct().toList();
        assertTrue(progress.size() >= 2 && progress.stream().anyMatch(t -> t.startsWith("Dreaming: octave 2/2"))
                && progress.stream().anyMatch(t -> t.contains("s left")),
                "progress updates: " + seen);
        assertTrue(driver.findElement(By.id("status")).getText().contains("Done (seed 5)"));

        driver.findElement(By.id("download")).click();
        Path[] file = new Path[1];
        await(Duration.ofSeconds(30), () -> (file[0] = downloaded()) != null);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file[0]), 8);
        assertEquals(0x89, head[0] & 0xff);
        assertEquals("PNG", new String(head, 1, 3));
        Map<String, String> text = ImageWriter.readText(file[0]);
        assertEquals("5", text.get("deepdream.seed"), text.toString());
        assertEquals("cat:1", text.get("deepdream.layers"));
        assertEquals("eagle.jpg", text.get("deepdream.input"));
        assertEquals("2", text.get("deepdream.octaves"));
        var img = javax.imageio.ImageIO.read(file[0].toFile());
        assertEquals(256, Math.max(img.getWidth(), img.getHeight()));

        // Again: the same parameters with a new seed.
        driver.findElement(By.id("again")).click();
        await(Duration.ofSeconds(60), () -> driver.findElement(By.id("status")).getText().startsWith("Done (seed ")
                && !driver.findElement(By.id("status")).getText().contains("seed 5)"));
    }

    static Path downloaded() {
        try (Stream<Path> s = Files.list(downloads)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".png")).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Test
    void aTextFileGivenAsThePhotoShowsTheErrorOnThePage() throws Exception {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "shopping list: milk, eggs\n");
        driver.findElement(By.id("file")).sendKeys(notes.toString());
        driver.findElement(By.id("dream")).click();
        await(Duration.ofSeconds(20), () -> driver.findElement(By.id("error")).isDisplayed());
        String error = driver.findElement(By.id("error")).getText();
        assertTrue(error.contains("'notes.txt' is not an image"), error);
        assertTrue(driver.findElement(By.id("dream")).isEnabled(), "the user can try again");
    }

    @Test
    void cancelStopsTheDream() throws Exception {
        long before = pngs(server.results);
        driver.findElement(By.id("clouds")).click();
        set("octaves", "1");
        set("iterations", "100");
        set("maxSize", "300");
        driver.findElement(By.id("dream")).click();
        await(Duration.ofSeconds(30), () -> driver.findElement(By.id("status")).getText().startsWith("Dreaming"));
        driver.findElement(By.id("cancel")).click();
        await(Duration.ofSeconds(30), () -> driver.findElement(By.id("status")).getText().equals("Cancelled."));
        assertFalse(driver.findElement(By.id("download")).isDisplayed());
        assertEquals(before, pngs(server.results), "no result written");
    }

    @Test
    void theGalleryListsResultsAfterARestart() throws Exception {
        String id = ApiTest.JSON.readTree(server.submit("{" + ApiTest.TINY + "}").body()).get("id").asText();
        server.awaitFinished(id, Duration.ofSeconds(60));
        long results = pngs(server.results);
        server.close();
        server = new TestServer(dir.resolve("server"));   // same results directory, new process state
        driver.get(server.base.toString());
        await(Duration.ofSeconds(30), () -> driver.findElements(By.cssSelector("#gallery a.past")).size() == results);
        assertTrue(driver.findElements(By.cssSelector("#gallery a.past")).stream().anyMatch(a -> a.getAttribute("href").contains(id)));
        await(Duration.ofSeconds(30), () -> Boolean.TRUE.equals(driver.executeScript(
                "return [...document.querySelectorAll('#gallery img')].every(i => i.complete && i.naturalWidth > 0);")));
    }

    static long pngs(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) { return s.filter(p -> p.toString().endsWith(".png")).count(); }
    }
}
