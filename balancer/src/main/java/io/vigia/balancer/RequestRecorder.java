package io.vigia.balancer;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.vigia.balancer.accesslog.AccessLog;
import io.vigia.balancer.health.OutlierDetector;
import io.vigia.balancer.metrics.BalancerMetrics;
import io.vigia.balancer.metrics.RequestRecord;
import io.vigia.balancer.metrics.RetryReason;
import io.vigia.balancer.selection.Backend;

/**
 * Hands the outcome of each request to the metrics, the access log and the outlier detector, so the request
 * path calls one object at a few points: when a request head arrives, on each retry or rejected retry, and
 * when the response ends.
 *
 * <p>Proxied requests go to all three. Requests to the balancer's own endpoints go to the access log only, so
 * that scrapes and status checks do not count as proxied traffic. Errors reach the metrics separately,
 * through the error monitor. Called on event loops; thread-safe because its parts are.
 */
final class RequestRecorder {

    private final BalancerMetrics metrics;
    private final AccessLog accessLog;
    private final OutlierDetector outliers;

    /** @param outliers counts each backend's failed responses, or {@code null} when ejection is off */
    RequestRecorder(BalancerMetrics metrics, AccessLog accessLog, OutlierDetector outliers) {
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.outliers = outliers;
    }

    /** Returns a recorder whose metrics no endpoint exposes and whose access log is off, for handler tests. */
    static RequestRecorder detached() {
        return new RequestRecorder(new BalancerMetrics(), new AccessLog(false), null);
    }

    BalancerMetrics metrics() {
        return metrics;
    }

    /** Starts the record of {@code request}, whose head arrived now. */
    RequestRecord newRecord(String clientAddress, HttpRequest request) {
        return new RequestRecord(clientAddress, request.method(), request.uri(), System.nanoTime());
    }

    /** Starts the record of a request that could not be parsed, so has no method or target. */
    RequestRecord newUnparsedRecord(String clientAddress) {
        return new RequestRecord(clientAddress, null, null, System.nanoTime());
    }

    /** Counts a retry of {@code request} for {@code reason}. */
    void retried(RequestRecord request, RetryReason reason) {
        request.retried();
        metrics.recordRetry(reason);
    }

    /** Counts a retry of a request for {@code reason} that the retry budget rejected. */
    void retryRejected(RetryReason reason) {
        metrics.recordRetryBudgetExhausted(reason);
    }

    /**
     * Records the end of a proxied request's response.
     *
     * @param upstream the backend that served or failed it, or {@code null} when none did
     * @param status   the status the client received, or the 502 counted for a response cut short
     */
    void completed(RequestRecord request, Backend upstream, int status) {
        long endNanos = System.nanoTime();
        long totalNanos = endNanos - request.startNanos();
        long upstreamNanos = upstream != null && request.attempted() ? endNanos - request.attemptStartNanos() : -1;
        metrics.recordResponse(upstream, request.method(), status, totalNanos, upstreamNanos);
        accessLog.log(request, upstream == null ? null : upstream.id(), status, totalNanos, upstreamNanos);
        if (outliers != null && upstream != null) {
            outliers.onResponse(upstream, status);
        }
    }

    /** Records a proxied request whose client closed the connection before any response was sent. */
    void abandoned(RequestRecord request) {
        accessLog.log(request, null, 0, System.nanoTime() - request.startNanos(), -1);
    }

    /** Records a request that the balancer served itself, without any backend. */
    void answeredLocally(RequestRecord request, int status, long bodyBytes) {
        // HttpServerCodec drops the body of a response to HEAD, so none of it is sent.
        if (!HttpMethod.HEAD.equals(request.method())) {
            request.addBodyBytes((int) Math.min(Integer.MAX_VALUE, bodyBytes));
        }
        accessLog.log(request, null, status, System.nanoTime() - request.startNanos(), -1);
    }

    /** Records a request that could not be parsed and got {@code status} from the balancer. */
    void rejected(RequestRecord request, int status, long bodyBytes) {
        request.addBodyBytes((int) Math.min(Integer.MAX_VALUE, bodyBytes));
        long totalNanos = System.nanoTime() - request.startNanos();
        metrics.recordResponse(null, request.method(), status, totalNanos, -1);
        accessLog.log(request, null, status, totalNanos, -1);
    }
}
