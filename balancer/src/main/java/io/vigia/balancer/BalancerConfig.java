package io.vigia.balancer;

import io.vigia.balancer.accesslog.AccessLogFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the balancer needs to start, validated on construction. Immutable.
 *
 * <p>Durations are in milliseconds. Each component is checked against its command-line option, and an
 * invalid one raises a {@link ConfigException} naming that option.
 *
 * @param host                   address to listen on
 * @param port                   port to listen on; 0 picks a free port
 * @param backends               backends in round-robin order; at least one, no duplicates
 * @param probeIntervalMillis    time between the end of a health probe and the start of the next
 * @param probeTimeoutMillis     time a health probe may take
 * @param probePath              request target of health probes
 * @param rise                   consecutive successful probes that bring a DOWN backend UP
 * @param fall                   consecutive failed probes that take an UP backend DOWN
 * @param connectTimeoutMillis   time allowed to open a connection to a backend
 * @param responseTimeoutMillis  time allowed between sending the whole request and receiving the response head
 * @param poolMaxIdlePerBackend  idle keep-alive connections kept per backend and per event loop; 0 disables reuse
 * @param recentErrors           number of recent errors kept for {@code /errors/stats}
 * @param threads                event loop threads
 * @param drainTimeoutMillis     time in-flight requests get to finish on shutdown
 * @param probesEnabled          whether health probes run; tests turn them off to observe the data path alone.
 *                               Without probes every backend starts UP; with them it starts DOWN until its
 *                               first successful probe
 * @param accessLogEnabled       whether each request writes a line to the access log
 * @param accessLogFormat        how access log lines are written
 * @param ejectAfterFailures     failed responses (status 500 or more) in a row that eject a backend; 0 turns
 *                               ejection off
 * @param ejectBaseMillis        length of a backend's first ejection; the n-th lasts n times as long, up to 10
 * @param ejectMaxPercent        share of the backends that may be ejected at once, 0 to 100, rounded down
 * @param adminHost              address of the admin listener
 * @param adminPort              port of the admin listener; {@link #ADMIN_DISABLED} serves the admin paths on
 *                               the proxy port instead, 0 picks a free port
 * @param loadBalancing          how a backend is chosen among the healthy ones
 * @param clientLimits           request size limits, client timeouts and the connection limit
 * @param retryEnabled           whether a request that failed before any response byte may be sent again
 * @param retryBudgetPercent     retries that may be in flight at once, as a percentage of the requests in
 *                               progress, from 0 to 100; see {@link RetryBudget}
 * @param retryMinConcurrency    retries that may always be in flight at once, whatever the percentage gives
 */
public record BalancerConfig(String host, int port, List<BackendAddress> backends, long probeIntervalMillis,
                             long probeTimeoutMillis, String probePath, int rise, int fall,
                             long connectTimeoutMillis, long responseTimeoutMillis, int poolMaxIdlePerBackend,
                             int recentErrors, int threads, long drainTimeoutMillis, boolean probesEnabled,
                             boolean accessLogEnabled, AccessLogFormat accessLogFormat, int ejectAfterFailures,
                             long ejectBaseMillis, int ejectMaxPercent, String adminHost, int adminPort,
                             LoadBalancing loadBalancing, ClientLimits clientLimits, boolean retryEnabled,
                             int retryBudgetPercent, int retryMinConcurrency) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final List<String> DEFAULT_BACKENDS = List.of("127.0.0.1:5001", "127.0.0.1:5002");
    public static final long DEFAULT_PROBE_INTERVAL_MILLIS = 5_000;
    public static final long DEFAULT_PROBE_TIMEOUT_MILLIS = 2_000;
    public static final String DEFAULT_PROBE_PATH = "/health";
    /** HAProxy's defaults: two successes to come back, three failures to leave. */
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2_000;
    public static final long DEFAULT_RESPONSE_TIMEOUT_MILLIS = 30_000;
    public static final int DEFAULT_POOL_MAX_IDLE_PER_BACKEND = 64;
    public static final int DEFAULT_RECENT_ERRORS = 10;
    public static final long DEFAULT_DRAIN_TIMEOUT_MILLIS = 5_000;
    /** Off, because the line costs time on every request; HAProxy logs by default, Vigía does when asked. */
    public static final boolean DEFAULT_ACCESS_LOG_ENABLED = false;
    public static final AccessLogFormat DEFAULT_ACCESS_LOG_FORMAT = AccessLogFormat.TEXT;
    /** Off, as HAProxy's passive checks are until configured; 5 is Envoy's count of consecutive 5xx. */
    public static final int DEFAULT_EJECT_AFTER_FAILURES = 0;
    /** Envoy's base ejection time. */
    public static final long DEFAULT_EJECT_BASE_MILLIS = 30_000;
    /** Half, so that with two backends one can be ejected and the other keeps serving. */
    public static final int DEFAULT_EJECT_MAX_PERCENT = 50;
    /** The value of {@code adminPort} when no admin listener is configured. */
    public static final int ADMIN_DISABLED = -1;
    public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
    public static final LoadBalancing DEFAULT_LOAD_BALANCING = LoadBalancing.ROUND_ROBIN;
    /** Envoy's default retry budget: 20 % of the active requests, and at least 3 retries at once. */
    public static final int DEFAULT_RETRY_BUDGET_PERCENT = 20;
    public static final int DEFAULT_RETRY_MIN_CONCURRENCY = 3;

    public BalancerConfig {
        if (host == null || host.isBlank()) {
            throw new ConfigException("--host", host, ConfigProblem.EMPTY_HOST);
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("--port", port, ConfigProblem.LISTEN_PORT_OUT_OF_RANGE);
        }
        backends = checkBackends(backends);
        requirePositive("--probe-interval-ms", probeIntervalMillis);
        requirePositive("--probe-timeout-ms", probeTimeoutMillis);
        if (probePath == null || !probePath.startsWith("/")) {
            throw new ConfigException("--probe-path", probePath, ConfigProblem.INVALID_PATH);
        }
        requirePositive("--rise", rise);
        requirePositive("--fall", fall);
        requirePositive("--connect-timeout-ms", connectTimeoutMillis);
        requirePositive("--response-timeout-ms", responseTimeoutMillis);
        if (poolMaxIdlePerBackend < 0) {
            throw new ConfigException("--pool-max-idle-per-backend", poolMaxIdlePerBackend, ConfigProblem.NEGATIVE);
        }
        requirePositive("--recent-errors", recentErrors);
        requirePositive("--threads", threads);
        if (drainTimeoutMillis < 0) {
            throw new ConfigException("--drain-timeout-ms", drainTimeoutMillis, ConfigProblem.NEGATIVE);
        }
        if (accessLogFormat == null) {
            throw new ConfigException("--access-log-format", "", ConfigProblem.INVALID_ACCESS_LOG_FORMAT);
        }
        if (ejectAfterFailures < 0) {
            throw new ConfigException("--eject-after", ejectAfterFailures, ConfigProblem.NEGATIVE);
        }
        requirePositive("--eject-base-ms", ejectBaseMillis);
        if (ejectMaxPercent < 0 || ejectMaxPercent > 100) {
            throw new ConfigException("--eject-max-percent", ejectMaxPercent, ConfigProblem.PERCENT_OUT_OF_RANGE);
        }
        checkAdmin(adminHost, adminPort);
        if (loadBalancing == null) {
            throw new ConfigException("--load-balancing", null, ConfigProblem.UNKNOWN_LOAD_BALANCING);
        }
        if (retryBudgetPercent < 0 || retryBudgetPercent > 100) {
            throw new ConfigException("--retry-budget-percent", retryBudgetPercent, ConfigProblem.PERCENT_OUT_OF_RANGE);
        }
        if (retryMinConcurrency < 0) {
            throw new ConfigException("--retry-min-concurrency", retryMinConcurrency, ConfigProblem.NEGATIVE);
        }
        if (clientLimits == null) {
            clientLimits = ClientLimits.defaults();
        }
    }

    /** Time an idle client connection stays open; see {@link ClientLimits#idleTimeoutMillis()}. */
    public long idleTimeoutMillis() {
        return clientLimits.idleTimeoutMillis();
    }

    public int maxRequestLineBytes() {
        return clientLimits.maxRequestLineBytes();
    }

    public int maxHeaderBytes() {
        return clientLimits.maxHeaderBytes();
    }

    /** Largest request body accepted, 0 for no limit. */
    public long maxBodyBytes() {
        return clientLimits.maxBodyBytes();
    }

    /** Whether a separate admin listener serves the admin paths, which the proxy port then forwards. */
    public boolean hasAdminListener() {
        return adminPort != ADMIN_DISABLED;
    }

    /** Returns a builder holding every default, with one event loop thread per available processor. */
    public static Builder builder() {
        return new Builder();
    }

    private static List<BackendAddress> checkBackends(List<BackendAddress> backends) {
        if (backends == null || backends.isEmpty()) {
            throw new ConfigException("--backends", "", ConfigProblem.NO_BACKENDS);
        }
        Set<String> seen = new HashSet<>();
        for (BackendAddress backend : backends) {
            if (!seen.add(backend.id())) {
                throw new ConfigException("--backends", backend.id(), ConfigProblem.DUPLICATE_BACKEND);
            }
        }
        return List.copyOf(backends);
    }

    private static void checkAdmin(String adminHost, int adminPort) {
        if (adminHost == null || adminHost.isBlank()) {
            throw new ConfigException("--admin-host", adminHost, ConfigProblem.EMPTY_HOST);
        }
        if (adminPort != ADMIN_DISABLED && (adminPort < 0 || adminPort > 65535)) {
            throw new ConfigException("--admin-port", adminPort, ConfigProblem.LISTEN_PORT_OUT_OF_RANGE);
        }
    }

    private static void requireZeroOrMore(String option, long value) {
        if (value < 0) {
            throw new ConfigException(option, value, ConfigProblem.NEGATIVE);
        }
    }

    private static void requirePositive(String option, long value) {
        if (value < 1) {
            throw new ConfigException(option, value, ConfigProblem.NOT_POSITIVE);
        }
    }

    /** Mutable holder of configuration values; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private List<BackendAddress> backends = new ArrayList<>();
        private long probeIntervalMillis = DEFAULT_PROBE_INTERVAL_MILLIS;
        private long probeTimeoutMillis = DEFAULT_PROBE_TIMEOUT_MILLIS;
        private String probePath = DEFAULT_PROBE_PATH;
        private int rise = DEFAULT_RISE;
        private int fall = DEFAULT_FALL;
        private long connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
        private long responseTimeoutMillis = DEFAULT_RESPONSE_TIMEOUT_MILLIS;
        private int poolMaxIdlePerBackend = DEFAULT_POOL_MAX_IDLE_PER_BACKEND;
        private int recentErrors = DEFAULT_RECENT_ERRORS;
        private int threads = Runtime.getRuntime().availableProcessors();
        private long drainTimeoutMillis = DEFAULT_DRAIN_TIMEOUT_MILLIS;
        private boolean probesEnabled = true;
        private boolean accessLogEnabled = DEFAULT_ACCESS_LOG_ENABLED;
        private AccessLogFormat accessLogFormat = DEFAULT_ACCESS_LOG_FORMAT;
        private int ejectAfterFailures = DEFAULT_EJECT_AFTER_FAILURES;
        private long ejectBaseMillis = DEFAULT_EJECT_BASE_MILLIS;
        private int ejectMaxPercent = DEFAULT_EJECT_MAX_PERCENT;
        private String adminHost = DEFAULT_ADMIN_HOST;
        private int adminPort = ADMIN_DISABLED;
        private LoadBalancing loadBalancing = DEFAULT_LOAD_BALANCING;
        private boolean retryEnabled = true;
        private int retryBudgetPercent = DEFAULT_RETRY_BUDGET_PERCENT;
        private int retryMinConcurrency = DEFAULT_RETRY_MIN_CONCURRENCY;
        private ClientLimits clientLimits = ClientLimits.defaults();

        private Builder() {
            for (String backend : DEFAULT_BACKENDS) {
                backends.add(BackendAddress.parse(backend, "--backends"));
            }
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder backends(List<BackendAddress> value) {
            backends = new ArrayList<>(value);
            return this;
        }

        public Builder probeIntervalMillis(long value) {
            probeIntervalMillis = value;
            return this;
        }

        public Builder probeTimeoutMillis(long value) {
            probeTimeoutMillis = value;
            return this;
        }

        public Builder probePath(String value) {
            probePath = value;
            return this;
        }

        public Builder rise(int value) {
            rise = value;
            return this;
        }

        public Builder fall(int value) {
            fall = value;
            return this;
        }

        public Builder connectTimeoutMillis(long value) {
            connectTimeoutMillis = value;
            return this;
        }

        public Builder responseTimeoutMillis(long value) {
            responseTimeoutMillis = value;
            return this;
        }

        public Builder poolMaxIdlePerBackend(int value) {
            poolMaxIdlePerBackend = value;
            return this;
        }

        public Builder recentErrors(int value) {
            recentErrors = value;
            return this;
        }

        public Builder threads(int value) {
            threads = value;
            return this;
        }

        public Builder drainTimeoutMillis(long value) {
            drainTimeoutMillis = value;
            return this;
        }

        public Builder probesEnabled(boolean value) {
            probesEnabled = value;
            return this;
        }

        public Builder accessLogEnabled(boolean value) {
            accessLogEnabled = value;
            return this;
        }

        public Builder accessLogFormat(AccessLogFormat value) {
            accessLogFormat = value;
            return this;
        }

        public Builder ejectAfterFailures(int value) {
            ejectAfterFailures = value;
            return this;
        }

        public Builder ejectBaseMillis(long value) {
            ejectBaseMillis = value;
            return this;
        }

        public Builder ejectMaxPercent(int value) {
            ejectMaxPercent = value;
            return this;
        }

        public Builder adminHost(String value) {
            adminHost = value;
            return this;
        }

        /** Sets the admin listener's port; {@link #ADMIN_DISABLED} turns the listener off. */
        public Builder adminPort(int value) {
            adminPort = value;
            return this;
        }

        public Builder loadBalancing(LoadBalancing value) {
            loadBalancing = value;
            return this;
        }

        public Builder idleTimeoutMillis(long value) {
            clientLimits = clientLimits.withIdleTimeoutMillis(value);
            return this;
        }

        public Builder maxRequestLineBytes(int value) {
            clientLimits = clientLimits.withMaxRequestLineBytes(value);
            return this;
        }

        public Builder maxHeaderBytes(int value) {
            clientLimits = clientLimits.withMaxHeaderBytes(value);
            return this;
        }

        public Builder maxBodyBytes(long value) {
            clientLimits = clientLimits.withMaxBodyBytes(value);
            return this;
        }

        public Builder retryEnabled(boolean value) {
            retryEnabled = value;
            return this;
        }

        public Builder retryBudgetPercent(int value) {
            retryBudgetPercent = value;
            return this;
        }

        public Builder retryMinConcurrency(int value) {
            retryMinConcurrency = value;
            return this;
        }

        public Builder clientHeaderTimeoutMillis(long value) {
            clientLimits = clientLimits.withClientHeaderTimeoutMillis(value);
            return this;
        }

        public Builder clientBodyTimeoutMillis(long value) {
            clientLimits = clientLimits.withClientBodyTimeoutMillis(value);
            return this;
        }

        public Builder maxConnections(int value) {
            clientLimits = clientLimits.withMaxConnections(value);
            return this;
        }

        public Builder clientLimits(ClientLimits value) {
            clientLimits = value;
            return this;
        }

        /** Validates the values and returns the configuration. */
        public BalancerConfig build() {
            return new BalancerConfig(host, port, backends, probeIntervalMillis, probeTimeoutMillis, probePath,
                    rise, fall, connectTimeoutMillis, responseTimeoutMillis, poolMaxIdlePerBackend, recentErrors,
                    threads, drainTimeoutMillis, probesEnabled, accessLogEnabled, accessLogFormat, ejectAfterFailures,
                    ejectBaseMillis, ejectMaxPercent, adminHost, adminPort, loadBalancing, clientLimits,
                    retryEnabled, retryBudgetPercent, retryMinConcurrency);
        }
    }
}
