package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's servers started in this JVM on ephemeral ports instead of 5001, 5002 and 8080, so that the
 * test never clashes with a demo someone is running.
 */
class DemoIT {

    @TempDir
    Path directory;

    @Test
    void demoServesScenarioAndFreesPorts() throws IOException {
        ByteArrayOutputStream demoOut = new ByteArrayOutputStream();
        ByteArrayOutputStream demoErr = new ByteArrayOutputStream();
        Demo demo = new Demo(new Demo.Ports(0, 0, 0), directory.resolve("tasks.db"), Messages.of(Language.EN),
                new PrintStream(demoOut, true, StandardCharsets.UTF_8),
                new PrintStream(demoErr, true, StandardCharsets.UTF_8));
        assertThat(demo.start()).as("demo started; stderr: %s", demoErr).isTrue();
        List<URI> urls = new ArrayList<>();
        ConsoleOutput scenario;
        int dashboardStatus;
        try {
            urls.add(URI.create(demo.balancerUrl()));
            demo.backendUrls().forEach(url -> urls.add(URI.create(url)));
            demo.printWhereToLook();
            dashboardStatus = new Http().get(URI.create(demo.balancerUrl() + "/dashboard")).statusCode();
            scenario = ConsoleOutput.capture((out, err) -> Scenario.run(urls.get(0), Language.ES, out, err));
        } finally {
            demo.stop();
        }

        String banner = demoOut.toString(StandardCharsets.UTF_8);
        assertThat(banner).contains("  balancer    " + urls.get(0));
        assertThat(banner).contains("  backend 1   " + urls.get(1), "  backend 2   " + urls.get(2));
        assertThat(banner).contains("  dashboard   " + urls.get(0) + "/dashboard");
        assertThat(banner).contains("curl " + urls.get(0) + "/errors/stats");
        assertThat(banner).contains(Demo.SCENARIO_COMMAND);
        assertThat(dashboardStatus).as("GET /dashboard").isEqualTo(200);
        assertThat(demoErr.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(scenario.stdout().lines()).containsExactly(
                "Total errores: 3",
                "Tipos de errores: {'400_BAD_REQUEST': 1, '404_NOT_FOUND': 1, '500_INTERNAL_ERROR': 1}");
        assertThat(scenario.stderr()).isEmpty();
        for (URI url : urls) {
            assertThat(canBind(url.getPort())).as("port %d free after stop", url.getPort()).isTrue();
        }
    }

    private static boolean canBind(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(Demo.HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
