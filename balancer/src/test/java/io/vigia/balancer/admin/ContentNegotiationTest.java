package io.vigia.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

class ContentNegotiationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8 | true",
        "text/html | true",
        "text/* | true",
        "*/* | false",
        "application/json | false",
        "application/json, text/html;q=0.5 | false",
        "text/html;q=0.9, application/json;q=0.8 | true",
        "text/html;q=0 | false",
        "text/html;q=abc | false",
        "TEXT/HTML | true",
    })
    void prefersHtml(String accept, boolean expected) {
        assertThat(ContentNegotiation.prefersHtml(accept)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullSource
    void missingAcceptMeansJson(String accept) {
        assertThat(ContentNegotiation.prefersHtml(accept)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "es | true",
        "es-ES,es;q=0.9 | true",
        "ES-mx | true",
        "en-US,es;q=0.9 | false",
        "est | false",
        "'' | false",
    })
    void prefersSpanish(String acceptLanguage, boolean expected) {
        assertThat(ContentNegotiation.prefersSpanish(acceptLanguage)).isEqualTo(expected);
    }
}
