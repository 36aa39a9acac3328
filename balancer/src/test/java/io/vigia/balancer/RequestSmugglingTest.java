package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests whose framing or head is ambiguous or invalid: each must get 400 and a closed connection, reach
 * no backend and be recorded with its reason. Every request is sent whole in one write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestSmugglingTest {

    private static final String POST = "POST /echo HTTP/1.1\r\nHost: a\r\n";
    private static final String CHUNKED_POST = POST + "Transfer-Encoding: chunked\r\n\r\n";

    private FakeBackend backend;
    private BalancerServer balancer;

    @BeforeAll
    void start() throws Exception {
        backend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(backend));
    }

    @AfterAll
    void stop() {
        balancer.stop();
        backend.close();
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                Arguments.of("Content-Length with Transfer-Encoding",
                        POST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        "both Content-Length and Transfer-Encoding"),
                Arguments.of("Transfer-Encoding before Content-Length",
                        POST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
                        "both Content-Length and Transfer-Encoding"),
                Arguments.of("duplicate Content-Length",
                        POST + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "multiple Content-Length"),
                Arguments.of("conflicting Content-Length",
                        POST + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "multiple Content-Length"),
                Arguments.of("Content-Length list", POST + "Content-Length: 3, 3\r\n\r\nabc",
                        "invalid Content-Length"),
                Arguments.of("Content-Length with sign", POST + "Content-Length: +3\r\n\r\nabc",
                        "invalid Content-Length"),
                Arguments.of("negative Content-Length", POST + "Content-Length: -3\r\n\r\nabc",
                        "invalid Content-Length"),
                Arguments.of("hex Content-Length", POST + "Content-Length: 0x3\r\n\r\nabc", "invalid Content-Length"),
                Arguments.of("Content-Length with inner space", POST + "Content-Length: 1 2\r\n\r\nabc",
                        "invalid Content-Length"),
                Arguments.of("empty Content-Length", POST + "Content-Length: \r\n\r\nabc", "invalid Content-Length"),
                Arguments.of("overflowing Content-Length",
                        POST + "Content-Length: 99999999999999999999999\r\n\r\nabc", "invalid Content-Length"),
                Arguments.of("Transfer-Encoding gzip", POST + "Transfer-Encoding: gzip\r\n\r\nabc", "chunked"),
                Arguments.of("Transfer-Encoding gzip then chunked",
                        POST + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "unsupported Transfer-Encoding"),
                Arguments.of("Transfer-Encoding chunked then gzip",
                        POST + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", "chunked"),
                Arguments.of("Transfer-Encoding in upper case",
                        POST + "Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", "unsupported Transfer-Encoding"),
                Arguments.of("Transfer-Encoding look-alike",
                        POST + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", "chunked"),
                Arguments.of("Transfer-Encoding with vertical tab",
                        POST + "Transfer-Encoding: \u000bchunked\r\n\r\n0\r\n\r\n", "separator"),
                Arguments.of("Transfer-Encoding repeated in one field",
                        POST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "more than once"),
                Arguments.of("Transfer-Encoding in two fields",
                        POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        "chunked"),
                Arguments.of("Transfer-Encoding with space before colon",
                        POST + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", "whitespace between the header name"),
                Arguments.of("Transfer-Encoding on HTTP/1.0",
                        "POST /echo HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        "Transfer-Encoding"),
                Arguments.of("chunk size not hex", CHUNKED_POST + "zz\r\nabc\r\n0\r\n\r\n", "invalid chunk size"),
                Arguments.of("chunk size with 0x", CHUNKED_POST + "0x3\r\nabc\r\n0\r\n\r\n", "invalid chunk size"),
                Arguments.of("chunk size with sign", CHUNKED_POST + "+3\r\nabc\r\n0\r\n\r\n", "invalid chunk size"),
                Arguments.of("chunk size with leading space", CHUNKED_POST + " 3\r\nabc\r\n0\r\n\r\n",
                        "invalid chunk size"),
                Arguments.of("chunk size with trailing space", CHUNKED_POST + "3 \r\nabc\r\n0\r\n\r\n",
                        "invalid chunk size"),
                Arguments.of("overflowing chunk size", CHUNKED_POST + "fffffffff\r\nabc\r\n0\r\n\r\n",
                        "invalid chunk size"),
                Arguments.of("chunk extension with open quote", CHUNKED_POST + "3;a=\"b\r\nabc\r\n0\r\n\r\n",
                        "chunk extension"),
                Arguments.of("chunk size line with bare LF", CHUNKED_POST + "3\nabc\r\n0\r\n\r\n", "bare LF"),
                Arguments.of("chunk data without CRLF", CHUNKED_POST + "3\r\nabcXY0\r\n\r\n",
                        "chunk data not followed by CRLF"),
                Arguments.of("chunk data with bare LF", CHUNKED_POST + "3\r\nabc\n0\r\n\r\n",
                        "chunk data not followed by CRLF"),
                Arguments.of("trailer with obsolete folding", CHUNKED_POST + "0\r\nX-T: a\r\n b\r\n\r\n",
                        "obsolete line folding"),
                Arguments.of("request line with bare LF", "GET / HTTP/1.1\nHost: a\r\n\r\n", "bare LF"),
                Arguments.of("header line with bare LF", "GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n", "bare LF"),
                Arguments.of("header line with bare CR", "GET / HTTP/1.1\r\nHost: a\rX-A: b\r\n\r\n", "bare CR"),
                Arguments.of("header value with bare CR", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n",
                        "bare CR"),
                Arguments.of("obsolete line folding", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n  c\r\n\r\n",
                        "obsolete line folding"),
                Arguments.of("folding with a tab", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n",
                        "obsolete line folding"),
                Arguments.of("whitespace after the request line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
                        "obsolete line folding"),
                Arguments.of("header line without colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
                        "without a colon"),
                Arguments.of("missing Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", "missing Host"),
                Arguments.of("repeated Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "multiple Host"),
                Arguments.of("repeated Host on HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
                        "multiple Host"),
                Arguments.of("header name with @", "GET / HTTP/1.1\r\nHost: a\r\nX@Y: z\r\n\r\n", "token"),
                Arguments.of("header name with parenthesis", "GET / HTTP/1.1\r\nHost: a\r\nX(Y: z\r\n\r\n", "token"),
                Arguments.of("header name with 8-bit byte", "GET / HTTP/1.1\r\nHost: a\r\nX\u00e9: z\r\n\r\n",
                        "token"),
                Arguments.of("header value with control byte", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0001b\r\n\r\n",
                        "X-A"),
                Arguments.of("lower-case HTTP name", "GET / http/1.1\r\nHost: a\r\n\r\n", "invalid HTTP version"),
                Arguments.of("request line without version", "GET /\r\nHost: a\r\n\r\n", "malformed request line"),
                Arguments.of("request line with trailing space", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
                        "malformed request line"),
                Arguments.of("request target without slash", "GET echo HTTP/1.1\r\nHost: a\r\n\r\n",
                        "invalid request target"),
                Arguments.of("absolute form with user info", "GET http://user@b.example/ HTTP/1.1\r\nHost: a\r\n\r\n",
                        "user info"),
                Arguments.of("absolute form with other scheme", "GET ftp://b.example/ HTTP/1.1\r\nHost: a\r\n\r\n",
                        "invalid request target"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void invalidRequestGets400AndClose(String name, String raw, String reason) throws Exception {
        long errorsBefore = balancer.monitor().count(400);
        int receivedBefore = backend.received().size();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send(raw);
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(response.json().get("error").asText()).containsIgnoringCase(reason);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(balancer.monitor().count(400)).isEqualTo(errorsBefore + 1);
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.cause()).isEqualTo(ErrorCause.MALFORMED_REQUEST);
        assertThat(record.message()).containsIgnoringCase(reason);
        assertThat(backend.received()).hasSize(receivedBefore);
    }

    @Test
    void otherMajorVersionGets505() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET / HTTP/2.0\r\nHost: a\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(505);
            assertThat(response.json().get("error").asText()).contains("HTTP/2.0");
            assertThat(client.isClosedByServer()).isTrue();
        }
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.cause()).isEqualTo(ErrorCause.HTTP_VERSION_NOT_SUPPORTED);
    }

    @Test
    void errorStatsShowRejectionReason() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /folded HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(400);
        }
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            JsonNode stats = client.get("/errors/stats").json();

            JsonNode newest = stats.get("recent_errors").get(0);
            assertThat(newest.get("type").asText()).isEqualTo("400_BAD_REQUEST");
            assertThat(newest.get("message").asText()).contains("obsolete line folding");
            assertThat(newest.get("cause").asText()).isEqualTo("malformed_request");
            assertThat(stats.get("error_types").get("400_BAD_REQUEST").asLong()).isPositive();
        }
    }

    @Test
    void pipelinedValidRequestIsAnsweredBeforeRejection() throws Exception {
        int receivedBefore = backend.received("/first").size();
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /second HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"
                    + "GET /third HTTP/1.1\r\nHost: a\r\n\r\n");

            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(client.readResponse().status()).isEqualTo(400);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(backend.received("/first")).hasSize(receivedBefore + 1);
        assertThat(backend.received("/second")).isEmpty();
        assertThat(backend.received("/third")).isEmpty();
    }

    @Test
    void bodiesThatLookLikeHeadsPassUnchanged() throws Exception {
        String trick = "\r\n\r\nGET /smuggled HTTP/1.1\r\nX-A: b\r\n c\r\nTransfer-Encoding: chunked\r\n\r\n";
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send(POST + "Content-Length: " + trick.length() + "\r\n\r\n" + trick);
            TestHttpClient.Response fixed = client.readResponse();
            client.send(CHUNKED_POST + Integer.toHexString(trick.length()) + "\r\n" + trick + "\r\n0\r\n\r\n");
            TestHttpClient.Response chunked = client.readResponse();
            TestHttpClient.Response after = client.get("/after");

            assertThat(fixed.status()).isEqualTo(200);
            assertThat(fixed.json().get("body").asText()).isEqualTo(trick);
            assertThat(chunked.status()).isEqualTo(200);
            assertThat(chunked.json().get("body").asText()).isEqualTo(trick);
            assertThat(after.status()).isEqualTo(200);
        }
        assertThat(backend.received("/smuggled")).isEmpty();
    }

    @Test
    void obsTextHeaderValuePassesUnchanged() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: a\r\nX-Text: caf\u00e9 \u00ff\u0080\r\n\r\n");

            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        FakeBackend.Received received = backend.received("/echo").get(backend.received("/echo").size() - 1);
        assertThat(received.header("X-Text")).isEqualTo("caf\u00e9 \u00ff\u0080");
    }

    @Test
    void contentLengthIsForwardedAsPlainNumber() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0005\r\n\r\nhello");

            assertThat(client.readResponse().json().get("body").asText()).isEqualTo("hello");
        }
        FakeBackend.Received received = backend.received("/echo").get(backend.received("/echo").size() - 1);
        assertThat(received.header("Content-Length")).isEqualTo("5");
    }

    @Test
    void leadingEmptyLineIsIgnored() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("\r\nGET /leading HTTP/1.1\r\nHost: a\r\n\r\n");

            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }
}
