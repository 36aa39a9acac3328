package io.vigia.backend;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vigia.core.ErrorBucket;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorListener;
import io.vigia.core.metrics.HttpLabels;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A backend's Prometheus metrics, in a registry of their own that {@code GET /metrics} exposes:
 * <ul>
 *   <li>{@code vigia_backend_requests_total{route, method, status_class}} and
 *       {@code vigia_backend_request_duration_seconds{route}}: every response, from the request's arrival to the
 *       response being handed to the connection.</li>
 *   <li>{@code vigia_backend_errors_total{route, bucket}}: every error the backend's error monitor records, so
 *       the counts match its {@code /errors/stats}.</li>
 *   <li>{@code vigia_task_store_operations_total{operation, outcome}} ({@code ok} or {@code error}) and
 *       {@code vigia_task_store_operation_duration_seconds{operation}}.</li>
 * </ul>
 * {@code route} is a {@link RouteTemplate}, so every label comes from a bounded set. Request and error series
 * appear when first counted; the others exist from the start. Thread-safe: event loops record requests and
 * errors, the store's thread records operations.
 */
final class BackendMetrics implements ErrorListener, TaskOperationListener {

    /** Histogram bucket bounds in seconds, from 50 µs to 10 s. */
    static final double[] DURATION_BUCKETS_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
            0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private static final RouteTemplate[] ROUTES = RouteTemplate.values();
    private static final TaskOperation[] OPERATIONS = TaskOperation.values();
    private static final int METHODS = HttpLabels.METHODS.size();
    private static final int STATUS_CLASSES = HttpLabels.STATUS_CLASSES.size();
    private static final int ERROR_STATUSES = ErrorBucket.MAX_STATUS - ErrorBucket.MIN_ERROR_STATUS + 1;
    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final AtomicReferenceArray<CounterDataPoint> requestPoints;
    private final DistributionDataPoint[] requestDurations;
    private final Counter errors;
    private final AtomicReferenceArray<CounterDataPoint> errorPoints;
    private final CounterDataPoint[] operationPoints;
    private final DistributionDataPoint[] operationDurations;

    BackendMetrics() {
        requests = Counter.builder().name("vigia_backend_requests_total")
                .help("Responses of this backend, by route template, request method and status class.")
                .labelNames("route", "method", "status_class").withoutExemplars().register(registry);
        requestPoints = new AtomicReferenceArray<>(ROUTES.length * METHODS * STATUS_CLASSES);
        requestDurations = newHistogramPoints("vigia_backend_request_duration_seconds",
                "Time from a request's arrival to its response being written, by route template.", "route",
                ROUTES.length, i -> ROUTES[i].label());
        errors = Counter.builder().name("vigia_backend_errors_total")
                .help("Error responses (status 400 or more) of this backend, by route template and error bucket.")
                .labelNames("route", "bucket").withoutExemplars().register(registry);
        errorPoints = new AtomicReferenceArray<>(ROUTES.length * ERROR_STATUSES);
        operationPoints = newOperationPoints();
        operationDurations = newHistogramPoints("vigia_task_store_operation_duration_seconds",
                "Time of task store operations from the call to the result, queueing and retries included.",
                "operation", OPERATIONS.length, i -> OPERATIONS[i].label());
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** Counts one response and observes the time since {@code startNanos}. */
    void recordRequest(RouteTemplate route, String method, int status, long startNanos) {
        int methodIndex = HttpLabels.methodIndex(method);
        int classIndex = HttpLabels.statusClassIndex(status);
        int index = (route.ordinal() * METHODS + methodIndex) * STATUS_CLASSES + classIndex;
        CounterDataPoint point = requestPoints.get(index);
        if (point == null) {
            // labelValues returns the same child for the same labels, so a race only repeats the lookup.
            point = requests.labelValues(route.label(), HttpLabels.METHODS.get(methodIndex),
                    HttpLabels.STATUS_CLASSES.get(classIndex));
            requestPoints.set(index, point);
        }
        point.inc();
        requestDurations[route.ordinal()].observe((System.nanoTime() - startNanos) / NANOS_PER_SECOND);
    }

    /** Counts one error that the backend's error monitor recorded. */
    @Override
    public void onError(int status, String method, String path, String upstream, ErrorCause cause) {
        ErrorBucket bucket = ErrorBucket.of(status);
        if (bucket == null) {
            return;
        }
        RouteTemplate route = RouteTemplate.of(path);
        int index = route.ordinal() * ERROR_STATUSES + status - ErrorBucket.MIN_ERROR_STATUS;
        CounterDataPoint point = errorPoints.get(index);
        if (point == null) {
            point = errors.labelValues(route.label(), bucket.name());
            errorPoints.set(index, point);
        }
        point.inc();
    }

    @Override
    public void onOperation(TaskOperation operation, boolean succeeded, long nanos) {
        operationPoints[operation.ordinal() * 2 + (succeeded ? 0 : 1)].inc();
        operationDurations[operation.ordinal()].observe(nanos / NANOS_PER_SECOND);
    }

    private CounterDataPoint[] newOperationPoints() {
        Counter operations = Counter.builder().name("vigia_task_store_operations_total")
                .help("Task store operations, by operation and outcome (ok or error).")
                .labelNames("operation", "outcome").withoutExemplars().register(registry);
        CounterDataPoint[] points = new CounterDataPoint[OPERATIONS.length * 2];
        for (TaskOperation operation : OPERATIONS) {
            points[operation.ordinal() * 2] = operations.labelValues(operation.label(), "ok");
            points[operation.ordinal() * 2 + 1] = operations.labelValues(operation.label(), "error");
        }
        return points;
    }

    private DistributionDataPoint[] newHistogramPoints(String name, String help, String labelName, int size,
                                                       java.util.function.IntFunction<String> label) {
        Histogram histogram = Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames(labelName)
                .classicOnly().classicUpperBounds(DURATION_BUCKETS_SECONDS).withoutExemplars().register(registry);
        DistributionDataPoint[] points = new DistributionDataPoint[size];
        for (int i = 0; i < size; i++) {
            points[i] = histogram.labelValues(label.apply(i));
        }
        return points;
    }
}
