package io.vigia.balancer;

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
 * @param clientLimits           request size limits, client timeouts and the connection limit
 */
public record BalancerConfig(String host, int port, List<BackendAddress> backends, long probeIntervalMillis,
                             long probeTimeoutMillis, String probePath, int rise, int fall,
                             long connectTimeoutMillis, long responseTimeoutMillis, int poolMaxIdlePerBackend,
                             int recentErrors, int threads, long drainTimeoutMillis, boolean probesEnabled,
                             ClientLimits clientLimits) {

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
        if (clientLimits == null) {
            clientLimits = ClientLimits.defaults();
        }
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

        public Builder clientLimits(ClientLimits value) {
            clientLimits = value;
            return this;
        }

        /** Validates the values and returns the configuration. */
        public BalancerConfig build() {
            return new BalancerConfig(host, port, backends, probeIntervalMillis, probeTimeoutMillis, probePath,
                    rise, fall, connectTimeoutMillis, responseTimeoutMillis, poolMaxIdlePerBackend, recentErrors,
                    threads, drainTimeoutMillis, probesEnabled, clientLimits);
        }
    }
}
