package io.vigia.balancer.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class DashboardLanguageTest {

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "es-CL,es;q=0.9                | ES",
            "es                            | ES",
            "ES-419                        | ES",
            "fr-FR, es;q=0.5, en;q=0.4     | ES",
            "en-US,en;q=0.9,es;q=0.8       | EN",
            "es;q=0.4, en;q=0.6            | EN",
            "es;q=0, fr                    | EN",
            "*, es;q=0.5                   | EN",
            "de-DE                         | EN",
            "es;q=abc                      | EN",
            "en;q=0.9, es;q=0.9            | EN",
            "es;q=0.9, en;q=0.9            | ES",
    })
    void choosesPreferredSupportedLanguage(String header, DashboardLanguage expected) {
        assertThat(DashboardLanguage.fromAcceptLanguage(header)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingHeaderMeansEnglish(String header) {
        assertThat(DashboardLanguage.fromAcceptLanguage(header)).isEqualTo(DashboardLanguage.EN);
    }
}
