package io.vigia.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.http.HttpResponses;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Maps each request of the backend's HTTP API to its response.
 *
 * <p>Endpoints: {@code GET|POST /api/tasks}, {@code PUT /api/tasks/{id}/complete}, {@code DELETE /api/tasks/{id}},
 * {@code POST /api/tasks/simulate-error}, {@code GET /health}, {@code GET /info} and {@code GET /errors/stats}.
 * Client mistakes become 400, 404 or 405 error responses here. Task operations return a future that the
 * {@link TaskStore} thread completes, and other routes return a completed one.
 *
 * <p>Stateless and shared by all connections of a server. Called on event loops.
 */
final class BackendRoutes {

    static final String TASKS_PATH = "/api/tasks";
    static final String SIMULATE_ERROR_PATH = "/api/tasks/simulate-error";
    static final String HEALTH_PATH = "/health";
    static final String INFO_PATH = "/info";
    static final String ERROR_STATS_PATH = "/errors/stats";

    private static final String TASK_PATH_PREFIX = TASKS_PATH + "/";
    private static final String COMPLETE_SUFFIX = "/complete";

    private final TaskStore store;
    private final ErrorMonitor errorMonitor;
    private final IntSupplier boundPort;

    /**
     * @param boundPort returns the port the server listens on, read on every {@code /health} and {@code /info}
     */
    BackendRoutes(TaskStore store, ErrorMonitor errorMonitor, IntSupplier boundPort) {
        this.store = store;
        this.errorMonitor = errorMonitor;
        this.boundPort = boundPort;
    }

    /**
     * Returns the response to {@code request}, which stays owned by the caller.
     *
     * @throws IllegalStateException for {@code POST /api/tasks/simulate-error}, on purpose, so that the caller's
     *                               error path turns a real exception into a 500 response
     */
    CompletableFuture<FullHttpResponse> route(FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        switch (path) {
            case HEALTH_PATH:
                return method.equals(HttpMethod.GET) ? done(health()) : methodNotAllowed(method, path, "GET");
            case INFO_PATH:
                return method.equals(HttpMethod.GET) ? done(info()) : methodNotAllowed(method, path, "GET");
            case ERROR_STATS_PATH:
                return method.equals(HttpMethod.GET) ? done(errorStats()) : methodNotAllowed(method, path, "GET");
            case TASKS_PATH:
                return routeTasks(method, request);
            case SIMULATE_ERROR_PATH:
                if (!method.equals(HttpMethod.POST)) {
                    return methodNotAllowed(method, path, "POST");
                }
                throw new IllegalStateException("simulated failure requested through POST " + SIMULATE_ERROR_PATH);
            default:
                return routeTask(method, path);
        }
    }

    private CompletableFuture<FullHttpResponse> routeTasks(HttpMethod method, FullHttpRequest request) {
        if (method.equals(HttpMethod.GET)) {
            return store.list().thenApply(BackendRoutes::taskList);
        }
        if (!method.equals(HttpMethod.POST)) {
            return methodNotAllowed(method, TASKS_PATH, "GET, POST");
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
        if (!isDigits(idText)) {
            return badRequest("invalid task id '" + idText + "': expected a positive integer");
        }
        long id = parseId(idText);
        if (id <= 0) {
            // Digits that overflow a long, or 0, cannot name a stored row.
            return notFound(taskNotFound(idText));
        }
        return complete ? completeTask(id) : deleteTask(id);
    }

    private CompletableFuture<FullHttpResponse> completeTask(long id) {
        return store.complete(id).thenApply(task -> task
                .map(found -> HttpResponses.json(HttpResponseStatus.OK, TaskJson.toJson(found)))
                .orElseGet(() -> notFoundResponse(taskNotFound(Long.toString(id)))));
    }

    private CompletableFuture<FullHttpResponse> deleteTask(long id) {
        return store.delete(id).thenApply(deleted -> {
            if (!deleted) {
                return notFoundResponse(taskNotFound(Long.toString(id)));
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

    private static String taskNotFound(String id) {
        return "task " + id + " not found";
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Parses a string of ASCII digits, returning -1 when it overflows a long. */
    private static long parseId(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
