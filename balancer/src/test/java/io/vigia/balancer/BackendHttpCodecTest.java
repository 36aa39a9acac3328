package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendHttpCodecTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new BackendHttpCodec());

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void headResponseHasNoBody() {
        send(HttpMethod.HEAD);
        send(HttpMethod.GET);

        List<HttpObject> parts = receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(parts).hasSize(4);
        assertThat(parts.get(0)).isInstanceOf(HttpResponse.class);
        assertThat(parts.get(1)).isInstanceOf(LastHttpContent.class);
        assertThat(((HttpContent) parts.get(1)).content().readableBytes()).isZero();
        assertThat(parts.get(2)).isInstanceOf(HttpResponse.class);
        assertThat(((HttpContent) parts.get(3)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        release(parts);
    }

    @Test
    void interimResponseKeepsHeadPairing() {
        send(HttpMethod.HEAD);

        List<HttpObject> parts = receive("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n");

        assertThat(parts).hasSize(4);
        assertThat(((HttpResponse) parts.get(0)).status().code()).isEqualTo(100);
        assertThat(((HttpResponse) parts.get(2)).status().code()).isEqualTo(200);
        assertThat(((HttpContent) parts.get(3)).content().readableBytes()).isZero();
        release(parts);
    }

    @Test
    void keepsBackendSpelling() {
        send(HttpMethod.GET);
        send(HttpMethod.GET);

        List<HttpObject> parts = receive("HTTP/1.0 299 Fine Thanks\r\nX-Custom: a\r\nserver: s\r\ncontent-length: 0\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nX-Custom: b\r\nSERVER: t\r\nContent-Length: 0\r\n\r\n");

        HttpResponse first = (HttpResponse) parts.get(0);
        HttpResponse second = (HttpResponse) parts.get(2);
        assertThat(first.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(first.status().code()).isEqualTo(299);
        assertThat(first.status().reasonPhrase()).isEqualTo("Fine Thanks");
        assertThat(first.headers().names()).containsExactlyInAnyOrder("X-Custom", "server", "content-length");
        assertThat(second.status().reasonPhrase()).isEqualTo("Not Found");
        assertThat(second.headers().names()).containsExactlyInAnyOrder("X-Custom", "SERVER", "Content-Length");
        assertThat(second.headers().get("x-custom")).isEqualTo("b");
        release(parts);
    }

    @Test
    void sharesRepeatedNamesAndStatus() {
        send(HttpMethod.GET);
        send(HttpMethod.GET);

        List<HttpObject> parts = receive("HTTP/1.1 200 OK\r\nX-Backend: b1\r\nDate: d\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nX-Backend: b1\r\nDate: d\r\nContent-Length: 0\r\n\r\n");

        HttpResponse first = (HttpResponse) parts.get(0);
        HttpResponse second = (HttpResponse) parts.get(2);
        assertThat(second.status()).isSameAs(first.status());
        assertThat(names(second)).containsExactlyElementsOf(names(first));
        for (int i = 0; i < names(first).size(); i++) {
            assertThat(names(second).get(i)).isSameAs(names(first).get(i));
        }
        release(parts);
    }

    @Test
    void rejectsNonNumericStatusCode() {
        send(HttpMethod.GET);

        List<HttpObject> parts = receive("HTTP/1.1 20x OK\r\nContent-Length: 0\r\n\r\n");

        assertThat(parts).isNotEmpty();
        assertThat(parts.get(0).decoderResult().isFailure()).isTrue();
        release(parts);
    }

    private void send(HttpMethod method) {
        assertThat(channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"))).isTrue();
        ByteBuf encoded;
        while ((encoded = channel.readOutbound()) != null) {
            encoded.release();
        }
    }

    private List<HttpObject> receive(String wire) {
        channel.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.US_ASCII));
        List<HttpObject> parts = new ArrayList<>();
        HttpObject part;
        while ((part = channel.readInbound()) != null) {
            parts.add(part);
        }
        return parts;
    }

    private static List<CharSequence> names(HttpResponse response) {
        List<CharSequence> names = new ArrayList<>();
        response.headers().iteratorCharSequence().forEachRemaining(entry -> names.add(entry.getKey()));
        return names;
    }

    private static void release(List<HttpObject> parts) {
        parts.forEach(ReferenceCountUtil::release);
    }
}
