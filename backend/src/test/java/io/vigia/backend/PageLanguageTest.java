package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class PageLanguageTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "es | SPANISH",
            "es-CL,es;q=0.9 | SPANISH",
            "ES-es | SPANISH",
            "fr,es;q=0.5,en;q=0.4 | SPANISH",
            "en;q=0.5,es;q=0.8 | SPANISH",
            "en | ENGLISH",
            "en-US,en;q=0.9,es;q=0.8 | ENGLISH",
            "es;q=0,en;q=0.1 | ENGLISH",
            "fr-FR,de;q=0.9 | ENGLISH",
            "* | ENGLISH",
            "es-;;q=x | ENGLISH",
    })
    void choosesByPreference(String header, PageLanguage expected) {
        assertThat(PageLanguage.fromAcceptLanguage(header)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingHeaderGivesEnglish(String header) {
        assertThat(PageLanguage.fromAcceptLanguage(header)).isEqualTo(PageLanguage.ENGLISH);
    }
}
