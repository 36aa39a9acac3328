package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonReprTest {

    @Test
    void dictMatchesCourseOutput() {
        Map<String, Long> types = new LinkedHashMap<>();
        types.put("400_BAD_REQUEST", 1L);
        types.put("404_NOT_FOUND", 1L);
        types.put("500_INTERNAL_ERROR", 1L);

        assertThat(PythonRepr.dict(types))
                .isEqualTo("{'400_BAD_REQUEST': 1, '404_NOT_FOUND': 1, '500_INTERNAL_ERROR': 1}");
    }

    @Test
    void dictKeepsIterationOrder() {
        Map<String, Long> types = new LinkedHashMap<>();
        types.put("503_SERVICE_UNAVAILABLE", 12_345L);
        types.put("400_BAD_REQUEST", 0L);

        assertThat(PythonRepr.dict(types)).isEqualTo("{'503_SERVICE_UNAVAILABLE': 12345, '400_BAD_REQUEST': 0}");
    }

    @Test
    void emptyDict() {
        assertThat(PythonRepr.dict(Map.of())).isEqualTo("{}");
    }

    /** Expected values are what CPython 3.12 prints for repr() of the same text. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain         | abc                | 'abc'",
            "empty         | ``                 | ''",
            "single quote  | it's               | \"it's\"",
            "both quotes   | a'b\"c             | 'a\\'b\"c'",
            "double quote  | say \"hi\"         | 'say \"hi\"'",
            "backslash     | a\\b               | 'a\\\\b'",
            "non-ASCII     | camión             | 'camión'",
            "astral emoji  | \uD83D\uDE00       | '\uD83D\uDE00'",
    })
    void stringQuotesLikePython(String description, String text, String expected) {
        assertThat(PythonRepr.string(text)).isEqualTo(expected);
    }

    @Test
    void stringEscapesControlCharacters() {
        assertThat(PythonRepr.string("a\tb\nc\rd")).isEqualTo("'a\\tb\\nc\\rd'");
        assertThat(PythonRepr.string("\u0007")).isEqualTo("'\\x07'");
        assertThat(PythonRepr.string("\u007f")).isEqualTo("'\\x7f'");
    }

    @Test
    void stringEscapesNonPrintableUnicode() {
        assertThat(PythonRepr.string("\u00a0")).as("no-break space").isEqualTo("'\\xa0'");
        assertThat(PythonRepr.string("\u200b")).as("zero-width space").isEqualTo("'\\u200b'");
        assertThat(PythonRepr.string("\u2028")).as("line separator").isEqualTo("'\\u2028'");
        assertThat(PythonRepr.string("\ue000")).as("private use").isEqualTo("'\\ue000'");
        assertThat(PythonRepr.string(new String(Character.toChars(0xf0000)))).as("supplementary private use")
                .isEqualTo("'\\U000f0000'");
        assertThat(PythonRepr.string("\ud800")).as("lone surrogate").isEqualTo("'\\ud800'");
    }
}
