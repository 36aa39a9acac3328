package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorSummaryTest {

    @Test
    void parseOrdersBucketsByStatus() {
        ErrorSummary summary = parse("{\"total_errors\": 6, \"error_types\": {\"503_SERVICE_UNAVAILABLE\": 1,"
                + " \"404_NOT_FOUND\": 2, \"400_BAD_REQUEST\": 3}, \"recent_errors\": []}");

        assertThat(summary.totalErrors()).isEqualTo(6);
        assertThat(summary.errorTypes()).containsExactly(
                entry("400_BAD_REQUEST", 3L), entry("404_NOT_FOUND", 2L), entry("503_SERVICE_UNAVAILABLE", 1L));
    }

    @Test
    void parsePutsBucketsWithoutCodeLast() {
        ErrorSummary summary = parse("{\"total_errors\": 3, \"error_types\": {\"OTHER\": 1, \"500_INTERNAL_ERROR\": 1,"
                + " \"418_CLIENT_ERROR\": 1}}");

        assertThat(summary.errorTypes().keySet()).containsExactly("418_CLIENT_ERROR", "500_INTERNAL_ERROR", "OTHER");
    }

    @Test
    void parseAcceptsNoErrors() {
        ErrorSummary summary = parse("{\"total_errors\": 0, \"error_types\": {}, \"recent_errors\": []}");

        assertThat(summary.totalErrors()).isZero();
        assertThat(summary.errorTypes()).isEmpty();
    }

    @Test
    void parseRejectsNonJson() {
        assertThatIllegalArgumentException().isThrownBy(() -> parse("<html>Bad Gateway</html>"))
                .withMessageContaining("not JSON");
    }

    @Test
    void parseRejectsJsonArray() {
        assertThatIllegalArgumentException().isThrownBy(() -> parse("[1, 2]"))
                .withMessageContaining("not a JSON object");
    }

    @Test
    void parseRejectsMissingTotal() {
        assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"error_types\": {}}"))
                .withMessageContaining("total_errors");
    }

    @Test
    void parseRejectsMissingTypes() {
        assertThatIllegalArgumentException().isThrownBy(() -> parse("{\"total_errors\": 1}"))
                .withMessageContaining("error_types");
    }

    @Test
    void parseRejectsNonIntegerCount() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> parse("{\"total_errors\": 1, \"error_types\": {\"404_NOT_FOUND\": \"one\"}}"))
                .withMessageContaining("error_types.404_NOT_FOUND");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> parse("{\"total_errors\": 1.5, \"error_types\": {}}"))
                .withMessageContaining("total_errors");
    }

    @Test
    void statusOfReadsLeadingCode() {
        assertThat(ErrorSummary.statusOf("404_NOT_FOUND")).isEqualTo(404);
        assertThat(ErrorSummary.statusOf("NOT_FOUND")).isEqualTo(Integer.MAX_VALUE);
        assertThat(ErrorSummary.statusOf("")).isEqualTo(Integer.MAX_VALUE);
    }

    private static ErrorSummary parse(String json) {
        return ErrorSummary.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
