package io.vigia.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One headless Chromium driven through chromedriver, for the {@code *BrowserIT} tests.
 *
 * <p>It uses the Chromium and chromedriver that Debian's {@code chromium} and {@code chromium-driver} packages
 * install, or the paths in the system properties {@value #CHROMIUM_PROPERTY} and {@code webdriver.chrome.driver}.
 * Both paths are always set, so Selenium Manager never runs and never downloads a browser or a driver. The
 * browser starts with a fresh profile in a temporary directory and with background networking, sync, component
 * updates and QUIC turned off. Its host resolver fails every name, so a feature still left on cannot reach an
 * outside service by name either.
 *
 * <p>The page language comes from {@code --lang} and the {@code intl.accept_languages} preference, which sets
 * the {@code Accept-Language} header. The browser keeps every console message, and {@link #severeConsoleEntries()}
 * returns the errors among them. Used by the test thread only.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM_PROPERTY = "vigia.it.chromium";
    static final String DEFAULT_CHROMIUM = "/usr/bin/chromium";
    static final String DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver";

    /** Generous bound for a page load on a loaded two-core machine. Pages here load in well under a second. */
    static final Duration PAGE_LOAD_TIMEOUT = Duration.ofSeconds(30);
    /** Bound for a condition that needs no server-side event, such as a form post and its redirect. */
    static final Duration UI_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Browser.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final List<String> ARGUMENTS = List.of(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-quic",
            // Fails every host name lookup. Chromium applies these rules to IP literals too, so the address the
            // tests use for their servers is excluded.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--window-size=1280,1200");

    private final String name;
    private final ChromeDriver driver;
    private final Path profileDirectory;

    private Browser(String name, ChromeDriver driver, Path profileDirectory) {
        this.name = name;
        this.driver = driver;
        this.profileDirectory = profileDirectory;
    }

    /** Returns why browser tests cannot run here, or {@code null} when Chromium and chromedriver are installed. */
    static String missingBrowserReason() {
        Path chromium = chromiumPath();
        Path chromedriver = chromedriverPath();
        if (Files.isExecutable(chromium) && Files.isExecutable(chromedriver)) {
            return null;
        }
        return "browser tests skipped: they need Chromium at " + chromium + " and chromedriver at " + chromedriver
                + ", from the Debian packages chromium and chromium-driver; set other paths with -D"
                + CHROMIUM_PROPERTY + "=PATH and -D" + ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY + "=PATH";
    }

    /**
     * Starts a browser whose preferred languages are {@code acceptLanguages}, such as {@code "es-CL,es"}.
     *
     * @param name names the chromedriver log under {@code target/it-logs} and this browser in messages
     */
    static Browser open(String name, String acceptLanguages) {
        Path chromedriver = chromedriverPath();
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
        Path profile = createProfileDirectory();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(logFile(name))
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options(acceptLanguages, profile));
            driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD_TIMEOUT);
            driver.manage().timeouts().scriptTimeout(UI_TIMEOUT);
            return new Browser(name, driver, profile);
        } catch (RuntimeException | Error e) {
            service.stop();
            deleteProfile(profile);
            throw e;
        }
    }

    private static ChromeOptions options(String acceptLanguages, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromiumPath().toFile());
        options.addArguments(ARGUMENTS);
        options.addArguments("--user-data-dir=" + profile);
        options.addArguments("--lang=" + acceptLanguages.split(",")[0]);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguages));
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        return options;
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens {@code uri} and waits until the page has loaded. */
    void open(URI uri) {
        driver.get(uri.toString());
    }

    WebElement find(String cssSelector) {
        return driver.findElement(By.cssSelector(cssSelector));
    }

    List<WebElement> findAll(String cssSelector) {
        return driver.findElements(By.cssSelector(cssSelector));
    }

    /** Runs {@code script} in the page and returns its result, as {@link JavascriptExecutor} converts it. */
    Object script(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    /**
     * Polls {@code condition} until it returns a value other than {@code null} or {@code false}, and returns it.
     * On timeout, saves a screenshot named after {@code description} and throws an AssertionError.
     */
    <T> T await(String description, Duration timeout, Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, POLL_INTERVAL);
        wait.ignoring(StaleElementReferenceException.class);
        try {
            return wait.until(condition::apply);
        } catch (TimeoutException e) {
            Path screenshot = screenshot("timeout-" + SEQUENCE.incrementAndGet());
            throw new AssertionError(name + ": timed out after " + timeout.toMillis() + " ms waiting for "
                    + description + "; screenshot " + screenshot + ", page at " + driver.getCurrentUrl(), e);
        }
    }

    /** Waits until at least one element matches {@code cssSelector}. */
    WebElement awaitElement(String cssSelector, Duration timeout) {
        return await("an element matching " + cssSelector, timeout,
                d -> d.findElements(By.cssSelector(cssSelector)).stream().findFirst().orElse(null));
    }

    /**
     * Returns the console messages at level SEVERE logged since the previous call: script errors, failed
     * resource loads and {@code console.error} calls.
     */
    List<String> severeConsoleEntries() {
        List<String> severe = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        return severe;
    }

    /** Saves the visible part of the page as {@code target/screenshots/NAME.png} and returns the file. */
    Path screenshot(String fileName) {
        Path target = TestEnvironment.screenshotDirectory().resolve(fileName + ".png");
        File image = driver.getScreenshotAs(OutputType.FILE);
        try {
            return Files.move(image.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + target, e);
        }
    }

    /** Closes the browser, stops chromedriver and deletes the profile directory. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteProfile(profileDirectory);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    static Path chromiumPath() {
        return Path.of(System.getProperty(CHROMIUM_PROPERTY, DEFAULT_CHROMIUM));
    }

    static Path chromedriverPath() {
        return Path.of(System.getProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DEFAULT_CHROMEDRIVER));
    }

    private static File logFile(String name) {
        return TestEnvironment.logDirectory()
                .resolve(String.format("chromedriver-%03d-%s.log", SEQUENCE.incrementAndGet(), name))
                .toFile();
    }

    private static Path createProfileDirectory() {
        try {
            return Files.createTempDirectory("vigia-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Chromium profile directory", e);
        }
    }

    /**
     * Deletes the profile. A failure only leaves files in the temporary directory, so it is logged and the test
     * goes on.
     */
    private static void deleteProfile(Path profile) {
        try (Stream<Path> paths = Files.walk(profile)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("profile={} cannot delete the Chromium profile directory", profile, e);
        }
    }
}
