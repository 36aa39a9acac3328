package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    @Test
    void removesHeadersNamedInConnection() {
        HttpHeaders headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/").headers();
        headers.add("Connection", "keep-alive, X-One ,x-two");
        headers.add("Connection", "X-Three");
        headers.add("X-One", "1").add("X-Two", "2").add("X-Three", "3").add("X-Four", "4");

        ProxyHeaders.removeHopByHop(headers);

        assertThat(headers.names()).containsExactly("X-Four");
    }

    @Test
    void removesNameInSecondConnectionHeader() {
        HttpHeaders headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/").headers();
        headers.add("Connection", "Keep-Alive");
        headers.add("Connection", "X-Secret");
        headers.add("X-Secret", "s").add("X-Kept", "k");

        ProxyHeaders.removeHopByHop(headers);

        assertThat(headers.names()).containsExactly("X-Kept");
    }

    @Test
    void alwaysRemovesCloseField() {
        HttpHeaders listed = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/").headers();
        listed.add("Connection", "close").add("Close", "x").add("X-Kept", "k");
        HttpHeaders unlisted = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/").headers();
        unlisted.add("Close", "x").add("X-Kept", "k");

        ProxyHeaders.removeHopByHop(listed);
        ProxyHeaders.removeHopByHop(unlisted);

        assertThat(listed.names()).containsExactly("X-Kept");
        assertThat(unlisted.names()).containsExactly("X-Kept");
    }

    @Test
    void removesFixedHopByHopHeaders() {
        HttpHeaders headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/").headers();
        for (String name : new String[] {"Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
                "Upgrade", "Proxy-Authorization", "Proxy-Authenticate"}) {
            headers.add(name, "value");
        }
        headers.add("Authorization", "kept");

        ProxyHeaders.removeHopByHop(headers);

        assertThat(headers.names()).containsExactly("Authorization");
    }

    @Test
    void mergesForwardedForIntoOneValue() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().add("X-Forwarded-For", "10.0.0.1").add("X-Forwarded-For", "10.0.0.2, 10.0.0.3");

        HttpRequest backend = ProxyHeaders.toBackendRequest(request, "127.0.0.1");

        assertThat(backend.headers().getAll("X-Forwarded-For"))
                .containsExactly("10.0.0.1, 10.0.0.2, 10.0.0.3, 127.0.0.1");
    }

    @Test
    void backendRequestKeepsChunkedFramingAndHost() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, "/a?b=%2F");
        request.headers().add("Host", "shop.example").add("Transfer-Encoding", "chunked")
                .add("Connection", "keep-alive");

        HttpRequest backend = ProxyHeaders.toBackendRequest(request, "127.0.0.1");

        assertThat(backend.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(backend.uri()).isEqualTo("/a?b=%2F");
        assertThat(backend.method()).isEqualTo(HttpMethod.POST);
        assertThat(backend.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(backend.headers().get("Host")).isEqualTo("shop.example");
        assertThat(backend.headers().get("X-Forwarded-Host")).isEqualTo("shop.example");
        assertThat(backend.headers().get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(backend.headers().contains("Connection")).isFalse();
    }

    @Test
    void clientResponseNamesUpstream() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.NOT_FOUND);
        response.headers().add("Connection", "close").add("Content-Length", "3");

        HttpResponse client = ProxyHeaders.toClientResponse(response, "127.0.0.1:5001");

        assertThat(client.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(client.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(client.headers().get("X-Upstream-Server")).isEqualTo("127.0.0.1:5001");
        assertThat(client.headers().get("Content-Length")).isEqualTo("3");
        assertThat(client.headers().contains("Connection")).isFalse();
    }

    @Test
    void knowsWhichResponsesHaveNoBody() {
        assertThat(ProxyHeaders.mayHaveBody(200, false)).isTrue();
        assertThat(ProxyHeaders.mayHaveBody(404, false)).isTrue();
        assertThat(ProxyHeaders.mayHaveBody(200, true)).isFalse();
        assertThat(ProxyHeaders.mayHaveBody(204, false)).isFalse();
        assertThat(ProxyHeaders.mayHaveBody(304, false)).isFalse();
        assertThat(ProxyHeaders.mayHaveBody(100, false)).isFalse();
    }
}
