package io.vigia.balancer.metrics;

import io.netty.handler.codec.http.HttpMethod;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vigia.balancer.pool.ConnectionCounts;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.ErrorBucket;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorListener;
import io.vigia.core.metrics.HttpLabels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The balancer's Prometheus metrics, in a registry of their own that {@code GET /metrics} exposes.
 *
 * <ul>
 *   <li>{@code vigia_requests_total{upstream, method, status_class}}: responses to proxied requests.</li>
 *   <li>{@code vigia_errors_total{bucket, upstream, cause}}: every error the balancer's error monitor records,
 *       so the counts match {@code /errors/stats}. {@code cause} is empty for an error relayed from a backend
 *       and names the failure for one the balancer made itself (for example {@code connect_refused}).</li>
 *   <li>{@code vigia_retries_total{reason}}: requests sent to another backend after a failed attempt.</li>
 *   <li>{@code vigia_request_duration_seconds{upstream}} and {@code vigia_upstream_duration_seconds{upstream}}:
 *       classic histograms of the time from request head to response end, and of the last backend attempt.</li>
 *   <li>{@code vigia_backend_up{upstream}}, {@code vigia_backend_state_changes_total{upstream, state}} and
 *       {@code vigia_upstream_connections{upstream, state}} (state {@code in_use} or {@code idle}).</li>
 * </ul>
 * {@code upstream} is a backend's {@code host:port}, or the empty string when no backend served the request
 * (a 503 without a healthy backend, a request that could not be parsed, a balancer endpoint).
 *
 * <p>Every label value comes from a bounded set: the configured backends, {@link HttpLabels}, the error
 * buckets 400 to 999 and {@link ErrorCause}. The data points of the hot path are looked up once and kept in
 * arrays indexed by upstream, method and status class. Recording a request is then a few array reads and
 * lock-free additions, without allocation once each combination has been seen. A combination gets its series
 * when it first happens, so {@code /metrics} lists no series that never counted anything, except the
 * histograms and state changes, which exist per backend from the start. Thread-safe.
 */
public final class BalancerMetrics implements ErrorListener {

    /**
     * Histogram bucket bounds in seconds, from 50 µs, where a loopback request through the balancer lands,
     * to 10 s.
     */
    static final double[] DURATION_BUCKETS_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
            0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** The {@code upstream} label value for a request that no backend served. */
    public static final String NO_UPSTREAM = "";

    private static final int METHODS = HttpLabels.METHODS.size();
    private static final int STATUS_CLASSES = HttpLabels.STATUS_CLASSES.size();
    private static final int ERROR_STATUSES = ErrorBucket.MAX_STATUS - ErrorBucket.MIN_ERROR_STATUS + 1;
    private static final ErrorCause[] CAUSES = ErrorCause.values();
    private static final BackendState[] STATES = BackendState.values();
    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** Slot 0 is {@link #NO_UPSTREAM}, slot {@code i + 1} is the backend with index {@code i}. */
    private final List<String> upstreams;
    private final Map<String, Integer> upstreamSlots = new HashMap<>();

    private final Counter requests;
    private final AtomicReferenceArray<CounterDataPoint> requestPoints;
    private final Counter errors;
    private final AtomicReferenceArray<CounterDataPoint> relayedErrorPoints;
    private final AtomicReferenceArray<CounterDataPoint> causedErrorPoints;
    private final CounterDataPoint[] retryPoints;
    private final DistributionDataPoint[] requestDurations;
    private final DistributionDataPoint[] upstreamDurations;
    private final Counter stateChanges;
    private final CounterDataPoint[] stateChangePoints;

    /** Creates the metrics of a balancer over the backends {@code backendIds}, in configuration order. */
    public BalancerMetrics(List<String> backendIds) {
        List<String> slots = new ArrayList<>();
        slots.add(NO_UPSTREAM);
        slots.addAll(backendIds);
        upstreams = List.copyOf(slots);
        for (int slot = 0; slot < upstreams.size(); slot++) {
            upstreamSlots.put(upstreams.get(slot), slot);
        }

        requests = Counter.builder().name("vigia_requests_total")
                .help("Responses to proxied requests, by backend, request method and status class.")
                .labelNames("upstream", "method", "status_class").withoutExemplars().build();
        requestPoints = new AtomicReferenceArray<>(upstreams.size() * METHODS * STATUS_CLASSES);
        errors = Counter.builder().name("vigia_errors_total")
                .help("Error responses (status 400 or more) by error bucket, backend and, for errors the balancer "
                        + "made itself, cause.")
                .labelNames("bucket", "upstream", "cause").withoutExemplars().build();
        relayedErrorPoints = new AtomicReferenceArray<>(upstreams.size() * ERROR_STATUSES);
        causedErrorPoints = new AtomicReferenceArray<>(upstreams.size() * CAUSES.length);
        retryPoints = newRetryPoints();
        requestDurations = newDurationPoints("vigia_request_duration_seconds",
                "Time from the request head to the end of the response, by backend.");
        upstreamDurations = newDurationPoints("vigia_upstream_duration_seconds",
                "Time from the start of the last backend attempt (pooled or new connection) to the end of the "
                        + "response, by backend.");
        stateChanges = Counter.builder().name("vigia_backend_state_changes_total")
                .help("Backend state changes, by backend and the state entered.")
                .labelNames("upstream", "state").withoutExemplars().build();
        stateChangePoints = newStateChangePoints();
        registry.register(requests);
        registry.register(errors);
        registry.register(stateChanges);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Registers the gauges that read the backends' state and connections at scrape time, and counts the
     * group's state changes from now on. Called once, when the balancer starts.
     */
    public void bind(BackendGroup backends, ConnectionCounts connections) {
        GaugeWithCallback.builder().name("vigia_backend_up")
                .help("1 when the backend is UP and receives traffic, 0 otherwise.")
                .labelNames("upstream")
                .callback(callback -> {
                    for (Backend backend : backends.all()) {
                        callback.call(backend.isUp() ? 1 : 0, backend.id());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("vigia_upstream_connections")
                .help("Connections to each backend: in_use serve a request, idle wait in a pool.")
                .labelNames("upstream", "state")
                .callback(callback -> {
                    for (Backend backend : backends.all()) {
                        callback.call(connections.inUse(backend.index()), backend.id(), "in_use");
                        callback.call(connections.idle(backend.index()), backend.id(), "idle");
                    }
                })
                .register(registry);
        backends.addStateListener((backend, oldState, newState) -> {
            int slot = slotOf(backend);
            if (slot > 0) {
                stateChangePoints[(slot - 1) * STATES.length + newState.ordinal()].inc();
            }
        });
    }

    /**
     * Returns the label slot of {@code backend}: its index plus one, or 0 ({@link #NO_UPSTREAM}) for none.
     *
     * <p>TODO: a backend that a configuration reload added after start has no slot of its own yet, so its
     * requests and errors are counted under the empty upstream label until the balancer restarts.
     */
    private int slotOf(Backend backend) {
        if (backend == null) {
            return 0;
        }
        int slot = backend.index() + 1;
        return slot < upstreams.size() ? slot : 0;
    }

    /**
     * Counts the response to one proxied request and observes its durations.
     *
     * @param upstream      the backend that served it, or {@code null} when none did
     * @param method        request method, or {@code null} when it could not be parsed
     * @param totalNanos    time from the request head to the end of the response
     * @param upstreamNanos time of the last backend attempt, or a negative value when no backend was tried
     */
    public void recordResponse(Backend upstream, HttpMethod method, int status, long totalNanos, long upstreamNanos) {
        int slot = slotOf(upstream);
        int index = (slot * METHODS + HttpLabels.methodIndex(method)) * STATUS_CLASSES
                + HttpLabels.statusClassIndex(status);
        CounterDataPoint point = requestPoints.get(index);
        if (point == null) {
            point = requests.labelValues(upstreams.get(slot), HttpLabels.METHODS.get(HttpLabels.methodIndex(method)),
                    HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(status)));
            requestPoints.set(index, point);
        }
        point.inc();

        requestDurations[slot].observe(totalNanos / NANOS_PER_SECOND);
        if (upstreamNanos >= 0) {
            upstreamDurations[slot].observe(upstreamNanos / NANOS_PER_SECOND);
        }
    }

    /** Counts one retry. */
    public void recordRetry(RetryReason reason) {
        retryPoints[reason.ordinal()].inc();
    }

    /** Counts one error that the balancer's error monitor recorded. */
    @Override
    public void onError(int status, String method, String path, String upstream, ErrorCause cause) {
        ErrorBucket bucket = ErrorBucket.of(status);
        if (bucket == null) {
            return;
        }
        Integer known = upstream == null ? null : upstreamSlots.get(upstream);
        int slot = known == null ? 0 : known;
        if (cause == null) {
            int index = slot * ERROR_STATUSES + status - ErrorBucket.MIN_ERROR_STATUS;
            CounterDataPoint point = relayedErrorPoints.get(index);
            if (point == null) {
                // labelValues returns the same child for the same labels, so a race only repeats the lookup.
                point = errors.labelValues(bucket.name(), upstreams.get(slot), "");
                relayedErrorPoints.set(index, point);
            }
            point.inc();
        } else if (cause.status() == status) {
            int index = slot * CAUSES.length + cause.ordinal();
            CounterDataPoint point = causedErrorPoints.get(index);
            if (point == null) {
                point = errors.labelValues(bucket.name(), upstreams.get(slot), cause.jsonName());
                causedErrorPoints.set(index, point);
            }
            point.inc();
        } else {
            // A cause sent with another status than its own: rare enough to look the series up each time.
            errors.labelValues(bucket.name(), upstreams.get(slot), cause.jsonName()).inc();
        }
    }

    private CounterDataPoint[] newRetryPoints() {
        Counter retries = Counter.builder().name("vigia_retries_total")
                .help("Requests sent to another backend after a failed attempt, by reason.")
                .labelNames("reason").withoutExemplars().register(registry);
        RetryReason[] reasons = RetryReason.values();
        CounterDataPoint[] points = new CounterDataPoint[reasons.length];
        for (RetryReason reason : reasons) {
            points[reason.ordinal()] = retries.labelValues(reason.label());
        }
        return points;
    }

    private DistributionDataPoint[] newDurationPoints(String name, String help) {
        Histogram histogram = Histogram.builder().name(name).help(help).unit(Unit.SECONDS)
                .labelNames("upstream").classicOnly().classicUpperBounds(DURATION_BUCKETS_SECONDS)
                .withoutExemplars().register(registry);
        DistributionDataPoint[] points = new DistributionDataPoint[upstreams.size()];
        for (int slot = 0; slot < upstreams.size(); slot++) {
            points[slot] = histogram.labelValues(upstreams.get(slot));
        }
        return points;
    }

    private CounterDataPoint[] newStateChangePoints() {
        int backends = upstreams.size() - 1;
        CounterDataPoint[] points = new CounterDataPoint[backends * STATES.length];
        for (int i = 0; i < backends; i++) {
            for (BackendState state : STATES) {
                points[i * STATES.length + state.ordinal()] = stateChanges.labelValues(upstreams.get(i + 1),
                        state.name().toLowerCase(Locale.ROOT));
            }
        }
        return points;
    }
}
