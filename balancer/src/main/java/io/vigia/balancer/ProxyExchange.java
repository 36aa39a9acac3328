package io.vigia.balancer;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vigia.balancer.metrics.RequestRecord;
import io.vigia.balancer.metrics.RetryReason;
import io.vigia.balancer.pool.LoopConnectionPool;
import io.vigia.balancer.selection.Backend;
import io.vigia.core.ErrorCause;
import io.vigia.core.http.ErrorResponse;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.http.VigiaHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied request and its response: picks a backend, borrows or opens a connection, streams the
 * request to it and the response back, and turns every failure into the right client-visible outcome.
 *
 * <p>Failure handling, in the order the cases can arise:
 * <ul>
 *   <li>A connection that cannot be opened (refused, timed out) takes the backend DOWN and the same
 *       request goes to the next healthy backend. Nothing was sent, so this holds for every method.</li>
 *   <li>A connection that closes before any response byte is either the race of a backend closing an
 *       idle keep-alive connection or a backend going away. A request with an idempotent method (GET,
 *       HEAD, PUT, DELETE, OPTIONS, TRACE; RFC 9110 section 9.2.2) is sent again as a whole message, head
 *       and body, on a new connection, to the next healthy backend in turn. The failed backend is chosen
 *       again only when its reused connection failed and no other backend is left. Each backend receives at most one such
 *       replay. Only bodies of up to {@link #MAX_REPLAY_BODY_BYTES} are kept for it, so a larger body that
 *       was partly sent is not replayed. Other methods are never replayed, because the backend may have
 *       acted on them.</li>
 *   <li>Both kinds of retry need the {@link RetryBudget}'s consent. When it rejects one, or retries are turned
 *       off, the client gets the error of the failed attempt: 502 {@code CONNECT_REFUSED}, 504
 *       {@code CONNECT_TIMEOUT}, or the 502 of the closed connection.</li>
 *   <li>No backend left: 503 {@code NO_HEALTHY_BACKEND}. No response head within the response timeout: 504
 *       {@code RESPONSE_TIMEOUT}. Connection lost or invalid response before the head: 502.</li>
 *   <li>Failure after the head was relayed: the client connection is closed so the truncated body cannot
 *       look complete, and one 502 is recorded in the error monitor directly.</li>
 * </ul>
 *
 * <p>Threading: the client connection, the backend connection and the response deadline all run on one
 * event loop, so no field needs synchronization. Buffer ownership: request content is either written to
 * the backend, held in {@code heldBody} until a connection is ready, or released. Retained duplicates of
 * the body of an idempotent request stay in {@code replayBody} until the response head arrives or the
 * exchange ends. Response content is written to the client or released.
 *
 * <p>A request without a body ({@code Content-Length} and {@code Transfer-Encoding} absent) goes to the
 * backend as one {@code FullHttpRequest}, written and flushed once, instead of a head and an empty last
 * part. Netty's decoder emits that empty part right after the head, so the head waits for it unwritten.
 */
final class ProxyExchange extends ResponseDeadlines.Waiter {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    /** Largest request body kept for a replay; larger bodies are sent once only. */
    static final int MAX_REPLAY_BODY_BYTES = 64 * 1024;

    private final FrontendHandler frontend;
    private final ChannelHandlerContext clientCtx;
    private final BalancerContext balancer;
    private final LoopConnectionPool pool;
    private final ResponseDeadlines deadlines;

    private final HttpRequest backendRequest;
    private final String method;
    private final String uri;
    private final boolean headRequest;
    private final boolean idempotentMethod;
    private final boolean clientHttp10;
    private final boolean clientKeepAlive;
    private final boolean hostMissing;
    /** Whether the request announces no body, so that the decoder emits its empty last part right after the head. */
    private final boolean bodylessRequest;
    private final RequestRecord record;
    private final boolean expectsContinue;

    private List<HttpContent> heldBody;
    private boolean requestComplete;
    private boolean bodySent;
    private List<HttpContent> replayBody;
    private int replayBodyBytes;
    /** Set once part of the body was sent without a copy, which rules out a replay. */
    private boolean replayBodyIncomplete;

    private Backend backend;
    private Channel backendChannel;
    private BackendHandler backendHandler;
    private boolean reusedConnection;
    /** Set while the head of a bodyless request waits, unwritten, for its empty last part. */
    private boolean requestHeadHeld;
    /** The backend whose in-flight count includes this exchange, or null. */
    private Backend inFlightOn;
    /** Backends that refused a connection or already received a replay; never chosen again. */
    private List<Backend> excluded;
    private StringBuilder connectFailures;
    /** Whether the retry budget counts this exchange among the active requests. */
    private boolean countedActive;
    /** Whether this exchange has one of the retries that the retry budget granted. */
    private boolean holdsRetry;

    private boolean responseHeadSeen;
    private boolean interimResponse;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean backendKeepAlive;
    private boolean clientKeepAliveAfterResponse;
    private int responseStatus;
    /**
     * The client response head, held back until the backend read that carried it ends, so that a body
     * ending in the same read leaves with it as one full response. Netty's encoder (4.2) then copies a body
     * of up to 128 bytes, or one that fits the head buffer's spare room, into that buffer, so the client
     * gets one send instead of a write of two buffers.
     */
    private HttpResponse heldClientHead;

    ProxyExchange(FrontendHandler frontend, ChannelHandlerContext clientCtx, BalancerContext balancer,
                  LoopConnectionPool pool, ResponseDeadlines deadlines, HttpRequest request, String clientIp) {
        this.frontend = frontend;
        this.clientCtx = clientCtx;
        this.balancer = balancer;
        this.pool = pool;
        this.deadlines = deadlines;
        this.method = request.method().name();
        this.uri = request.uri();
        this.headRequest = HttpMethod.HEAD.equals(request.method());
        this.idempotentMethod = isIdempotent(request.method());
        this.clientHttp10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
        this.clientKeepAlive = ProxyHeaders.isKeepAlive(request);
        this.expectsContinue = HttpUtil.is100ContinueExpected(request);
        this.bodylessRequest = !HttpUtil.isTransferEncodingChunked(request)
                && !request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        this.backendRequest = ProxyHeaders.toBackendRequest(request, clientIp);
        this.hostMissing = !backendRequest.headers().contains(HttpHeaderNames.HOST);
        this.record = balancer.recorder().newRecord(clientIp, request);
    }

    /** Chooses a backend and sends it the request head, or responds 503 at once when none is UP. */
    void start() {
        balancer.retryBudget().requestStarted();
        countedActive = true;
        Backend first = balancer.backends().select();
        if (first == null) {
            respondNoBackend();
            return;
        }
        attempt(first, true);
    }

    boolean isRequestComplete() {
        return requestComplete;
    }

    boolean hasResponseStarted() {
        return responseStarted || responseDone;
    }

    /** Whether the client connection should keep reading: false while a body would pile up here. */
    boolean canTakeMoreInput() {
        return requestComplete || responseDone || (backendChannel != null && backendChannel.isWritable());
    }

    /** Forwards, holds or releases one part of the request body; takes ownership of {@code content}. */
    void onRequestContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (responseDone) {
            content.release();
            if (last) {
                frontend.onExchangeFinished(this);
            }
            return;
        }
        if (backendChannel == null) {
            hold(content);
            return;
        }
        if (requestHeadHeld && last) {
            requestHeadHeld = false;
            content.release();
            backendChannel.writeAndFlush(fullBackendRequest(), backendChannel.voidPromise());
            startResponseTimer();
            return;
        }
        writeHeldRequestHead();

        bodySent |= content.content().isReadable();
        keepForReplay(content);
        backendChannel.write(content, backendChannel.voidPromise());
        if (last) {
            backendChannel.flush();
            startResponseTimer();
        }
    }

    /**
     * Writes the held head of a bodyless request, if any, and flushes. The frontend calls it when a client
     * read ends and after it dispatched queued requests, so that a head never waits for input that is not
     * coming.
     */
    void flushBackend() {
        if (backendChannel != null) {
            writeHeldRequestHead();
            backendChannel.flush();
        }
    }

    private void writeHeldRequestHead() {
        if (requestHeadHeld) {
            requestHeadHeld = false;
            backendChannel.write(backendRequest, backendChannel.voidPromise());
        }
    }

    /** Writes the held response head, if any, and flushes. The backend handler calls it when a read ends. */
    void flushClient() {
        writeHeldClientHead();
        clientCtx.flush();
    }

    /** Stops reading the backend while the client cannot take more, like Netty's HexDumpProxy. */
    void onClientWritabilityChanged(boolean writable) {
        if (backendChannel != null) {
            backendChannel.config().setAutoRead(writable);
        }
    }

    void onBackendWritabilityChanged() {
        frontend.updateReading();
    }

    /** Handles one decoded response part from the backend; takes ownership of {@code msg}. */
    void onBackendMessage(HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            Throwable cause = msg.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            onInvalidResponse(cause);
            return;
        }
        if (msg instanceof HttpResponse) {
            onResponseHead((HttpResponse) msg);
        }
        if (msg instanceof HttpContent) {
            onResponseContent((HttpContent) msg);
        }
    }

    /** Called once when the backend connection closes, or fails, before this exchange let go of it. */
    void onBackendClosed(Throwable cause) {
        backendChannel = null;
        backendHandler = null;
        requestHeadHeld = false;
        releaseInFlight();
        if (responseDone) {
            return;
        }
        cancelResponseTimer();
        ErrorCause errorCause = isConnectionReset(cause) ? ErrorCause.CONNECTION_RESET : ErrorCause.PREMATURE_CLOSE;
        String detail = backend.id() + " closed the connection" + (cause == null ? "" : " (" + describe(cause) + ")");
        if (responseStarted) {
            abortResponse(errorCause, detail + " in the middle of the response");
            return;
        }
        if (mayReplay()) {
            replay(errorCause, detail);
            return;
        }
        respondError(errorCause, "bad gateway: " + detail + " before sending a response", backend);
    }

    /** Drops everything this exchange holds because the client connection closed. */
    void onClientClosed() {
        if (responseDone) {
            return;
        }
        log.debug("{} client closed before the response completed method={} uri={} backend={}",
                clientCtx.channel(), method, pathOf(uri), backend);
        abandon();
        balancer.recorder().abandoned(record);
    }

    /** Drops the backend connection, the held body and the response deadline without responding to the client. */
    void abandon() {
        responseDone = true;
        leaveRetryBudget();
        heldClientHead = null;
        cancelResponseTimer();
        releaseHeldBody();
        releaseReplayBody();
        closeBackendChannel();
    }

    private void attempt(Backend target, boolean usePool) {
        backend = target;
        record.attemptStarted();
        countInFlight(target);
        if (hostMissing) {
            // HTTP/1.0 clients may omit Host, but HTTP/1.1 requires it on the way to the backend.
            backendRequest.headers().set(HttpHeaderNames.HOST, target.id());
        }
        Channel idle = usePool ? pool.pollIdle(target) : null;
        if (idle != null) {
            attach(idle, true);
            return;
        }

        frontend.updateReading();
        pool.connect(target).addListener((ChannelFutureListener) future -> onConnectDone(target, future));
    }

    private void onConnectDone(Backend target, ChannelFuture future) {
        if (responseDone) {
            if (future.isSuccess()) {
                pool.release(target, future.channel());
            }
            return;
        }
        if (future.isSuccess()) {
            attach(future.channel(), false);
            return;
        }
        onConnectFailed(target, future.cause());
    }

    private void onConnectFailed(Backend target, Throwable cause) {
        releaseInFlight();
        boolean timedOut = cause instanceof ConnectTimeoutException;
        String reason = timedOut
                ? "connect timed out after " + balancer.config().connectTimeoutMillis() + " ms"
                : "connect failed: " + describe(cause);
        balancer.prober().markDown(target, reason);
        exclude(target);
        addConnectFailure(target, reason);
        Backend next = balancer.backends().select(excluded::contains);
        if (next == null) {
            respondNoBackend();
            return;
        }
        if (!mayRetry(RetryReason.CONNECT_FAILED, target)) {
            ErrorCause errorCause = timedOut ? ErrorCause.CONNECT_TIMEOUT : ErrorCause.CONNECT_REFUSED;
            String prefix = timedOut ? "gateway timeout: " : "bad gateway: ";
            respondError(errorCause, prefix + target.id() + " " + reason + ", and " + retryRejection(), target);
            return;
        }
        balancer.recorder().retried(record, RetryReason.CONNECT_FAILED);
        attempt(next, true);
    }

    private void addConnectFailure(Backend target, String reason) {
        if (connectFailures == null) {
            connectFailures = new StringBuilder();
        } else {
            connectFailures.append("; ");
        }
        connectFailures.append(target.id()).append(' ').append(reason);
    }

    /**
     * Returns whether this exchange may retry after {@code failed} failed: it already has a retry, or the
     * retry budget grants one now. A rejection by the budget is counted and logged at most once a second.
     * Retries that are turned off are neither counted nor logged.
     */
    private boolean mayRetry(RetryReason reason, Backend failed) {
        if (holdsRetry) {
            return true;
        }
        RetryBudget budget = balancer.retryBudget();
        if (budget.tryStartRetry()) {
            holdsRetry = true;
            return true;
        }
        if (!budget.settings().enabled()) {
            return false;
        }
        balancer.recorder().retryRejected(reason);
        long suppressed = balancer.retryBudgetLog().tryAcquire(reason);
        if (suppressed >= 0) {
            log.warn("{} retry budget exhausted, not retrying method={} uri={} backend={} reason={}"
                    + " retries_in_flight={} limit={} active_requests={} suppressed={}",
                    clientCtx.channel(), method, pathOf(uri), failed.id(), reason.label(), budget.activeRetries(),
                    budget.limit(), budget.activeRequests(), suppressed);
        }
        return false;
    }

    /** Says why a retry did not happen, for the client's error message. */
    private String retryRejection() {
        RetryBudget budget = balancer.retryBudget();
        if (!budget.settings().enabled()) {
            return "retries are turned off";
        }
        return "the retry budget is exhausted (" + budget.activeRetries() + " retries in flight, limit "
                + budget.limit() + ", no retry credit left)";
    }

    /** Hands back what this exchange took from the retry budget, once it has responded or was dropped. */
    private void leaveRetryBudget() {
        if (holdsRetry) {
            holdsRetry = false;
            balancer.retryBudget().retryFinished();
        }
        if (countedActive) {
            countedActive = false;
            balancer.retryBudget().requestFinished();
        }
    }

    private void attach(Channel channel, boolean reused) {
        backendChannel = channel;
        reusedConnection = reused;
        // BackendChannelInitializer adds the handler last; last() avoids a search of the pipeline per request.
        backendHandler = (BackendHandler) channel.pipeline().last();
        backendHandler.attach(this);
        channel.config().setAutoRead(clientCtx.channel().isWritable());

        writeRequestSoFar(channel);

        if (requestComplete) {
            startResponseTimer();
        }
        frontend.updateReading();
    }

    /** Sends a new or reused connection the request as far as the client sent it, or keeps a bodyless head back. */
    private void writeRequestSoFar(Channel channel) {
        if (bodylessRequest) {
            if (!requestComplete) {
                requestHeadHeld = true;
                return;
            }
            // Only the empty last part can be held, and a replay needs no copy of it.
            releaseHeldBody();
            channel.writeAndFlush(fullBackendRequest(), channel.voidPromise());
            return;
        }

        channel.write(backendRequest, channel.voidPromise());
        if (heldBody != null) {
            for (HttpContent content : heldBody) {
                bodySent |= content.content().isReadable();
                keepForReplay(content);
                channel.write(content, channel.voidPromise());
            }
            heldBody = null;
        }
        channel.flush();
    }

    /** Returns the bodyless backend request as one full message that shares the head's headers. */
    private HttpRequest fullBackendRequest() {
        return new DefaultFullHttpRequest(backendRequest.protocolVersion(), backendRequest.method(),
                backendRequest.uri(), Unpooled.EMPTY_BUFFER, backendRequest.headers(), EmptyHttpHeaders.INSTANCE);
    }

    /**
     * Returns whether the client may never send the rest of the body: it asked for 100 Continue and gets a
     * final response first (RFC 9110 section 10.1.1). Waiting for that body would swallow its next request,
     * so the connection closes after the response instead.
     */
    private boolean mayWithholdBody() {
        return expectsContinue && !requestComplete;
    }

    private boolean mayReplay() {
        return idempotentMethod && !responseHeadSeen && !(bodySent && replayBodyIncomplete);
    }

    /** Sends the request again after its connection closed with {@code cause} before any response byte. */
    private void replay(ErrorCause cause, String detail) {
        Backend failed = backend;
        if (!reusedConnection) {
            // A new connection that dies before answering means the backend is going away, not an idle race.
            exclude(failed);
        }
        Backend next = balancer.backends().select(candidate -> candidate == failed || isExcluded(candidate));
        if (next == null && !isExcluded(failed)) {
            next = failed;
        }
        if (next == null) {
            respondError(cause, "bad gateway: " + detail + " before sending a response, and no backend is left"
                    + " to retry on", failed);
            return;
        }
        if (!mayRetry(RetryReason.REUSED_CONNECTION_CLOSED, failed)) {
            respondError(cause, "bad gateway: " + detail + " before sending a response, and " + retryRejection(),
                    failed);
            return;
        }

        exclude(next);
        balancer.recorder().retried(record, RetryReason.REUSED_CONNECTION_CLOSED);
        long suppressed = balancer.backendFailureLog().tryAcquire(RetryReason.REUSED_CONNECTION_CLOSED);
        if (suppressed >= 0) {
            log.info("{} retrying method={} uri={} on backend={}: connection to {} closed before a response"
                    + " body_bytes={} suppressed={}", clientCtx.channel(), method, pathOf(uri), next.id(), failed.id(),
                    replayBodyBytes, suppressed);
        }
        resendKeptBody();
        attempt(next, false);
    }

    /** Queues the body copies kept for the replay ahead of anything received since the connection died. */
    private void resendKeptBody() {
        if (replayBody == null) {
            return;
        }
        if (heldBody != null) {
            replayBody.addAll(heldBody);
        }
        heldBody = replayBody;
        replayBody = null;
        replayBodyBytes = 0;
    }

    private void onResponseHead(HttpResponse response) {
        cancelResponseTimer();
        responseHeadSeen = true;
        releaseReplayBody();
        int status = response.status().code();
        if (status == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // Upgrade is stripped from every request, so a backend has no reason to switch protocols.
            onInvalidResponse(new IllegalStateException("unexpected 101 Switching Protocols"));
            return;
        }
        if (status < 200) {
            interimResponse = true;
            // RFC 9110 section 15.2: a server must not send a 1xx response to an HTTP/1.0 client.
            if (!clientHttp10) {
                clientCtx.write(ProxyHeaders.toClientResponse(response, backend.id()), clientCtx.voidPromise());
            }
            startResponseTimer();
            return;
        }

        responseStarted = true;
        responseStatus = status;
        backendKeepAlive = ProxyHeaders.isKeepAlive(response);
        HttpResponse clientResponse = ProxyHeaders.toClientResponse(response, backend.id());
        clientKeepAliveAfterResponse = clientKeepAlive && !balancer.isDraining() && !mayWithholdBody()
                && setClientFraming(clientResponse);
        ProxyHeaders.setConnection(clientResponse.headers(), clientKeepAliveAfterResponse, clientHttp10);
        heldClientHead = clientResponse;
    }

    /**
     * Keeps {@code Content-Length} when the backend sent one; otherwise re-frames the body as chunked for an
     * HTTP/1.1 client. Returns false when the body can only end with the connection (HTTP/1.0 client).
     */
    private boolean setClientFraming(HttpResponse clientResponse) {
        HttpHeaders headers = clientResponse.headers();
        if (!ProxyHeaders.mayHaveBody(responseStatus, headRequest) || headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return true;
        }
        if (clientHttp10) {
            return false;
        }
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return true;
    }

    private void onResponseContent(HttpContent content) {
        if (responseDone) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (interimResponse) {
            interimResponse = !last;
            if (clientHttp10) {
                content.release();
            } else {
                clientCtx.write(content, clientCtx.voidPromise());
            }
            return;
        }
        if (last) {
            finishResponse((LastHttpContent) content);
            return;
        }
        writeHeldClientHead();
        record.addBodyBytes(content.content().readableBytes());
        clientCtx.write(content, clientCtx.voidPromise());
    }

    private void writeHeldClientHead() {
        if (heldClientHead != null) {
            clientCtx.write(heldClientHead, clientCtx.voidPromise());
            heldClientHead = null;
        }
    }

    /** Joins {@code last} to the held response head as one full response, or returns it alone. */
    private HttpObject joinHeldClientHead(LastHttpContent last) {
        HttpResponse head = heldClientHead;
        if (head == null) {
            return last;
        }
        heldClientHead = null;
        // The full response takes over last's content buffer, and the encoder releases it.
        return new DefaultFullHttpResponse(head.protocolVersion(), head.status(), last.content(), head.headers(),
                last.trailingHeaders());
    }

    private void finishResponse(LastHttpContent last) {
        responseDone = true;
        leaveRetryBudget();
        record.addBodyBytes(last.content().readableBytes());
        backend.recordResponse(responseStatus);
        Channel channel = backendChannel;
        detachBackendChannel();
        if (backendKeepAlive && requestComplete) {
            pool.release(backend, channel);
        } else {
            channel.close();
        }

        // Recorded before the last write, so a client that reads the whole response already finds it counted.
        balancer.recorder().completed(record, backend, responseStatus);
        ChannelFuture written = clientCtx.writeAndFlush(joinHeldClientHead(last));
        if (log.isDebugEnabled()) {
            log.debug("{} proxied method={} uri={} backend={} status={} reused={}", clientCtx.channel(), method,
                    pathOf(uri), backend.id(), responseStatus, reusedConnection);
        }
        frontend.onResponseDone(this, clientKeepAliveAfterResponse, written);
    }

    private void onInvalidResponse(Throwable cause) {
        if (responseDone) {
            return;
        }
        ErrorCause errorCause = cause instanceof PrematureChannelClosureException
                ? ErrorCause.PREMATURE_CLOSE : ErrorCause.INVALID_RESPONSE;
        String detail = "invalid response from " + backend.id() + ": " + describe(cause);
        cancelResponseTimer();
        closeBackendChannel();
        if (responseStarted) {
            abortResponse(errorCause, detail);
        } else {
            respondError(errorCause, "bad gateway: " + detail, backend);
        }
    }

    @Override
    void onResponseTimeout() {
        if (responseDone || responseStarted) {
            return;
        }
        respondError(ErrorCause.RESPONSE_TIMEOUT, "gateway timeout: " + backend.id() + " sent no response within "
                + balancer.config().responseTimeoutMillis() + " ms", backend);
    }

    private void respondNoBackend() {
        String message = connectFailures == null
                ? "no healthy backend: 0 of " + balancer.backends().size() + " backends are UP"
                : "no healthy backend: every candidate failed before receiving the request: " + connectFailures;
        respondError(ErrorCause.NO_HEALTHY_BACKEND, message, null);
    }

    /** Sends the client an error response made by the balancer; {@code blamed} is null for a 503. */
    private void respondError(ErrorCause cause, String message, Backend blamed) {
        abandon();
        String upstream = blamed == null ? null : blamed.id();
        if (blamed != null) {
            blamed.recordBalancerError();
        }
        logFailure(cause, message, upstream);

        ErrorResponse response = HttpResponses.error(HttpResponseStatus.valueOf(cause.status()), message, cause,
                upstream);
        if (upstream != null) {
            response.headers().set(VigiaHeaders.X_UPSTREAM_SERVER, upstream);
        }
        boolean keepAlive = clientKeepAlive && !balancer.isDraining() && !mayWithholdBody();
        ProxyHeaders.setConnection(response.headers(), keepAlive, clientHttp10);
        record.addBodyBytes(response.content().readableBytes());
        balancer.recorder().completed(record, blamed, cause.status());
        ChannelFuture written = clientCtx.writeAndFlush(response);
        frontend.onResponseDone(this, keepAlive, written);
    }

    /** Ends a response whose head already reached the client: counts a 502 and closes the client. */
    private void abortResponse(ErrorCause cause, String message) {
        abandon();
        backend.recordBalancerError();
        balancer.monitor().record(HttpResponseStatus.BAD_GATEWAY.code(), method, uri, message, backend.id(), cause);
        logFailure(cause, message, backend.id());
        balancer.recorder().completed(record, backend, HttpResponseStatus.BAD_GATEWAY.code());
        frontend.abortClient();
    }

    private void logFailure(ErrorCause cause, String message, String upstream) {
        long suppressed = balancer.backendFailureLog().tryAcquire(cause);
        if (suppressed >= 0) {
            log.warn("{} backend={} cause={} method={} uri={} message=\"{}\" suppressed={}", clientCtx.channel(),
                    upstream, cause.jsonName(), method, pathOf(uri), message, suppressed);
        }
    }

    private void hold(HttpContent content) {
        if (heldBody == null) {
            heldBody = new ArrayList<>(2);
        }
        heldBody.add(content);
    }

    /**
     * Keeps a retained duplicate of {@code content}, about to go to the backend, for a replay. Copies are kept
     * on new connections too: a backend that dies before its first response byte gets the request replayed on
     * another one, which must receive the whole message again, its last part included.
     */
    private void keepForReplay(HttpContent content) {
        if (!idempotentMethod || replayBodyIncomplete) {
            return;
        }
        int size = content.content().readableBytes();
        if (replayBodyBytes + size > MAX_REPLAY_BODY_BYTES) {
            releaseReplayBody();
            replayBodyIncomplete = true;
            return;
        }
        if (replayBody == null) {
            replayBody = new ArrayList<>(2);
        }
        replayBody.add(content.retainedDuplicate());
        replayBodyBytes += size;
    }

    private void releaseReplayBody() {
        if (replayBody == null) {
            return;
        }
        for (HttpContent content : replayBody) {
            content.release();
        }
        replayBody = null;
        replayBodyBytes = 0;
    }

    private static boolean isIdempotent(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.PUT.equals(method)
                || HttpMethod.DELETE.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.TRACE.equals(method);
    }

    private void releaseHeldBody() {
        if (heldBody == null) {
            return;
        }
        for (HttpContent content : heldBody) {
            content.release();
        }
        heldBody = null;
    }

    private boolean isExcluded(Backend target) {
        return excluded != null && excluded.contains(target);
    }

    private void exclude(Backend target) {
        if (excluded == null) {
            excluded = new ArrayList<>(2);
        }
        excluded.add(target);
    }

    private void startResponseTimer() {
        deadlines.start(this);
    }

    private void cancelResponseTimer() {
        deadlines.stop(this);
    }

    private void countInFlight(Backend target) {
        releaseInFlight();
        target.startRequest();
        inFlightOn = target;
    }

    private void releaseInFlight() {
        if (inFlightOn != null) {
            inFlightOn.finishRequest();
            inFlightOn = null;
        }
    }

    private void detachBackendChannel() {
        releaseInFlight();
        requestHeadHeld = false;
        if (backendHandler != null) {
            backendHandler.detach();
        }
        backendChannel = null;
        backendHandler = null;
    }

    private void closeBackendChannel() {
        Channel channel = backendChannel;
        detachBackendChannel();
        if (channel != null) {
            channel.close();
        }
    }

    static boolean isConnectionReset(Throwable cause) {
        if (!(cause instanceof IOException) || cause.getMessage() == null) {
            return false;
        }
        return cause.getMessage().toLowerCase(Locale.ROOT).contains("connection reset");
    }

    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** The request target without its query, which may carry secrets and stays out of logs. */
    static String pathOf(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }
}
