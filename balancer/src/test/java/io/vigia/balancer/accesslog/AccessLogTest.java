package io.vigia.balancer.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void millisKeepMicroseconds() {
        assertThat(AccessLog.millis(0)).isEqualTo("0.000");
        assertThat(AccessLog.millis(999)).isEqualTo("0.000");
        assertThat(AccessLog.millis(7_000)).isEqualTo("0.007");
        assertThat(AccessLog.millis(87_654)).isEqualTo("0.087");
        assertThat(AccessLog.millis(412_345)).isEqualTo("0.412");
        assertThat(AccessLog.millis(12_345_678)).isEqualTo("12.345");
        assertThat(AccessLog.millis(-5)).isEqualTo("0.000");
    }

    @Test
    void pathLosesQueryAndFragment() {
        assertThat(AccessLog.sanitizedPath("/api/tasks?token=secret")).isEqualTo("/api/tasks");
        assertThat(AccessLog.sanitizedPath("/page#top")).isEqualTo("/page");
        assertThat(AccessLog.sanitizedPath("/plain")).isEqualTo("/plain");
    }

    @Test
    void pathCannotSplitTheLine() {
        assertThat(AccessLog.sanitizedPath("/a b\"c\td\u007f")).isEqualTo("/a?b?c?d?");
    }

    @Test
    void longPathIsCut() {
        String path = "/" + "x".repeat(5_000);

        assertThat(AccessLog.sanitizedPath(path)).hasSize(AccessLog.MAX_PATH_CHARS);
    }

    @Test
    void formatParsesItsLabels() {
        assertThat(AccessLogFormat.parse("json")).isEqualTo(AccessLogFormat.JSON);
        assertThat(AccessLogFormat.parse("TEXT")).isEqualTo(AccessLogFormat.TEXT);
        assertThat(AccessLogFormat.parse("xml")).isNull();
        assertThat(AccessLogFormat.parse(null)).isNull();
    }
}
