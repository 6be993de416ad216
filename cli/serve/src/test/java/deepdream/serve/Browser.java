package deepdream.serve;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Debian's headless Chromium driven by its chromedriver, both named explicitly so Selenium Manager
 * never looks for (or downloads) a browser, with a fresh profile and a download folder. In CI a
 * missing browser fails the test (.ci/run installs it); elsewhere the test is skipped.
 */
final class Browser {
    static final String CHROMIUM = "/usr/bin/chromium", CHROMEDRIVER = "/usr/bin/chromedriver";

    private Browser() {}

    static ChromeDriver start(Path profile, Path downloads) throws Exception {
        for (String f : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(f))) {
                String why = f + " not found: install chromium and chromium-driver (apt-get install chromium chromium-driver)";
                if (System.getenv("CI") != null) throw new AssertionError(why);
                System.out.println("SKIPPED: " + why);
                Assumptions.abort(why);
            }
        }
        Files.createDirectories(profile);
        Files.createDirectories(downloads);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,1100");
        o.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false, "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60)).build();
        ChromeDriver driver = new ChromeDriver(service, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
