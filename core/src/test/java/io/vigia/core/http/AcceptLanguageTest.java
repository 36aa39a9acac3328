package io.vigia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptLanguageTest {

    @Test
    void spanishRangesGiveSpanish() {
        assertThat(AcceptLanguage.prefersSpanish("es")).isTrue();
        assertThat(AcceptLanguage.prefersSpanish("es-CL,es;q=0.9")).isTrue();
        assertThat(AcceptLanguage.prefersSpanish("fr,es;q=0.5")).isTrue();
        assertThat(AcceptLanguage.prefersSpanish("en;q=0.4, es-MX;q=0.8")).isTrue();
    }

    @Test
    void englishOrWildcardFirstGivesEnglish() {
        assertThat(AcceptLanguage.prefersSpanish("en-US,es;q=0.8")).isFalse();
        assertThat(AcceptLanguage.prefersSpanish("*,es;q=0.5")).isFalse();
        assertThat(AcceptLanguage.prefersSpanish("es;q=0, en")).isFalse();
    }

    @Test
    void missingOrMalformedGivesEnglish() {
        assertThat(AcceptLanguage.prefersSpanish(null)).isFalse();
        assertThat(AcceptLanguage.prefersSpanish("  ")).isFalse();
        assertThat(AcceptLanguage.prefersSpanish("es;q=abc")).isFalse();
        assertThat(AcceptLanguage.prefersSpanish("estonian-language-x")).isFalse();
    }
}
