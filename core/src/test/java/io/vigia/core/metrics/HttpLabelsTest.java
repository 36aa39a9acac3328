package io.vigia.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class HttpLabelsTest {

    @Test
    void standardMethodsHaveTheirOwnLabel() {
        assertThat(HttpLabels.METHODS.get(HttpLabels.methodIndex(HttpMethod.GET))).isEqualTo("GET");
        assertThat(HttpLabels.METHODS.get(HttpLabels.methodIndex(HttpMethod.OPTIONS))).isEqualTo("OPTIONS");
        assertThat(HttpLabels.METHODS.get(HttpLabels.methodIndex(HttpMethod.valueOf("PATCH")))).isEqualTo("PATCH");
    }

    @Test
    void unknownMethodsShareOtherLabel() {
        assertThat(HttpLabels.METHODS.get(HttpLabels.methodIndex(HttpMethod.valueOf("BREW")))).isEqualTo("other");
        assertThat(HttpLabels.METHODS.get(HttpLabels.methodIndex(HttpMethod.TRACE))).isEqualTo("other");
        assertThat(HttpLabels.METHODS.get(HttpLabels.methodIndex((HttpMethod) null))).isEqualTo("other");
    }

    @Test
    void statusesMapToTheirClass() {
        assertThat(HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(101))).isEqualTo("1xx");
        assertThat(HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(200))).isEqualTo("2xx");
        assertThat(HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(399))).isEqualTo("3xx");
        assertThat(HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(404))).isEqualTo("4xx");
        assertThat(HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(599))).isEqualTo("5xx");
        assertThat(HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(600))).isEqualTo("other");
        assertThat(HttpLabels.STATUS_CLASSES.get(HttpLabels.statusClassIndex(0))).isEqualTo("other");
    }
}
