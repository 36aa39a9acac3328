package io.vigia.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ErrorBucketTest {

    /** The expected bucket of every status from 400 to 599, written out so a table change shows up here. */
    private static final Map<Integer, String> NAMED = Map.ofEntries(
            Map.entry(400, "400_BAD_REQUEST"),
            Map.entry(401, "401_UNAUTHORIZED"),
            Map.entry(402, "402_PAYMENT_REQUIRED"),
            Map.entry(403, "403_FORBIDDEN"),
            Map.entry(404, "404_NOT_FOUND"),
            Map.entry(405, "405_METHOD_NOT_ALLOWED"),
            Map.entry(406, "406_NOT_ACCEPTABLE"),
            Map.entry(407, "407_PROXY_AUTHENTICATION_REQUIRED"),
            Map.entry(408, "408_REQUEST_TIMEOUT"),
            Map.entry(409, "409_CONFLICT"),
            Map.entry(410, "410_GONE"),
            Map.entry(411, "411_LENGTH_REQUIRED"),
            Map.entry(412, "412_PRECONDITION_FAILED"),
            Map.entry(413, "413_CONTENT_TOO_LARGE"),
            Map.entry(414, "414_URI_TOO_LONG"),
            Map.entry(415, "415_UNSUPPORTED_MEDIA_TYPE"),
            Map.entry(416, "416_RANGE_NOT_SATISFIABLE"),
            Map.entry(417, "417_EXPECTATION_FAILED"),
            Map.entry(421, "421_MISDIRECTED_REQUEST"),
            Map.entry(422, "422_UNPROCESSABLE_CONTENT"),
            Map.entry(423, "423_LOCKED"),
            Map.entry(424, "424_FAILED_DEPENDENCY"),
            Map.entry(425, "425_TOO_EARLY"),
            Map.entry(426, "426_UPGRADE_REQUIRED"),
            Map.entry(428, "428_PRECONDITION_REQUIRED"),
            Map.entry(429, "429_TOO_MANY_REQUESTS"),
            Map.entry(431, "431_REQUEST_HEADER_FIELDS_TOO_LARGE"),
            Map.entry(451, "451_UNAVAILABLE_FOR_LEGAL_REASONS"),
            Map.entry(500, "500_INTERNAL_ERROR"),
            Map.entry(501, "501_NOT_IMPLEMENTED"),
            Map.entry(502, "502_BAD_GATEWAY"),
            Map.entry(503, "503_SERVICE_UNAVAILABLE"),
            Map.entry(504, "504_GATEWAY_TIMEOUT"),
            Map.entry(505, "505_HTTP_VERSION_NOT_SUPPORTED"),
            Map.entry(506, "506_VARIANT_ALSO_NEGOTIATES"),
            Map.entry(507, "507_INSUFFICIENT_STORAGE"),
            Map.entry(508, "508_LOOP_DETECTED"),
            Map.entry(510, "510_NOT_EXTENDED"),
            Map.entry(511, "511_NETWORK_AUTHENTICATION_REQUIRED"));

    @Test
    void everyStatusFrom400To599HasItsBucket() {
        for (int status = 400; status <= 599; status++) {
            String expected = NAMED.getOrDefault(status,
                    status + (status < 500 ? "_CLIENT_ERROR" : "_SERVER_ERROR"));

            ErrorBucket bucket = ErrorBucket.of(status);

            assertThat(bucket).as("bucket of %d", status).isNotNull();
            assertThat(bucket.name()).as("name of %d", status).isEqualTo(expected);
            assertThat(bucket.status()).isEqualTo(status);
        }
    }

    @Test
    void courseSystemNamesAreKept() {
        assertThat(ErrorBucket.of(400).name()).isEqualTo("400_BAD_REQUEST");
        assertThat(ErrorBucket.of(404).name()).isEqualTo("404_NOT_FOUND");
        assertThat(ErrorBucket.of(500).name()).isEqualTo("500_INTERNAL_ERROR");
    }

    @Test
    void statusesBelow400AreNotErrors() {
        for (int status = 100; status < 400; status++) {
            assertThat(ErrorBucket.of(status)).as("bucket of %d", status).isNull();
            assertThat(ErrorBucket.isError(status)).as("isError(%d)", status).isFalse();
        }
    }

    @Test
    void nonStandardThreeDigitCodesStillClassify() {
        assertThat(ErrorBucket.of(600).name()).isEqualTo("600_UNKNOWN_ERROR");
        assertThat(ErrorBucket.of(999).name()).isEqualTo("999_UNKNOWN_ERROR");
        assertThat(ErrorBucket.of(1000)).isNull();
        assertThat(ErrorBucket.of(-1)).isNull();
    }

    @Test
    void lookupReturnsSharedInstances() {
        Set<String> names = new HashSet<>();
        for (int status = 400; status <= 999; status++) {
            assertThat(ErrorBucket.of(status)).isSameAs(ErrorBucket.of(status));
            names.add(ErrorBucket.of(status).name());
        }
        assertThat(names).hasSize(600);
    }

    @Test
    void causesMapToGatewayBuckets() {
        assertThat(ErrorCause.CONNECT_REFUSED.bucket().name()).isEqualTo("502_BAD_GATEWAY");
        assertThat(ErrorCause.NO_HEALTHY_BACKEND.bucket().name()).isEqualTo("503_SERVICE_UNAVAILABLE");
        assertThat(ErrorCause.RESPONSE_TIMEOUT.bucket().name()).isEqualTo("504_GATEWAY_TIMEOUT");
        assertThat(ErrorCause.CONNECT_TIMEOUT.bucket().name()).isEqualTo("504_GATEWAY_TIMEOUT");
        assertThat(ErrorCause.MALFORMED_REQUEST.bucket().name()).isEqualTo("400_BAD_REQUEST");
        for (ErrorCause cause : ErrorCause.values()) {
            assertThat(cause.bucket()).as("bucket of %s", cause).isNotNull();
        }
    }

    @Test
    void clientLimitCausesMapToTheirBuckets() {
        assertThat(ErrorCause.REQUEST_TIMEOUT.bucket().name()).isEqualTo("408_REQUEST_TIMEOUT");
        assertThat(ErrorCause.CONTENT_TOO_LARGE.bucket().name()).isEqualTo("413_CONTENT_TOO_LARGE");
        assertThat(ErrorCause.URI_TOO_LONG.bucket().name()).isEqualTo("414_URI_TOO_LONG");
        assertThat(ErrorCause.HEADERS_TOO_LARGE.bucket().name()).isEqualTo("431_REQUEST_HEADER_FIELDS_TOO_LARGE");
        assertThat(ErrorCause.CONNECTION_LIMIT.bucket().name()).isEqualTo("503_SERVICE_UNAVAILABLE");
        assertThat(ErrorCause.HTTP_VERSION_NOT_SUPPORTED.bucket().name()).isEqualTo("505_HTTP_VERSION_NOT_SUPPORTED");
    }
}
