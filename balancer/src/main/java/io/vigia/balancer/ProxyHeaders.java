package io.vigia.balancer;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.vigia.core.http.VigiaHeaders;
import java.util.Iterator;
import java.util.List;

/**
 * Header rewriting between the client side and the backend side of the proxy.
 *
 * <p>Hop-by-hop headers (RFC 9110 section 7.6.1) describe one connection and are removed in both
 * directions: {@code Connection} and every header it names, {@code Keep-Alive}, {@code Close} (a reserved
 * name), {@code Proxy-Connection}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade},
 * {@code Proxy-Authorization} and {@code Proxy-Authenticate}. Message framing is then set again for the next hop. The methods mutate the
 * headers of the message they are given; they run on the event loop that decoded it.
 */
final class ProxyHeaders {

    static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    /** Field name that RFC 9110 section 18.4 reserves, because it would clash with the connection option. */
    static final AsciiString CLOSE = AsciiString.cached("close");

    private static final AsciiString[] HOP_BY_HOP = {
        HttpHeaderNames.CONNECTION,
        KEEP_ALIVE,
        CLOSE,
        PROXY_CONNECTION,
        HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER,
        HttpHeaderNames.TRANSFER_ENCODING,
        HttpHeaderNames.UPGRADE,
        HttpHeaderNames.PROXY_AUTHORIZATION,
        HttpHeaderNames.PROXY_AUTHENTICATE,
    };

    private ProxyHeaders() {
    }

    /** Removes every hop-by-hop header, including each header named in a {@code Connection} value. */
    static void removeHopByHop(HttpHeaders headers) {
        if (namesOtherHeaders(headers)) {
            for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                removeListedHeaders(headers, value);
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /**
     * Turns a client request into the request head sent to a backend: HTTP/1.1, the same method and
     * target, hop-by-hop headers removed, chunked framing kept for a chunked body, {@code X-Forwarded-For}
     * extended with {@code clientIp}, {@code X-Forwarded-Proto: http} and {@code X-Forwarded-Host} set to
     * the original {@code Host}, which itself is kept. The returned request shares {@code request}'s headers.
     */
    static HttpRequest toBackendRequest(HttpRequest request, String clientIp) {
        HttpHeaders headers = request.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        removeHopByHop(headers);
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }

        appendForwardedFor(headers, clientIp);
        headers.set(X_FORWARDED_PROTO, "http");
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
    }

    /**
     * Turns a backend response head into the head sent to the client: HTTP/1.1, the same status, hop-by-hop
     * headers removed and {@code X-Upstream-Server} naming {@code upstreamId}. The caller sets framing and
     * {@code Connection}. The returned response shares {@code response}'s headers.
     */
    static HttpResponse toClientResponse(HttpResponse response, String upstreamId) {
        HttpHeaders headers = response.headers();
        removeHopByHop(headers);
        headers.set(VigiaHeaders.X_UPSTREAM_SERVER, upstreamId);
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers);
    }

    /**
     * Returns whether {@code message} keeps its connection open, as {@link HttpUtil#isKeepAlive} does. Most
     * messages carry no {@code Connection} header, and for them one lookup replaces Netty's scans of the
     * header's comma-separated values.
     */
    static boolean isKeepAlive(HttpMessage message) {
        if (!message.headers().contains(HttpHeaderNames.CONNECTION)) {
            return message.protocolVersion().isKeepAliveDefault();
        }
        return HttpUtil.isKeepAlive(message);
    }

    /** Returns whether a response with {@code status} to a request may carry a body (RFC 9110 section 6.4.1). */
    static boolean mayHaveBody(int status, boolean headRequest) {
        return !headRequest && status >= 200 && status != 204 && status != 304;
    }

    /** Appends {@code clientIp} to the {@code X-Forwarded-For} list, merging repeated headers into one value. */
    static void appendForwardedFor(HttpHeaders headers, String clientIp) {
        List<String> existing = headers.getAll(X_FORWARDED_FOR);
        if (existing.isEmpty()) {
            headers.set(X_FORWARDED_FOR, clientIp);
            return;
        }
        StringBuilder joined = new StringBuilder();
        for (String value : existing) {
            joined.append(value).append(", ");
        }
        headers.set(X_FORWARDED_FOR, joined.append(clientIp).toString());
    }

    /** Sets {@code Connection} for the client: {@code close}, or {@code keep-alive} where HTTP/1.0 needs it. */
    static void setConnection(HttpHeaders headers, boolean keepAlive, boolean clientHttp10) {
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /**
     * Returns whether a {@code Connection} header names anything but {@code keep-alive} or {@code close}, which are
     * removed anyway. Most messages have one such header or none, and this check allocates no list for them.
     */
    private static boolean namesOtherHeaders(HttpHeaders headers) {
        Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.CONNECTION);
        while (values.hasNext()) {
            String value = values.next();
            if (!HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(value)
                    && !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    private static void removeListedHeaders(HttpHeaders headers, String connectionValue) {
        int start = 0;
        while (start <= connectionValue.length()) {
            int comma = connectionValue.indexOf(',', start);
            int end = comma < 0 ? connectionValue.length() : comma;
            String name = connectionValue.substring(start, end).trim();
            if (!name.isEmpty()) {
                headers.remove(name);
            }
            start = end + 1;
        }
    }
}
