package io.vigia.balancer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a backend connection: a request encoder and a response decoder that pairs each
 * response with the method of its request, so that the response to a {@code HEAD} is read without a body.
 *
 * <p>Netty's {@code HttpClientCodec} does the same pairing. This codec exists because its decoder can be
 * subclassed. A backend sends the same few header names, status lines and versions in every response,
 * and {@link BackendResponseDecoder} reuses them: the header names it has seen on its connection, and one
 * shared string per version, status code and standard reason phrase. With smaller header tables, that cut the bytes allocated per proxied request from about 3.2 to
 * 2.7 KB in the benchmark, and young collections, which lengthen the tail latency, by as much. Header values
 * are still new strings, because the decoder offers no hook for them.
 *
 * <p>{@code CONNECT} never reaches a backend ({@link RequestValidator} rejects an authority-form target),
 * so unlike {@code HttpClientCodec} this codec has no tunnel mode.
 */
final class BackendHttpCodec extends CombinedChannelDuplexHandler<BackendHttpCodec.BackendResponseDecoder,
        BackendHttpCodec.BackendRequestEncoder> {

    /**
     * Number of header names each connection keeps for reuse, replaced in turn. A backend sends the same names in
     * every response, and typical responses carry fewer than this.
     */
    private static final int CACHED_NAMES = 16;

    /** Status codes 100 to 999 as strings, indexed by code. */
    private static final String[] STATUS_CODES = new String[1000];

    static {
        for (int code = 100; code < STATUS_CODES.length; code++) {
            STATUS_CODES[code] = Integer.toString(code);
        }
    }

    /** Response headers: Netty's validating factory, with a table sized for a typical response. */
    private static final HttpHeadersFactory HEADERS =
            new SizedHeadersFactory(DefaultHttpHeadersFactory.headersFactory(), 8);

    /** Trailers: almost every response has none, so the table starts at the smallest size. */
    private static final HttpHeadersFactory TRAILERS =
            new SizedHeadersFactory(DefaultHttpHeadersFactory.trailersFactory(), 2);

    BackendHttpCodec() {
        ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
        HttpDecoderConfig config = new HttpDecoderConfig().setHeadersFactory(HEADERS).setTrailersFactory(TRAILERS);
        init(new BackendResponseDecoder(config, methods), new BackendRequestEncoder(methods));
    }

    /** Request encoder that queues the method of each request, in order, for the decoder. */
    static final class BackendRequestEncoder extends HttpRequestEncoder {

        private final ArrayDeque<HttpMethod> methods;

        BackendRequestEncoder(ArrayDeque<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest) {
                methods.add(((HttpRequest) msg).method());
            }
            super.encode(ctx, msg, out);
        }
    }

    /** Response decoder that shares the strings that repeat from one response to the next. */
    static final class BackendResponseDecoder extends HttpResponseDecoder {

        private final ArrayDeque<HttpMethod> methods;
        private final AsciiString[] cachedNames = new AsciiString[CACHED_NAMES];
        private int nextCachedName;
        /** The status code of the status line being split, or 0. It selects the reason phrase to compare with. */
        private int statusCode;

        BackendResponseDecoder(HttpDecoderConfig config, ArrayDeque<HttpMethod> methods) {
            super(config);
            this.methods = methods;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            HttpResponseStatus status = ((HttpResponse) msg).status();
            // An interim (1xx) response completes no request, so the final response after it takes the method.
            if (status.codeClass() != HttpStatusClass.INFORMATIONAL && HttpMethod.HEAD.equals(methods.poll())) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
            for (AsciiString name : cachedNames) {
                if (name != null && matches(name, sb, start, length)) {
                    return name;
                }
            }
            AsciiString name = super.splitHeaderName(sb, start, length);
            cachedNames[nextCachedName] = name;
            nextCachedName = (nextCachedName + 1) % CACHED_NAMES;
            return name;
        }

        @Override
        protected String splitFirstWordInitialLine(byte[] sb, int start, int length) {
            statusCode = 0;
            if (matches("HTTP/1.1", sb, start, length)) {
                return "HTTP/1.1";
            }
            if (matches("HTTP/1.0", sb, start, length)) {
                return "HTTP/1.0";
            }
            return super.splitFirstWordInitialLine(sb, start, length);
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] sb, int start, int length) {
            int code = parseStatusCode(sb, start, length);
            statusCode = code;
            return code > 0 ? STATUS_CODES[code] : super.splitSecondWordInitialLine(sb, start, length);
        }

        @Override
        protected String splitThirdWordInitialLine(byte[] sb, int start, int length) {
            int code = statusCode;
            statusCode = 0;
            if (code > 0) {
                String standard = HttpResponseStatus.valueOf(code).reasonPhrase();
                if (matches(standard, sb, start, length)) {
                    return standard;
                }
            }
            return super.splitThirdWordInitialLine(sb, start, length);
        }

        /** Returns the three-digit code in {@code sb}, or 0 when the word is anything else. */
        private static int parseStatusCode(byte[] sb, int start, int length) {
            if (length != 3) {
                return 0;
            }
            int code = 0;
            for (int i = start; i < start + 3; i++) {
                int digit = sb[i] - '0';
                if (digit < 0 || digit > 9) {
                    return 0;
                }
                code = code * 10 + digit;
            }
            return code >= 100 ? code : 0;
        }

        private static boolean matches(CharSequence expected, byte[] sb, int start, int length) {
            if (expected.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (expected.charAt(i) != (char) (sb[start + i] & 0xFF)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A header factory whose tables start at {@code sizeHint} entries, with the validators of {@code base}. */
    private static final class SizedHeadersFactory implements HttpHeadersFactory {

        private final DefaultHttpHeadersFactory base;
        private final int sizeHint;

        SizedHeadersFactory(DefaultHttpHeadersFactory base, int sizeHint) {
            this.base = base;
            this.sizeHint = sizeHint;
        }

        @Override
        public HttpHeaders newHeaders() {
            return new SizedHttpHeaders(base, sizeHint);
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return base.newEmptyHeaders();
        }
    }

    /** Netty's default headers, created through its constructor that takes the table size. */
    private static final class SizedHttpHeaders extends DefaultHttpHeaders {

        SizedHttpHeaders(DefaultHttpHeadersFactory base, int sizeHint) {
            super(base.getNameValidator(), base.getValueValidator(), sizeHint);
        }
    }
}
