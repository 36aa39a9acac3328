package io.vigia.core.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The process-wide registry with the JVM's memory, garbage collection, thread and process metrics from the
 * Prometheus client library ({@code jvm_*} and {@code process_*}).
 *
 * <p>The JVM metrics describe the whole process, so they are registered once, in
 * {@link PrometheusRegistry#defaultRegistry}, however many servers run in it (tests start many). Each server
 * keeps its own metrics in its own registry and exposes both. Thread-safe.
 */
public final class JvmMetricsRegistry {

    private JvmMetricsRegistry() {
    }

    /** Registers the JVM metrics on first use and returns the registry that contains them. */
    public static PrometheusRegistry get() {
        // JvmMetrics remembers the registries it was registered in, so later calls do nothing.
        JvmMetrics.builder().register(PrometheusRegistry.defaultRegistry);
        return PrometheusRegistry.defaultRegistry;
    }
}
