package io.vigia.balancer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.ErrorCause;
import io.vigia.core.metrics.MetricsExposition;
import io.vigia.core.testing.PrometheusText;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class BalancerMetricsTest {

    private final Backend backend = new Backend(0, "127.0.0.1", 5001, new InetSocketAddress("127.0.0.1", 5001),
            BackendState.UP, 0);
    private final BalancerMetrics metrics = new BalancerMetrics();

    BalancerMetricsTest() {
        metrics.addUpstream(backend);
    }

    @Test
    void recordingAllocatesNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // The client library's Histogram.observe creates a lambda per call, which only the optimizing JIT
        // compiler's escape analysis removes, so the steady state arrives after some rounds.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 40 && allocated >= 10_000; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++) {
                recordOne(i);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        // A few hundred bytes allow for the allocation counter itself; one 16-byte object per call would be
        // 800 KB.
        assertThat(allocated).isLessThan(10_000);
    }

    @Test
    void errorFromUnknownUpstreamCountsWithoutUpstream() throws Exception {
        metrics.onError(502, "GET", "/", "203.0.113.9:80", ErrorCause.CONNECTION_RESET);
        metrics.onError(404, "GET", "/", backend.id(), null);
        metrics.onError(200, "GET", "/", backend.id(), null);

        PrometheusText text = scrape();

        assertThat(text.value("vigia_errors_total", "bucket", "502_BAD_GATEWAY", "upstream", "",
                "cause", "connection_reset")).isEqualTo(1.0);
        assertThat(text.value("vigia_errors_total", "bucket", "404_NOT_FOUND", "upstream", backend.id(),
                "cause", "")).isEqualTo(1.0);
        assertThat(text.samples("vigia_errors_total")).hasSize(2);
    }

    @Test
    void causeWithForeignStatusStillCounts() throws Exception {
        metrics.onError(500, "GET", "/", backend.id(), ErrorCause.PREMATURE_CLOSE);

        assertThat(scrape().value("vigia_errors_total", "bucket", "500_INTERNAL_ERROR", "upstream", backend.id(),
                "cause", "premature_close")).isEqualTo(1.0);
    }

    @Test
    void unknownMethodsShareOneSeries() throws Exception {
        metrics.recordResponse(backend, HttpMethod.valueOf("BREW"), 200, 1_000, 500);
        metrics.recordResponse(backend, HttpMethod.valueOf("PROPFIND"), 207, 1_000, 500);

        assertThat(scrape().value("vigia_requests_total", "upstream", backend.id(), "method", "other",
                "status_class", "2xx")).isEqualTo(2.0);
    }

    private void recordOne(int i) {
        metrics.recordResponse(backend, (i & 1) == 0 ? HttpMethod.GET : HttpMethod.POST, (i & 3) == 0 ? 404 : 200,
                120_000 + i, 80_000 + i);
        metrics.onError(404, "GET", "/missing", backend.id(), null);
        metrics.onError(503, "GET", "/", null, ErrorCause.NO_HEALTHY_BACKEND);
        metrics.recordRetry(RetryReason.CONNECT_FAILED);
    }

    private PrometheusText scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MetricsExposition(metrics.registry()).writerFor(null).write(out, metrics.registry().scrape());
        return PrometheusText.parse(out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
