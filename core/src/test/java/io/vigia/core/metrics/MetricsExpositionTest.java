package io.vigia.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigia.core.testing.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsExpositionTest {

    private MetricsExposition exposition;

    @BeforeEach
    void registerCounter() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter counter = Counter.builder().name("test_events_total").help("Events seen by the test.")
                .labelNames("kind").register(registry);
        counter.labelValues("a\"quoted\"").inc(3);
        exposition = new MetricsExposition(registry);
    }

    @Test
    void withoutAcceptSendsPrometheusText() {
        String body = scrape(null, "text/plain; version=0.0.4; charset=utf-8");

        PrometheusText parsed = PrometheusText.parse(body);
        assertThat(parsed.value("test_events_total", "kind", "a\"quoted\"")).isEqualTo(3.0);
        assertThat(parsed.comments()).contains("# TYPE test_events_total counter").doesNotContain("# EOF");
    }

    @Test
    void openMetricsAcceptSendsOpenMetrics() {
        String body = scrape("application/openmetrics-text; version=1.0.0",
                "application/openmetrics-text; version=1.0.0; charset=utf-8");

        PrometheusText parsed = PrometheusText.parse(body);
        assertThat(parsed.value("test_events_total", "kind", "a\"quoted\"")).isEqualTo(3.0);
        assertThat(parsed.comments()).contains("# TYPE test_events counter", "# EOF");
    }

    @Test
    void protobufAcceptFallsBackToText() {
        String body = scrape("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                + "encoding=delimited", "text/plain; version=0.0.4; charset=utf-8");

        assertThat(PrometheusText.parse(body).value("test_events_total", "kind", "a\"quoted\"")).isEqualTo(3.0);
    }

    @Test
    void jvmRegistryAddsJvmMetrics() {
        PrometheusRegistry own = new PrometheusRegistry();
        Counter.builder().name("test_own_total").help("A server's own counter.").register(own).inc();
        exposition = new MetricsExposition(own, JvmMetricsRegistry.get());

        PrometheusText parsed = PrometheusText.parse(scrape(null, "text/plain; version=0.0.4; charset=utf-8"));

        assertThat(parsed.value("test_own_total")).isEqualTo(1.0);
        assertThat(parsed.sum("jvm_memory_used_bytes", "area", "heap")).isPositive();
        assertThat(parsed.samples("jvm_threads_current")).hasSize(1);
        assertThat(parsed.samples("jvm_gc_collection_seconds_count")).isNotEmpty();
    }

    @Test
    void jvmRegistryOmitsAllocationCounters() throws InterruptedException {
        exposition = new MetricsExposition(new PrometheusRegistry(), JvmMetricsRegistry.get());

        // Those counters get their first samples from the notification of a collection, delivered on another
        // thread within milliseconds, so absence is checked for a second after one.
        System.gc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            PrometheusText parsed = PrometheusText.parse(scrape(null, "text/plain; version=0.0.4; charset=utf-8"));
            assertThat(parsed.samples("jvm_memory_pool_allocated_bytes_total")).isEmpty();
            Thread.sleep(50);
        }
    }

    private String scrape(String accept, String expectedContentType) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics");
        if (accept != null) {
            request.headers().set(HttpHeaderNames.ACCEPT, accept);
        }
        FullHttpResponse response = exposition.respond(request);
        try {
            assertThat(response.status().code()).isEqualTo(200);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo(expectedContentType);
            assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                    .isEqualTo(response.content().readableBytes());
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }
}
