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
import io.vigia.balancer.selection.PerBackend;
import io.vigia.core.ErrorBucket;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorListener;
import io.vigia.core.metrics.HttpLabels;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li>{@code vigia_retry_budget_exhausted_total{reason}}: retries the retry budget rejected, each of which
 *       left the client with the error of the failed attempt.</li>
 *   <li>{@code vigia_admin_errors_total{bucket}}: error responses of the separate admin listener, which stay
 *       out of {@code vigia_errors_total} and {@code /errors/stats}.</li>
 *   <li>{@code vigia_request_duration_seconds{upstream}} and {@code vigia_upstream_duration_seconds{upstream}}:
 *       classic histograms of the time from request head to response end, and of the last backend attempt.</li>
 *   <li>{@code vigia_backend_up{upstream}}, {@code vigia_backend_state_changes_total{upstream, state}} and
 *       {@code vigia_upstream_connections{upstream, state}} (state {@code in_use} or {@code idle}).</li>
 * </ul>
 * {@code upstream} is a backend's {@code host:port}, or the empty string when no backend served the request
 * (a 503 without a healthy backend, a request that could not be parsed, a balancer endpoint).
 *
 * <p>A backend that a configuration reload adds gets its own series as it joins, like the backends
 * configured at start. A backend that a reload removes leaves the gauges at once. Its counters and
 * histograms keep their values, so that sums over backends still match {@code /errors/stats}, and the
 * requests it was still serving are counted there as they finish.
 *
 * <p>Every label value comes from a bounded set: the backends configured or added by reloads,
 * {@link HttpLabels}, the error buckets 400 to 999 and {@link ErrorCause}. The data points of the hot path
 * are looked up once per backend and kept in arrays indexed by method and status class. Recording a request
 * is then a few array reads and lock-free additions, without allocation once each combination has been seen.
 * A combination gets its series when it first happens, so {@code /metrics} lists no series that never counted
 * anything, except the histograms and state changes, which exist per backend from the moment it joins.
 * Thread-safe.
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

    private final Counter requests;
    private final Counter errors;
    private final Histogram requestDurations;
    private final Histogram upstreamDurations;
    private final Counter stateChanges;
    private final CounterDataPoint[] retryPoints;
    private final CounterDataPoint[] rejectedRetryPoints;
    private final Counter adminErrors;
    private final AtomicReferenceArray<CounterDataPoint> adminErrorPoints =
            new AtomicReferenceArray<>(ERROR_STATUSES);

    /** The series of requests that no backend served. */
    private final UpstreamSeries noUpstream;
    private final PerBackend<UpstreamSeries> seriesByBackend = new PerBackend<>(this::newSeries);
    /** The series of each backend by id, for errors, which name their backend only by id. */
    private final Map<String, UpstreamSeries> seriesById = new ConcurrentHashMap<>();

    /** Creates the metrics of a balancer; {@link #bind} adds its backends. */
    public BalancerMetrics() {
        requests = Counter.builder().name("vigia_requests_total")
                .help("Responses to proxied requests, by backend, request method and status class.")
                .labelNames("upstream", "method", "status_class").withoutExemplars().register(registry);
        errors = Counter.builder().name("vigia_errors_total")
                .help("Error responses (status 400 or more) by error bucket, backend and, for errors the balancer "
                        + "made itself, cause.")
                .labelNames("bucket", "upstream", "cause").withoutExemplars().register(registry);
        retryPoints = newReasonPoints("vigia_retries_total",
                "Requests sent to another backend after a failed attempt, by reason.");
        rejectedRetryPoints = newReasonPoints("vigia_retry_budget_exhausted_total",
                "Retries the retry budget rejected, by reason; the client received the failed attempt's error.");
        requestDurations = newHistogram("vigia_request_duration_seconds",
                "Time from the request head to the end of the response, by backend.");
        upstreamDurations = newHistogram("vigia_upstream_duration_seconds",
                "Time from the start of the last backend attempt (pooled or new connection) to the end of the "
                        + "response, by backend.");
        stateChanges = Counter.builder().name("vigia_backend_state_changes_total")
                .help("Backend state changes, by backend and the state entered.")
                .labelNames("upstream", "state").withoutExemplars().register(registry);
        adminErrors = Counter.builder().name("vigia_admin_errors_total")
                .help("Error responses (status 400 or more) of the admin listener, by error bucket. They are not "
                        + "part of vigia_errors_total.")
                .labelNames("bucket").withoutExemplars().register(registry);
        noUpstream = new UpstreamSeries(NO_UPSTREAM, false);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Gives every backend of {@code backends}, and each one a reload adds later, its series; registers the
     * gauges that read the backends' state and connections at scrape time; and counts the group's state
     * changes from now on. Called once, when the balancer starts.
     */
    public void bind(BackendGroup backends, ConnectionCounts connections) {
        backends.addBackendAddedListener(this::addUpstream);
        for (Backend backend : backends.all()) {
            addUpstream(backend);
        }
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
                        callback.call(connections.inUse(backend), backend.id(), "in_use");
                        callback.call(connections.idle(backend), backend.id(), "idle");
                    }
                })
                .register(registry);
        backends.addStateListener((backend, oldState, newState) ->
                seriesByBackend.get(backend).stateChangePoints[newState.ordinal()].inc());
    }

    /** Creates the series of {@code backend}, unless it has them, so its errors count under its id. */
    public void addUpstream(Backend backend) {
        seriesByBackend.get(backend);
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
        UpstreamSeries series = upstream == null ? noUpstream : seriesByBackend.get(upstream);
        int methodIndex = HttpLabels.methodIndex(method);
        int statusClassIndex = HttpLabels.statusClassIndex(status);
        int index = methodIndex * STATUS_CLASSES + statusClassIndex;
        CounterDataPoint point = series.requestPoints.get(index);
        if (point == null) {
            point = requests.labelValues(series.upstream, HttpLabels.METHODS.get(methodIndex),
                    HttpLabels.STATUS_CLASSES.get(statusClassIndex));
            series.requestPoints.set(index, point);
        }
        point.inc();

        series.requestDuration.observe(totalNanos / NANOS_PER_SECOND);
        if (upstreamNanos >= 0) {
            series.upstreamDuration.observe(upstreamNanos / NANOS_PER_SECOND);
        }
    }

    /** Counts one retry. */
    public void recordRetry(RetryReason reason) {
        retryPoints[reason.ordinal()].inc();
    }

    /** Counts one retry that the retry budget rejected. */
    public void recordRetryBudgetExhausted(RetryReason reason) {
        rejectedRetryPoints[reason.ordinal()].inc();
    }

    /** Counts one error response of the admin listener; {@code status} below 400 is ignored. */
    public void recordAdminError(int status) {
        ErrorBucket bucket = ErrorBucket.of(status);
        if (bucket == null) {
            return;
        }
        int index = status - ErrorBucket.MIN_ERROR_STATUS;
        CounterDataPoint point = adminErrorPoints.get(index);
        if (point == null) {
            point = adminErrors.labelValues(bucket.name());
            adminErrorPoints.set(index, point);
        }
        point.inc();
    }

    /** Counts one error that the balancer's error monitor recorded. */
    @Override
    public void onError(int status, String method, String path, String upstream, ErrorCause cause) {
        ErrorBucket bucket = ErrorBucket.of(status);
        if (bucket == null) {
            return;
        }
        UpstreamSeries known = upstream == null ? null : seriesById.get(upstream);
        UpstreamSeries series = known == null ? noUpstream : known;
        if (cause == null) {
            int index = status - ErrorBucket.MIN_ERROR_STATUS;
            CounterDataPoint point = series.relayedErrorPoints.get(index);
            if (point == null) {
                // labelValues returns the same child for the same labels, so a race only repeats the lookup.
                point = errors.labelValues(bucket.name(), series.upstream, "");
                series.relayedErrorPoints.set(index, point);
            }
            point.inc();
        } else if (cause.status() == status) {
            CounterDataPoint point = series.causedErrorPoints.get(cause.ordinal());
            if (point == null) {
                point = errors.labelValues(bucket.name(), series.upstream, cause.jsonName());
                series.causedErrorPoints.set(cause.ordinal(), point);
            }
            point.inc();
        } else {
            // A cause sent with another status than its own: rare enough to look the series up each time.
            errors.labelValues(bucket.name(), series.upstream, cause.jsonName()).inc();
        }
    }

    private UpstreamSeries newSeries(Backend backend) {
        UpstreamSeries series = new UpstreamSeries(backend.id(), true);
        seriesById.put(backend.id(), series);
        return series;
    }

    private CounterDataPoint[] newReasonPoints(String name, String help) {
        Counter counter = Counter.builder().name(name).help(help)
                .labelNames("reason").withoutExemplars().register(registry);
        RetryReason[] reasons = RetryReason.values();
        CounterDataPoint[] points = new CounterDataPoint[reasons.length];
        for (RetryReason reason : reasons) {
            points[reason.ordinal()] = counter.labelValues(reason.label());
        }
        return points;
    }

    private Histogram newHistogram(String name, String help) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS)
                .labelNames("upstream").classicOnly().classicUpperBounds(DURATION_BUCKETS_SECONDS)
                .withoutExemplars().register(registry);
    }

    /**
     * The data points of one {@code upstream} label value. The histograms and state changes exist from the
     * start; the other points are looked up when their combination first happens.
     */
    private final class UpstreamSeries {
        final String upstream;
        final AtomicReferenceArray<CounterDataPoint> requestPoints =
                new AtomicReferenceArray<>(METHODS * STATUS_CLASSES);
        final AtomicReferenceArray<CounterDataPoint> relayedErrorPoints = new AtomicReferenceArray<>(ERROR_STATUSES);
        final AtomicReferenceArray<CounterDataPoint> causedErrorPoints = new AtomicReferenceArray<>(CAUSES.length);
        final DistributionDataPoint requestDuration;
        final DistributionDataPoint upstreamDuration;
        /** Indexed by {@link BackendState#ordinal()}; empty for {@link #NO_UPSTREAM}. */
        final CounterDataPoint[] stateChangePoints;

        UpstreamSeries(String upstream, boolean backend) {
            this.upstream = upstream;
            // The same label values return the same children, so a backend that a reload removes and adds
            // again continues its earlier series.
            this.requestDuration = requestDurations.labelValues(upstream);
            this.upstreamDuration = upstreamDurations.labelValues(upstream);
            this.stateChangePoints = new CounterDataPoint[backend ? STATES.length : 0];
            for (int i = 0; i < stateChangePoints.length; i++) {
                stateChangePoints[i] = stateChanges.labelValues(upstream, STATES[i].name().toLowerCase(Locale.ROOT));
            }
        }
    }
}
