package io.vigia.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserLanguageTest {

    private static final Locale US = Locale.US;

    @Test
    void noLocaleMeansSpanish() {
        assertThat(UserLanguage.detect(Map.of(), US)).isEqualTo(UserLanguage.SPANISH);
    }

    @Test
    void neutralLocalesMeanSpanish() {
        assertThat(UserLanguage.detect(Map.of("LANG", "C.UTF-8"), US)).isEqualTo(UserLanguage.SPANISH);
        assertThat(UserLanguage.detect(Map.of("LANG", "C"), US)).isEqualTo(UserLanguage.SPANISH);
        assertThat(UserLanguage.detect(Map.of("LC_ALL", "POSIX"), US)).isEqualTo(UserLanguage.SPANISH);
        assertThat(UserLanguage.detect(Map.of("LANG", ""), US)).isEqualTo(UserLanguage.SPANISH);
    }

    @Test
    void namedLocaleIsFollowed() {
        assertThat(UserLanguage.detect(Map.of("LANG", "en_US.UTF-8"), US)).isEqualTo(UserLanguage.ENGLISH);
        assertThat(UserLanguage.detect(Map.of("LANG", "es_CL.UTF-8"), new Locale("es", "CL")))
                .isEqualTo(UserLanguage.SPANISH);
        assertThat(UserLanguage.detect(Map.of("LANG", "de_DE.UTF-8"), Locale.GERMANY))
                .isEqualTo(UserLanguage.ENGLISH);
    }

    @Test
    void lcAllTakesPrecedenceOverLang() {
        Map<String, String> environment = Map.of("LC_ALL", "C.UTF-8", "LANG", "en_US.UTF-8");

        assertThat(UserLanguage.detect(environment, US)).isEqualTo(UserLanguage.SPANISH);
    }

    @Test
    void spanishLocaleTheMachineLacksStillGivesSpanish() {
        // Without es_ES installed, the JVM reports English for LANG=es_ES.UTF-8.
        assertThat(UserLanguage.detect(Map.of("LANG", "es_ES.UTF-8"), US)).isEqualTo(UserLanguage.SPANISH);
        assertThat(UserLanguage.detect(Map.of("LC_ALL", "es"), US)).isEqualTo(UserLanguage.SPANISH);
        assertThat(UserLanguage.detect(Map.of("LANG", "eu_ES.UTF-8"), US)).isEqualTo(UserLanguage.ENGLISH);
    }
}
