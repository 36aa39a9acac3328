package io.vigia.core.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The process-wide registry with the JVM's memory, garbage collection, thread and process metrics from the
 * Prometheus client library ({@code jvm_*} and {@code process_*}).
 *
 * <p>The JVM metrics describe the whole process, so they are registered once, in
 * {@link PrometheusRegistry#defaultRegistry}, however many servers run in it (tests start many). Each server
 * keeps its own metrics in its own registry and exposes both.
 *
 * <p>Every group of the library's {@code JvmMetrics} is registered except the memory pool allocation counters
 * ({@code jvm_memory_pool_allocated_bytes_total}). Those subscribe to the collectors' notifications, so after
 * every young collection the JVM's notification thread wakes up to build a report of every memory pool. A busy
 * balancer has about fifteen young collections a second, and that thread then competes with the event loops
 * just when they catch up on the pause. The other groups are read only when {@code /metrics} is scraped.
 *
 * <p>Registering loads a few hundred classes of the client library and of {@code java.lang.management},
 * which with nothing compiled yet takes about a tenth of a second. A server that must start serving sooner
 * calls {@link #registerInBackground()} and lets {@link MetricsExposition} wait for it at the first scrape.
 * Thread-safe.
 */
public final class JvmMetricsRegistry {

    private static final Object LOCK = new Object();
    private static volatile boolean registered;
    private static volatile boolean requested;

    private JvmMetricsRegistry() {
    }

    /** Registers the JVM metrics unless done or in progress, waits for that, and returns their registry. */
    public static PrometheusRegistry get() {
        if (!registered) {
            synchronized (LOCK) {
                if (!registered) {
                    register(PrometheusRegistry.defaultRegistry);
                    registered = true;
                }
            }
        }
        return PrometheusRegistry.defaultRegistry;
    }

    private static void register(PrometheusRegistry registry) {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmNativeMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** Returns the registry that contains the JVM metrics once registered, without registering them. */
    public static PrometheusRegistry registry() {
        return PrometheusRegistry.defaultRegistry;
    }

    /**
     * Starts registering the JVM metrics on a daemon thread and returns their registry at once. A scrape
     * through {@link MetricsExposition} waits until the registration is done, so it never gets part of it.
     */
    public static PrometheusRegistry registerInBackground() {
        if (!registered) {
            requested = true;
            Thread thread = new Thread(JvmMetricsRegistry::get, "vigia-jvm-metrics");
            thread.setDaemon(true);
            thread.start();
        }
        return PrometheusRegistry.defaultRegistry;
    }

    /**
     * Finishes a registration that {@link #registerInBackground()} started, waiting for it or doing it here if
     * its thread has not begun yet; returns at once when none was started or it is done.
     */
    static void awaitRegistration() {
        if (requested && !registered) {
            get();
        }
    }
}
