package io.vigia.balancer;

/**
 * Limits that protect the balancer from oversized requests, slow clients and too many connections.
 * Immutable; an invalid value raises a {@link ConfigException} naming its command-line option.
 *
 * @param maxRequestLineBytes       longest request line accepted; a longer one gets 414
 * @param maxHeaderBytes            largest header section accepted; a larger one gets 431
 * @param maxBodyBytes              largest request body accepted, 0 for no limit; a larger one gets 413
 * @param clientHeaderTimeoutMillis time a client has to send a whole request head, counted from its first byte
 *                                  or, for the first request, from the connection; then it gets 408
 * @param clientBodyTimeoutMillis   time a request body may go without receiving a byte while the balancer
 *                                  reads it; then the client gets 408
 * @param idleTimeoutMillis         time a client connection with no request in progress and no bytes received
 *                                  stays open, 0 for no limit; a dashboard event stream is never idle
 * @param maxConnections            client connections open at once; more are answered 503 and closed
 */
public record ClientLimits(int maxRequestLineBytes, int maxHeaderBytes, long maxBodyBytes,
                           long clientHeaderTimeoutMillis, long clientBodyTimeoutMillis, long idleTimeoutMillis,
                           int maxConnections) {

    /** The request line limit that nginx's default large_client_header_buffers (4 buffers of 8 KiB) sets. */
    public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8 * 1024;
    /** Twice one nginx header buffer, and the size of HAProxy's default request buffer (tune.bufsize). */
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    /** 100 MiB. Bodies are streamed, so the limit protects the backends rather than the balancer's memory. */
    public static final long DEFAULT_MAX_BODY_BYTES = 100L * 1024 * 1024;
    public static final long DEFAULT_CLIENT_HEADER_TIMEOUT_MILLIS = 10_000;
    public static final long DEFAULT_CLIENT_BODY_TIMEOUT_MILLIS = 30_000;
    /** Longer than the dashboard's 15 s keep-alive comments, which matters to proxies between it and a browser. */
    public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 60_000;
    /** Half of a common 20,000 open-file limit, leaving one descriptor per client for its backend connection. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    public ClientLimits {
        requirePositive("--max-request-line-bytes", maxRequestLineBytes);
        requirePositive("--max-header-bytes", maxHeaderBytes);
        if (maxBodyBytes < 0) {
            throw new ConfigException("--max-body-bytes", maxBodyBytes, ConfigProblem.NEGATIVE);
        }
        requirePositive("--client-header-timeout-ms", clientHeaderTimeoutMillis);
        requirePositive("--client-body-timeout-ms", clientBodyTimeoutMillis);
        if (idleTimeoutMillis < 0) {
            throw new ConfigException("--idle-timeout-ms", idleTimeoutMillis, ConfigProblem.NEGATIVE);
        }
        requirePositive("--max-connections", maxConnections);
    }

    /** Returns the defaults listed above. */
    public static ClientLimits defaults() {
        return new ClientLimits(DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_CLIENT_HEADER_TIMEOUT_MILLIS, DEFAULT_CLIENT_BODY_TIMEOUT_MILLIS, DEFAULT_IDLE_TIMEOUT_MILLIS,
                DEFAULT_MAX_CONNECTIONS);
    }

    /** Returns whether request bodies have a maximum size. */
    public boolean limitsBody() {
        return maxBodyBytes > 0;
    }

    public ClientLimits withMaxRequestLineBytes(int value) {
        return new ClientLimits(value, maxHeaderBytes, maxBodyBytes, clientHeaderTimeoutMillis,
                clientBodyTimeoutMillis, idleTimeoutMillis, maxConnections);
    }

    public ClientLimits withMaxHeaderBytes(int value) {
        return new ClientLimits(maxRequestLineBytes, value, maxBodyBytes, clientHeaderTimeoutMillis,
                clientBodyTimeoutMillis, idleTimeoutMillis, maxConnections);
    }

    public ClientLimits withMaxBodyBytes(long value) {
        return new ClientLimits(maxRequestLineBytes, maxHeaderBytes, value, clientHeaderTimeoutMillis,
                clientBodyTimeoutMillis, idleTimeoutMillis, maxConnections);
    }

    public ClientLimits withClientHeaderTimeoutMillis(long value) {
        return new ClientLimits(maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, value, clientBodyTimeoutMillis,
                idleTimeoutMillis, maxConnections);
    }

    public ClientLimits withClientBodyTimeoutMillis(long value) {
        return new ClientLimits(maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, clientHeaderTimeoutMillis, value,
                idleTimeoutMillis, maxConnections);
    }

    public ClientLimits withIdleTimeoutMillis(long value) {
        return new ClientLimits(maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, clientHeaderTimeoutMillis,
                clientBodyTimeoutMillis, value, maxConnections);
    }

    public ClientLimits withMaxConnections(int value) {
        return new ClientLimits(maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, clientHeaderTimeoutMillis,
                clientBodyTimeoutMillis, idleTimeoutMillis, value);
    }

    private static void requirePositive(String option, long value) {
        if (value < 1) {
            throw new ConfigException(option, value, ConfigProblem.NOT_POSITIVE);
        }
    }
}
