package io.vigia.balancer.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vigia.balancer.health.HealthProber;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.metrics.MetricsExposition;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Serves the four paths the balancer keeps for itself instead of proxying them:
 * <ul>
 *   <li>{@code /health}: {@code {"status": "ok"|"degraded", "healthy_backends": n, "total_backends": m}},
 *       always 200; "degraded" means no backend is UP.</li>
 *   <li>{@code /status}: the {@link StatusJson} document, or the {@link StatusPage} table when
 *       {@code Accept} prefers HTML, in Spanish when {@code Accept-Language} starts with {@code es}.</li>
 *   <li>{@code /errors/stats}: the balancer's own error monitor, which sees every error response that
 *       crossed the balancer, its own 502, 503 and 504 included.</li>
 *   <li>{@code /metrics}: the Prometheus metrics, as {@link MetricsExposition} writes them.</li>
 * </ul>
 * {@code /admin/reload} answers 404 here, because only the admin listener serves it. GET and HEAD are
 * allowed on the other paths; other methods get 405. Called on client event loops; it only reads
 * thread-safe state.
 */
public final class AdminEndpoints {

    /** A reserved path. */
    public enum Route {
        HEALTH("/health"), STATUS("/status"), ERROR_STATS("/errors/stats"), METRICS("/metrics"),
        /** Reserved on the proxy port, which responds 404 to it instead of forwarding it to a backend. */
        RELOAD("/admin/reload");

        private final String path;

        Route(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    private static final Route[] ROUTES = Route.values();

    private final BackendGroup backends;
    private final HealthProber prober;
    private final ErrorMonitor monitor;
    private final Supplier<String> listen;
    private final long startedAtMillis;
    private final LongSupplier clockMillis;
    private final MetricsExposition metrics;

    /** Creates the endpoints with an empty {@code /metrics}, for tests that do not look at metrics. */
    public AdminEndpoints(BackendGroup backends, HealthProber prober, ErrorMonitor monitor, Supplier<String> listen,
                          long startedAtMillis, LongSupplier clockMillis) {
        this(backends, prober, monitor, listen, startedAtMillis, clockMillis, new MetricsExposition());
    }

    /**
     * @param listen          returns the bound address as {@code host:port}; read at each request because the
     *                        port is known only after binding
     * @param startedAtMillis start time in epoch milliseconds
     * @param metrics         what {@code /metrics} exposes
     */
    public AdminEndpoints(BackendGroup backends, HealthProber prober, ErrorMonitor monitor, Supplier<String> listen,
                          long startedAtMillis, LongSupplier clockMillis, MetricsExposition metrics) {
        this.metrics = metrics;
        this.backends = backends;
        this.prober = prober;
        this.monitor = monitor;
        this.listen = listen;
        this.startedAtMillis = startedAtMillis;
        this.clockMillis = clockMillis;
    }

    /**
     * Returns the reserved path that {@code uri} names, ignoring any query, or {@code null} when the request
     * is to be proxied. Accepts the absolute form {@code http://host/status} too.
     */
    public static Route route(String uri) {
        String path = uri;
        int end = firstIndexOf(path, '?', '#');
        if (end >= 0) {
            path = path.substring(0, end);
        }
        if (!path.startsWith("/")) {
            int scheme = path.indexOf("://");
            if (scheme < 0) {
                return null;
            }
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        for (Route route : ROUTES) {
            if (route.path.equals(path)) {
                return route;
            }
        }
        return null;
    }

    /** Builds the complete response to {@code request} for {@code route}. */
    public FullHttpResponse respond(Route route, HttpRequest request) {
        FullHttpResponse rejected = reject(route, request);
        if (rejected != null) {
            return rejected;
        }

        FullHttpResponse response;
        switch (route) {
            case HEALTH:
                response = HttpResponses.json(HttpResponseStatus.OK, health());
                break;
            case STATUS:
                response = status(request);
                break;
            case METRICS:
                response = metrics.respond(request);
                break;
            default:
                response = HttpResponses.json(HttpResponseStatus.OK, ErrorStatsJson.toBytes(monitor.snapshot()));
                break;
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /**
     * Returns the 404 or 405 error response when {@code route} does not serve {@code request}, else null. Only
     * the request head is needed, so a caller can decide before it reads a body.
     */
    public FullHttpResponse reject(Route route, HttpRequest request) {
        if (route == Route.RELOAD) {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, route.path()
                    + " is served only on the admin listener; set admin.port in the configuration file or --admin-port");
        }
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            FullHttpResponse rejected = HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method " + request.method() + " is not allowed on " + route.path() + "; use GET or HEAD");
            rejected.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return rejected;
        }
        return null;
    }

    /** Collects the current state of the balancer and every backend. */
    public StatusReport statusReport() {
        List<StatusReport.BackendStatus> lines = new ArrayList<>(backends.size());
        for (Backend backend : backends.all()) {
            lines.add(new StatusReport.BackendStatus(backend.id(), backend.state(), backend.stateSinceMillis(),
                    prober.lastProbe(backend), backend.requests(), backend.errors()));
        }
        long uptimeSeconds = Math.max(0, (clockMillis.getAsLong() - startedAtMillis) / 1000);
        return new StatusReport(listen.get(), startedAtMillis, uptimeSeconds, lines, monitor.totalErrors());
    }

    private ObjectNode health() {
        int healthy = backends.healthy().size();
        ObjectNode body = ErrorStatsJson.MAPPER.createObjectNode();
        body.put("status", healthy == 0 ? "degraded" : "ok");
        body.put("healthy_backends", healthy);
        body.put("total_backends", backends.size());
        return body;
    }

    private FullHttpResponse status(HttpRequest request) {
        StatusReport report = statusReport();
        if (!ContentNegotiation.prefersHtml(request.headers().get(HttpHeaderNames.ACCEPT))) {
            FullHttpResponse response = HttpResponses.json(HttpResponseStatus.OK, StatusJson.toTree(report));
            response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT);
            return response;
        }

        StatusPage.Language language =
                ContentNegotiation.prefersSpanish(request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE))
                        ? StatusPage.Language.ES : StatusPage.Language.EN;
        FullHttpResponse response = HttpResponses.html(HttpResponseStatus.OK, StatusPage.render(report, language));
        response.headers()
                .set(HttpHeaderNames.CONTENT_LANGUAGE, language.tag())
                .set(HttpHeaderNames.VARY, "Accept, Accept-Language");
        return response;
    }

    private static int firstIndexOf(String text, char first, char second) {
        int a = text.indexOf(first);
        int b = text.indexOf(second);
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }
}
