package io.vigia.balancer.metrics;

import io.netty.handler.codec.http.HttpMethod;

/**
 * The facts the balancer notes about one request while serving it, for its metrics and its access log line.
 * They are the client address, the arrival time, the start of the last backend attempt, the number of
 * retries and the response body bytes sent to the client.
 *
 * <p>Created when the request head arrives and touched only on that client connection's event loop.
 */
public final class RequestRecord {

    private final String clientAddress;
    private final HttpMethod method;
    private final String uri;
    private final long startNanos;
    private boolean attempted;
    private long attemptStartNanos;
    private int retries;
    private long bodyBytesSent;

    /**
     * @param method     request method, or {@code null} for a request that could not be parsed
     * @param uri        request target as received, or {@code null}
     * @param startNanos {@link System#nanoTime()} when the request head arrived
     */
    public RequestRecord(String clientAddress, HttpMethod method, String uri, long startNanos) {
        this.clientAddress = clientAddress;
        this.method = method;
        this.uri = uri;
        this.startNanos = startNanos;
    }

    /** Notes that an attempt on a backend begins now: a pooled connection is taken or a new one is opened. */
    public void attemptStarted() {
        attempted = true;
        attemptStartNanos = System.nanoTime();
    }

    /** Notes that the request goes to another backend after a failed attempt. */
    public void retried() {
        retries++;
    }

    /** Adds {@code bytes} of response body sent to the client. */
    public void addBodyBytes(int bytes) {
        bodyBytesSent += bytes;
    }

    public String clientAddress() {
        return clientAddress;
    }

    public HttpMethod method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    public long startNanos() {
        return startNanos;
    }

    /** Returns whether any backend was tried. */
    public boolean attempted() {
        return attempted;
    }

    /** {@link System#nanoTime()} when the last backend attempt began; valid when {@link #attempted()}. */
    public long attemptStartNanos() {
        return attemptStartNanos;
    }

    public int retries() {
        return retries;
    }

    /** Response body bytes sent to the client; the status line and headers are not counted. */
    public long bodyBytesSent() {
        return bodyBytesSent;
    }
}
