package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard in headless Chromium, served by a real balancer in front of two real backend processes.
 * The page must follow what happens to the cluster through its event stream, without a reload. The last test
 * kills a backend, so the tests run in a fixed order.
 */
@ExtendWith(BrowserInstalled.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardBrowserIT.class);

    /**
     * Time for a change the balancer has already seen to reach the page. The event stream pushes a snapshot every
     * 250 ms when something changed, and the page renders it at once. The rest is room for a loaded machine.
     */
    private static final Duration PUSH_DEADLINE = Duration.ofSeconds(5);
    /**
     * Time for a killed backend to show DOWN on the page: the probe thresholds that {@link Cluster#DOWN_DEADLINE}
     * allows for, plus one push of the event stream and a margin for rendering.
     */
    private static final Duration DOWN_ON_PAGE_DEADLINE = Cluster.DOWN_DEADLINE.plus(Duration.ofSeconds(1));
    private static final String PAGE_MARK = "__vigiaPageMark";

    @TempDir
    static Path directory;

    private static Cluster cluster;
    private static Browser browser;
    private final Http http = new Http();

    @BeforeAll
    static void startClusterAndBrowser() {
        cluster = Cluster.start("dashboard-browser", directory);
        browser = Browser.open("dashboard-en", "en-US,en");
    }

    @AfterAll
    static void stopBrowserAndCluster() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void dashboardLoadsWithoutConsoleErrors() {
        openDashboard(browser);

        assertThat(browser.findAll("#backend-rows tr[data-backend]")).hasSize(Cluster.BACKEND_COUNT);
        assertThat(browser.find("#connection").getText()).isEqualTo("Live");
        assertThat(browser.severeConsoleEntries()).as("console errors").isEmpty();
    }

    @Test
    @Order(2)
    void sentErrorsAppearWithoutReload() {
        openDashboard(browser);
        String mark = markPage();
        long totalBefore = countOf(browser.find("#total-errors"));
        long badRequestsBefore = bucketCount("400_BAD_REQUEST");
        long notFoundBefore = bucketCount("404_NOT_FOUND");
        long internalErrorsBefore = bucketCount("500_INTERNAL_ERROR");

        sendScenarioErrors();

        awaitCount("#total-errors", totalBefore + 3);
        awaitCount("li[data-bucket='400_BAD_REQUEST']", badRequestsBefore + 1);
        awaitCount("li[data-bucket='404_NOT_FOUND']", notFoundBefore + 1);
        awaitCount("li[data-bucket='500_INTERNAL_ERROR']", internalErrorsBefore + 1);
        WebElement badRequest = awaitRecentError("POST", "/api/tasks");
        WebElement notFound = awaitRecentError("DELETE", "/api/tasks/999999");
        WebElement internalError = awaitRecentError("POST", "/api/tasks/simulate-error");
        assertThat(badRequest.findElement(By.cssSelector(".bucket")).getText()).isEqualTo("400_BAD_REQUEST");
        assertThat(notFound.findElement(By.cssSelector(".bucket")).getText()).isEqualTo("404_NOT_FOUND");
        assertThat(internalError.findElement(By.cssSelector(".bucket")).getText()).isEqualTo("500_INTERNAL_ERROR");
        assertThat(internalError.findElement(By.cssSelector(".upstream")).getText())
                .isIn(cluster.backendId(0), cluster.backendId(1));
        assertPageNotReloaded(mark);
        assertThat(browser.severeConsoleEntries()).as("console errors").isEmpty();
        browser.screenshot("dashboard-errors-en");
    }

    /**
     * Paths that contain markup reach the recent-errors table as text. The balancer records the request target
     * as it arrived, so the markup is sent literally over a plain socket, and the URL-encoded form shows as sent.
     * A {@code <script>} inserted as HTML would not run, so an {@code <img onerror>} path checks the same thing
     * with markup that would run. The encoded path, sent last, shows that the page has rendered all three.
     */
    @Test
    @Order(3)
    void markupInPathShownAsText() {
        openDashboard(browser);
        String scriptPath = "/x<script>window.__xss=1</script>";
        String imagePath = "/x<img/src/onerror=window.__xss=2>";
        String encodedPath = "/x%3Cscript%3Ewindow.__xss=1%3C/script%3E";

        assertThat(Http.rawGet(cluster.balancerUri(""), scriptPath)).isEqualTo(404);
        assertThat(Http.rawGet(cluster.balancerUri(""), imagePath)).isEqualTo(404);
        assertThat(http.get(cluster.balancerUri(encodedPath)).statusCode()).isEqualTo(404);

        awaitRecentError("GET", encodedPath);
        assertThat(browser.findAll("#recent-errors script, #recent-errors img")).as("elements made from paths")
                .isEmpty();
        assertThat(browser.script("return typeof window.__xss;")).isEqualTo("undefined");
        awaitRecentError("GET", scriptPath);
        awaitRecentError("GET", imagePath);
        assertThat(browser.severeConsoleEntries()).as("console errors").isEmpty();
        browser.screenshot("dashboard-markup-paths-en");
    }

    @ParameterizedTest(name = "{0}")
    @Order(4)
    @CsvSource(delimiter = '|', textBlock = """
            es-CL,es | es | Vigía · Panel de errores | Panel de errores en vivo | Errores recientes | ACTIVO | En vivo
            en-US,en | en | Vigía · Error dashboard  | Live error dashboard     | Recent errors     | UP     | Live
            """)
    void pageFollowsBrowserLanguage(String acceptLanguages, String lang, String title, String heading,
                                    String recentErrorsTitle, String upLabel, String liveLabel) {
        try (Browser localized = Browser.open("dashboard-" + lang, acceptLanguages)) {
            openDashboard(localized);

            assertThat(localized.script("return navigator.languages.join(',');")).isEqualTo(acceptLanguages);
            assertThat(localized.find("html").getAttribute("lang")).isEqualTo(lang);
            assertThat(localized.driver().getTitle()).isEqualTo(title);
            assertThat(localized.find(".subtitle").getText()).isEqualTo(heading);
            assertThat(localized.find("#recent-title").getText()).isEqualTo(recentErrorsTitle);
            assertThat(localized.find("#connection").getText()).isEqualTo(liveLabel);
            for (int i = 0; i < Cluster.BACKEND_COUNT; i++) {
                assertThat(localized.find(stateSelector(i, "UP")).getText()).isEqualTo(upLabel);
            }
            // Errors sent after the page opened also show in the chart, which then has rates in the screenshot.
            long totalBefore = countOf(localized.find("#total-errors"));
            sendScenarioErrors();
            localized.awaitElement("#total-errors[data-count='" + (totalBefore + 3) + "']", PUSH_DEADLINE);
            assertThat(localized.severeConsoleEntries()).as("console errors").isEmpty();
            localized.screenshot("dashboard-" + lang);
        }
    }

    /** Runs last: the cluster keeps only one backend afterwards. */
    @Test
    @Order(5)
    void killedBackendTurnsDownWithoutReload() {
        openDashboard(browser);
        String mark = markPage();

        long killedAtNanos = System.nanoTime();
        cluster.killBackend(1);
        browser.awaitElement(stateSelector(1, "DOWN"), DOWN_ON_PAGE_DEADLINE);
        Duration shownAfter = Duration.ofNanos(System.nanoTime() - killedAtNanos);

        LOG.info("backend={} shown DOWN on the dashboard {} ms after the kill", cluster.backendId(1),
                shownAfter.toMillis());
        assertThat(browser.findAll(stateSelector(0, "UP"))).as("the surviving backend").hasSize(1);
        assertThat(browser.find(stateSelector(1, "DOWN")).getText()).isEqualTo("DOWN");
        assertPageNotReloaded(mark);
        assertThat(browser.severeConsoleEntries()).as("console errors").isEmpty();
        browser.screenshot("dashboard-backend-down-en");
    }

    /** Sends the error scenario's three requests through the balancer: one 400, one 404 and one 500. */
    private void sendScenarioErrors() {
        assertThat(http.postJson(cluster.balancerUri("/api/tasks"), "{}").statusCode()).isEqualTo(400);
        assertThat(http.delete(cluster.balancerUri("/api/tasks/999999")).statusCode()).isEqualTo(404);
        assertThat(http.postJson(cluster.balancerUri("/api/tasks/simulate-error"), "{}").statusCode()).isEqualTo(500);
    }

    /** Opens the dashboard and waits until the event stream is live and both backends show UP. */
    private static void openDashboard(Browser target) {
        target.open(cluster.balancerUri("/dashboard"));
        target.awaitElement("body[data-connection='sse']", PUSH_DEADLINE);
        for (int i = 0; i < Cluster.BACKEND_COUNT; i++) {
            target.awaitElement(stateSelector(i, "UP"), PUSH_DEADLINE);
        }
    }

    private static String stateSelector(int backend, String state) {
        return "#backend-rows tr[data-backend='" + cluster.backendId(backend) + "'] td[data-state='" + state + "']";
    }

    /** Stores a random value in the page's window object, which a reload would lose. */
    private static String markPage() {
        String mark = UUID.randomUUID().toString();
        browser.script("window." + PAGE_MARK + " = arguments[0];", mark);
        return mark;
    }

    private static void assertPageNotReloaded(String mark) {
        assertThat(browser.script("return window." + PAGE_MARK + ";")).as("page mark after the update").isEqualTo(mark);
    }

    private static long countOf(WebElement element) {
        return Long.parseLong(element.getAttribute("data-count"));
    }

    private static long bucketCount(String bucket) {
        List<WebElement> items = browser.findAll("li[data-bucket='" + bucket + "']");
        return items.isEmpty() ? 0 : countOf(items.get(0));
    }

    private static void awaitCount(String cssSelector, long expected) {
        browser.awaitElement(cssSelector + "[data-count='" + expected + "']", PUSH_DEADLINE);
    }

    /** Waits for a row of the recent-errors table whose method and path cells show exactly these texts. */
    private static WebElement awaitRecentError(String method, String path) {
        return browser.await("a recent error " + method + " " + path, PUSH_DEADLINE, driver -> {
            for (WebElement row : driver.findElements(By.cssSelector("#recent-errors tr[data-sequence]"))) {
                if (row.findElement(By.cssSelector(".method")).getText().equals(method)
                        && row.findElement(By.cssSelector(".path")).getText().equals(path)) {
                    return row;
                }
            }
            return null;
        });
    }
}
