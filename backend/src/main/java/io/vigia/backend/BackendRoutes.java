package io.vigia.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.metrics.JvmMetricsRegistry;
import io.vigia.core.metrics.MetricsExposition;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Maps each request of the backend's HTTP API to its response.
 *
 * <p>Endpoints: {@code GET|POST /api/tasks}, {@code PUT /api/tasks/{id}/complete}, {@code DELETE /api/tasks/{id}},
 * {@code POST /api/tasks/simulate-error}, {@code GET /health}, {@code GET /info}, {@code GET /errors/stats},
 * {@code GET /metrics} (Prometheus, see {@link BackendMetrics}) and {@code GET /favicon.ico}, which returns
 * 204 so that browsers showing the task page add no 404 to the error monitor. Every {@code GET} route also
 * accepts {@code HEAD}, and {@code HttpServerCodec} leaves the body out of the response to it. The task page under {@code /} and {@code /tasks} is routed by {@link TaskPageRoutes}.
 * Client mistakes become 400, 404 or 405 error responses here. Task operations return a future that the
 * {@link TaskStore} thread completes, and other routes return a completed one.
 *
 * <p>Keeps no state of its own and is shared by all connections of a server. Called on event loops.
 */
final class BackendRoutes {

    static final String TASKS_PATH = "/api/tasks";
    static final String SIMULATE_ERROR_PATH = "/api/tasks/simulate-error";
    static final String HEALTH_PATH = "/health";
    static final String INFO_PATH = "/info";
    static final String ERROR_STATS_PATH = "/errors/stats";
    static final String FAVICON_PATH = "/favicon.ico";
    static final String METRICS_PATH = "/metrics";
    static final String READ_METHODS = "GET, HEAD";

    private static final String TASK_PATH_PREFIX = TASKS_PATH + "/";
    private static final String COMPLETE_SUFFIX = "/complete";

    private final TaskStore store;
    private final ErrorMonitor errorMonitor;
    private final IntSupplier boundPort;
    private final TaskPageRoutes pageRoutes;
    private final BackendMetrics metrics;
    private final MetricsExposition exposition;

    /**
     * @param host      address the server listens on, which the task page shows
     * @param boundPort returns the port the server listens on, read on every {@code /health}, {@code /info} and
     *                  task page
     */
    BackendRoutes(TaskStore store, ErrorMonitor errorMonitor, String host, IntSupplier boundPort) {
        this(store, errorMonitor, host, boundPort, new BackendMetrics());
    }

    /**
     * @param metrics what {@code /metrics} exposes, with the JVM metrics; the request handler records into it
     */
    BackendRoutes(TaskStore store, ErrorMonitor errorMonitor, String host, IntSupplier boundPort,
                  BackendMetrics metrics) {
        this.metrics = metrics;
        this.exposition = new MetricsExposition(metrics.registry(), JvmMetricsRegistry.get());
        this.store = store;
        this.errorMonitor = errorMonitor;
        this.boundPort = boundPort;
        this.pageRoutes = new TaskPageRoutes(store, new TaskPage(() -> host + ":" + boundPort.getAsInt(),
                ProcessHandle.current().pid()));
    }

    /**
     * Returns the response to {@code request}, which stays owned by the caller.
     *
     * @throws SimulatedFailureException for {@code POST /api/tasks/simulate-error}, on purpose, so that the
     *                                   caller's error path turns a real exception into a 500 response
     */
    CompletableFuture<FullHttpResponse> route(FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        if (TaskPageRoutes.handles(path)) {
            return pageRoutes.route(request, path);
        }
        switch (path) {
            case HEALTH_PATH:
                return isRead(method) ? done(health()) : methodNotAllowed(method, path, READ_METHODS);
            case INFO_PATH:
                return isRead(method) ? done(info()) : methodNotAllowed(method, path, READ_METHODS);
            case ERROR_STATS_PATH:
                return isRead(method) ? done(errorStats()) : methodNotAllowed(method, path, READ_METHODS);
            case FAVICON_PATH:
                return isRead(method) ? done(noContent()) : methodNotAllowed(method, path, READ_METHODS);
            case METRICS_PATH:
                return isRead(method) ? done(exposition.respond(request))
                        : methodNotAllowed(method, path, READ_METHODS);
            case TASKS_PATH:
                return routeTasks(method, request);
            case SIMULATE_ERROR_PATH:
                if (!method.equals(HttpMethod.POST)) {
                    return methodNotAllowed(method, path, "POST");
                }
                throw new SimulatedFailureException("simulated failure requested through POST " + SIMULATE_ERROR_PATH);
            default:
                return routeTask(method, path);
        }
    }

    BackendMetrics metrics() {
        return metrics;
    }

    /** Returns whether {@code method} is {@code GET} or {@code HEAD}, which every readable route accepts. */
    static boolean isRead(HttpMethod method) {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    }

    private CompletableFuture<FullHttpResponse> routeTasks(HttpMethod method, FullHttpRequest request) {
        if (isRead(method)) {
            return store.list().thenApply(BackendRoutes::taskList);
        }
        if (!method.equals(HttpMethod.POST)) {
            return methodNotAllowed(method, TASKS_PATH, READ_METHODS + ", POST");
        }

        String title;
        try {
            title = TaskJson.parseTitle(request.content());
        } catch (InvalidRequestException e) {
            return badRequest(e.getMessage());
        }
        return store.create(title).thenApply(BackendRoutes::created);
    }

    /** Routes {@code /api/tasks/{id}} and {@code /api/tasks/{id}/complete}. */
    private CompletableFuture<FullHttpResponse> routeTask(HttpMethod method, String path) {
        if (!path.startsWith(TASK_PATH_PREFIX)) {
            return notFound("path " + path + " not found");
        }
        String rest = path.substring(TASK_PATH_PREFIX.length());
        boolean complete = rest.endsWith(COMPLETE_SUFFIX);
        String idText = complete ? rest.substring(0, rest.length() - COMPLETE_SUFFIX.length()) : rest;
        if (idText.isEmpty() || idText.indexOf('/') >= 0) {
            return notFound("path " + path + " not found");
        }

        HttpMethod expected = complete ? HttpMethod.PUT : HttpMethod.DELETE;
        if (!method.equals(expected)) {
            return methodNotAllowed(method, path, expected.name());
        }
        long id;
        try {
            id = TaskIds.parse(idText);
        } catch (InvalidRequestException e) {
            return badRequest(e.getMessage());
        }
        if (id == TaskIds.NO_SUCH_ID) {
            return notFound(TaskIds.notFoundMessage(idText));
        }
        return complete ? completeTask(id) : deleteTask(id);
    }

    private CompletableFuture<FullHttpResponse> completeTask(long id) {
        return store.complete(id).thenApply(task -> task
                .map(found -> HttpResponses.json(HttpResponseStatus.OK, TaskJson.toJson(found)))
                .orElseGet(() -> notFoundResponse(TaskIds.notFoundMessage(Long.toString(id)))));
    }

    private CompletableFuture<FullHttpResponse> deleteTask(long id) {
        return store.delete(id).thenApply(deleted -> {
            if (!deleted) {
                return notFoundResponse(TaskIds.notFoundMessage(Long.toString(id)));
            }
            ObjectNode body = ErrorStatsJson.MAPPER.createObjectNode();
            body.put("deleted", id);
            return HttpResponses.json(HttpResponseStatus.OK, body);
        });
    }

    private FullHttpResponse health() {
        ObjectNode body = ErrorStatsJson.MAPPER.createObjectNode();
        body.put("status", "ok");
        body.put("port", boundPort.getAsInt());
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }

    private FullHttpResponse info() {
        ObjectNode body = ErrorStatsJson.MAPPER.createObjectNode();
        body.put("port", boundPort.getAsInt());
        body.put("time", Timestamps.format(Instant.now()));
        body.put("pid", ProcessHandle.current().pid());
        body.put("tasks_db", store.databaseFile().toString());
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }

    private FullHttpResponse errorStats() {
        return HttpResponses.json(HttpResponseStatus.OK, ErrorStatsJson.toBytes(errorMonitor.snapshot()));
    }

    private static FullHttpResponse noContent() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=86400");
        return response;
    }

    private static FullHttpResponse taskList(List<Task> tasks) {
        return HttpResponses.json(HttpResponseStatus.OK, TaskJson.toJsonArray(tasks));
    }

    private static FullHttpResponse created(Task task) {
        FullHttpResponse response = HttpResponses.json(HttpResponseStatus.CREATED, TaskJson.toJson(task));
        response.headers().set(HttpHeaderNames.LOCATION, TASK_PATH_PREFIX + task.id());
        return response;
    }

    private static CompletableFuture<FullHttpResponse> badRequest(String message) {
        return done(HttpResponses.error(HttpResponseStatus.BAD_REQUEST, message, ErrorCause.MALFORMED_REQUEST, null));
    }

    private static CompletableFuture<FullHttpResponse> notFound(String message) {
        return done(notFoundResponse(message));
    }

    private static FullHttpResponse notFoundResponse(String message) {
        return HttpResponses.error(HttpResponseStatus.NOT_FOUND, message, null, null);
    }

    private static CompletableFuture<FullHttpResponse> methodNotAllowed(HttpMethod method, String path,
                                                                       String allowed) {
        FullHttpResponse response = HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method " + method.name() + " is not allowed on " + path + "; allowed: " + allowed, null, null);
        response.headers().set(HttpHeaderNames.ALLOW, allowed);
        return done(response);
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
