package io.vigia.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.balancer.health.ProbeResult;
import io.vigia.balancer.selection.BackendState;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPageTest {

    private static StatusReport report(String probeError) {
        ProbeResult probe = new ProbeResult(1_700_000_000_000L, false, 2_500_000, 0, probeError);
        return new StatusReport("127.0.0.1:8080", 1_700_000_000_000L, 42, List.of(
                new StatusReport.BackendStatus("127.0.0.1:5001", BackendState.DOWN, 1_700_000_000_000L, probe, 7, 3),
                new StatusReport.BackendStatus("127.0.0.1:5002", BackendState.UP, 1_700_000_000_000L, null, 0, 0)),
                3);
    }

    @Test
    void escapesEveryValue() {
        String page = StatusPage.render(report("<script>alert('x')</script> & \"more\""), StatusPage.Language.EN);

        assertThat(page).doesNotContain("<script>");
        assertThat(page).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;");
    }

    @Test
    void rendersSpanishLabels() {
        String page = StatusPage.render(report("connection refused"), StatusPage.Language.ES);

        assertThat(page).contains("<html lang=\"es\">", "Último sondeo", "fallido", "ninguno todavía",
                "<td>DOWN</td>", "<td>7</td>", "<td>2.5</td>");
    }

    @Test
    void jsonHasEveryKey() {
        JsonNode json = StatusJson.toTree(report("connection refused"));

        assertThat(json.get("listen").asText()).isEqualTo("127.0.0.1:8080");
        assertThat(json.get("started_at").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(json.get("uptime_seconds").asLong()).isEqualTo(42);
        assertThat(json.get("total_errors").asLong()).isEqualTo(3);
        JsonNode down = json.get("backends").get(0);
        assertThat(down.get("state").asText()).isEqualTo("DOWN");
        assertThat(down.get("last_probe").get("ok").asBoolean()).isFalse();
        assertThat(down.get("last_probe").get("latency_ms").asDouble()).isEqualTo(2.5);
        assertThat(down.get("last_probe").get("status").isNull()).isTrue();
        assertThat(down.get("last_probe").get("error").asText()).isEqualTo("connection refused");
        assertThat(down.get("requests").asLong()).isEqualTo(7);
        assertThat(down.get("errors").asLong()).isEqualTo(3);
        assertThat(json.get("backends").get(1).get("last_probe").isNull()).isTrue();
    }

    @Test
    void routesOnlyReservedPaths() {
        assertThat(AdminEndpoints.route("/health")).isEqualTo(AdminEndpoints.Route.HEALTH);
        assertThat(AdminEndpoints.route("/status?x=1")).isEqualTo(AdminEndpoints.Route.STATUS);
        assertThat(AdminEndpoints.route("/errors/stats#top")).isEqualTo(AdminEndpoints.Route.ERROR_STATS);
        assertThat(AdminEndpoints.route("http://balancer:8080/status")).isEqualTo(AdminEndpoints.Route.STATUS);
        assertThat(AdminEndpoints.route("/health/")).isNull();
        assertThat(AdminEndpoints.route("/statuses")).isNull();
        assertThat(AdminEndpoints.route("/api/health")).isNull();
        assertThat(AdminEndpoints.route("*")).isNull();
    }
}
