package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A backend's task page in headless Chromium with Spanish as its language, reached through a real balancer in
 * front of two real backend processes that share one database. The tests share the cluster and run in a fixed
 * order, so the screenshot taken after the first one shows the tasks it added.
 */
@ExtendWith(BrowserInstalled.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskPageBrowserIT {

    private static final Pattern SERVED_BY_ADDRESS = Pattern.compile("127\\.0\\.0\\.1:\\d+");
    private static final int RELOADS = 5;

    @TempDir
    static Path directory;

    private static Cluster cluster;
    private static Browser browser;

    @BeforeAll
    static void startClusterAndBrowser() {
        cluster = Cluster.start("task-page-browser", directory);
        browser = Browser.open("task-page-es", "es-CL,es");
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
    void formAddsTaskAndRedirectsToPage() {
        List<String> titles = List.of("Preparar la demo del balanceador", "Revisar /errors/stats tras el escenario");

        for (String title : titles) {
            browser.open(cluster.balancerUri("/"));
            submitTitle(title);
            browser.await("the task '" + title + "' listed on the page", Browser.UI_TIMEOUT,
                    driver -> rowsWithTitle(title).size() == 1);

            assertThat(currentPath()).as("path after the post-redirect-get").isEqualTo("/");
        }
        browser.driver().navigate().refresh();

        assertThat(browser.find("html").getAttribute("lang")).isEqualTo("es");
        assertThat(browser.find("#tasks caption").getText()).isEqualTo("Tareas: 2, completadas: 0");
        for (String title : titles) {
            assertThat(rowsWithTitle(title)).as("rows titled '%s' after a reload", title).hasSize(1);
        }
        assertThat(browser.findAll("#error")).isEmpty();
        browser.screenshot("task-page-es");
    }

    @Test
    @Order(2)
    void blankTitleShowsError() {
        browser.open(cluster.balancerUri("/"));
        int rowsBefore = browser.findAll("table#tasks tr[data-task-id]").size();

        submitTitle("   ");
        WebElement error = browser.awaitElement("#error", Browser.UI_TIMEOUT);

        assertThat(error.getText()).isEqualTo("Error 400: El título no puede estar en blanco.");
        assertThat(currentPath()).isEqualTo("/tasks");
        assertThat(browser.findAll("table#tasks tr[data-task-id]")).hasSize(rowsBefore);
        browser.screenshot("task-page-blank-title-es");
    }

    @Test
    @Order(3)
    void servedByAlternatesAcrossReloads() {
        browser.open(cluster.balancerUri("/"));
        List<String> servedBy = new ArrayList<>();
        servedBy.add(servedByAddress());
        for (int i = 0; i < RELOADS; i++) {
            browser.driver().navigate().refresh();
            servedBy.add(servedByAddress());
        }

        assertThat(servedBy).containsOnly(cluster.backendId(0), cluster.backendId(1));
        for (int i = 1; i < servedBy.size(); i++) {
            assertThat(servedBy.get(i)).as("backend of load %d in %s", i, servedBy).isNotEqualTo(servedBy.get(i - 1));
        }
    }

    private static void submitTitle(String title) {
        WebElement input = browser.find("form#add-task input[name='title']");
        input.clear();
        input.sendKeys(title);
        browser.find("form#add-task button[type='submit']").click();
    }

    private static List<WebElement> rowsWithTitle(String title) {
        List<WebElement> rows = new ArrayList<>();
        for (WebElement row : browser.findAll("table#tasks tr[data-task-id]")) {
            if (row.findElement(By.cssSelector(".title")).getText().equals(title)) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static String currentPath() {
        return URI.create(browser.driver().getCurrentUrl()).getPath();
    }

    /** Returns the {@code host:port} that {@code #served-by} names, such as {@code 127.0.0.1:40123}. */
    private static String servedByAddress() {
        String text = browser.find("#served-by").getText();
        Matcher matcher = SERVED_BY_ADDRESS.matcher(text);
        assertThat(matcher.find()).as("#served-by names a loopback address: %s", text).isTrue();
        assertThat(text).startsWith("Servida por el backend ");
        return matcher.group();
    }
}
