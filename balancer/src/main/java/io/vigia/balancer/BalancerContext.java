package io.vigia.balancer;

import io.vigia.balancer.admin.AdminEndpoints;
import io.vigia.balancer.dashboard.Dashboard;
import io.vigia.balancer.health.HealthProber;
import io.vigia.balancer.pool.ConnectionPools;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.core.ErrorMonitor;
import io.netty.channel.EventLoop;
import io.vigia.core.http.ErrorRecordingHandler;
import io.vigia.core.log.LogRateLimiter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The parts of a running balancer that every client connection shares. Each part is thread-safe; the
 * draining flag is volatile and only ever goes from {@code false} to {@code true}.
 */
final class BalancerContext {

    private final BalancerConfig config;
    private final BackendGroup backends;
    private final HealthProber prober;
    private final ConnectionPools pools;
    private final ErrorMonitor monitor;
    private final ErrorRecordingHandler errorRecorder;
    private final AdminEndpoints admin;
    private final Dashboard dashboard;
    private final RequestRecorder recorder;
    private final RetryBudget retryBudget;
    private final LogRateLimiter retryBudgetLog = new LogRateLimiter(1, TimeUnit.SECONDS);
    private final LogRateLimiter backendFailureLog = new LogRateLimiter(1, TimeUnit.SECONDS);
    private final LogRateLimiter unexpectedErrorLog = new LogRateLimiter(1, TimeUnit.SECONDS);
    private final ConcurrentMap<EventLoop, ResponseDeadlines> responseDeadlines = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /** Creates a context whose requests reach no exposed metrics and no access log, for handler tests. */
    BalancerContext(BalancerConfig config, BackendGroup backends, HealthProber prober, ConnectionPools pools,
                    ErrorMonitor monitor, AdminEndpoints admin, Dashboard dashboard) {
        this(config, backends, prober, pools, monitor, admin, dashboard, RequestRecorder.detached());
    }

    BalancerContext(BalancerConfig config, BackendGroup backends, HealthProber prober, ConnectionPools pools,
                    ErrorMonitor monitor, AdminEndpoints admin, Dashboard dashboard, RequestRecorder recorder) {
        this.recorder = recorder;
        this.retryBudget = new RetryBudget(RetryBudget.Settings.of(config));
        this.config = config;
        this.backends = backends;
        this.prober = prober;
        this.pools = pools;
        this.monitor = monitor;
        this.errorRecorder = new ErrorRecordingHandler(monitor);
        this.admin = admin;
        this.dashboard = dashboard;
    }

    BalancerConfig config() {
        return config;
    }

    BackendGroup backends() {
        return backends;
    }

    HealthProber prober() {
        return prober;
    }

    ConnectionPools pools() {
        return pools;
    }

    ErrorMonitor monitor() {
        return monitor;
    }

    /** The one {@code @Sharable} recorder placed after the codec of every client connection. */
    ErrorRecordingHandler errorRecorder() {
        return errorRecorder;
    }

    AdminEndpoints admin() {
        return admin;
    }

    /** The live dashboard served under {@code /dashboard}. */
    Dashboard dashboard() {
        return dashboard;
    }

    /** Passes each request's outcome to the metrics and the access log. */
    RequestRecorder recorder() {
        return recorder;
    }

    /** Decides whether a failed attempt may be retried; a reload updates its settings. */
    RetryBudget retryBudget() {
        return retryBudget;
    }

    /** Limits warnings about retries the retry budget rejected to one per second across all connections. */
    LogRateLimiter retryBudgetLog() {
        return retryBudgetLog;
    }

    /** Returns the response deadlines of the exchanges on {@code loop}, created on first use, from any thread. */
    ResponseDeadlines responseDeadlines(EventLoop loop) {
        return responseDeadlines.computeIfAbsent(loop,
                key -> new ResponseDeadlines(key, config.responseTimeoutMillis()));
    }

    /** Limits lines about failing backends to one per second per error cause, across all connections. */
    LogRateLimiter backendFailureLog() {
        return backendFailureLog;
    }

    /** Limits warnings about unexpected errors on client connections to one per second per exception class. */
    LogRateLimiter unexpectedErrorLog() {
        return unexpectedErrorLog;
    }

    /**
     * Whether the proxy port serves the admin paths and the dashboard itself. It is false when a separate
     * admin listener serves them, and the proxy port then forwards those paths to the backends.
     */
    boolean servesAdminPaths() {
        return !config.hasAdminListener();
    }

    /** Whether the balancer is shutting down: responses then close their connection. */
    boolean isDraining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
