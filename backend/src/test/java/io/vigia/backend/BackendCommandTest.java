package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of the backend's command line, in-process. */
class BackendCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void portAloneUsesDefaults() {
        BackendCommand.Result result = parse("5001");

        assertThat(result.exitCode()).isZero();
        assertThat(result.config().port()).isEqualTo(5001);
        assertThat(result.config().host()).isEqualTo("127.0.0.1");
        assertThat(result.config().databaseFile()).isEqualTo(Path.of("data/tasks.db").toAbsolutePath());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void unresolvedHostIsUsageError() {
        BackendCommand.Result result = parse("0", "--host", "999.1.1.1", "--lang", "en");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.config()).isNull();
    }

    @Test
    void optionsOverrideDefaults() {
        BackendCommand.Result result = parse("0", "--host", "0.0.0.0", "--db=/tmp/vigia/t.db", "--lang", "en");

        assertThat(result.config().port()).isZero();
        assertThat(result.config().host()).isEqualTo("0.0.0.0");
        assertThat(result.config().databaseFile()).isEqualTo(Path.of("/tmp/vigia/t.db"));
    }

    @Test
    void databasePropertyAppliesWithoutDbOption() {
        String previous = System.getProperty(BackendConfig.DATABASE_PROPERTY);
        System.setProperty(BackendConfig.DATABASE_PROPERTY, "/tmp/from-property.db");
        try {
            assertThat(parse("5001").config().databaseFile()).isEqualTo(Path.of("/tmp/from-property.db"));
            assertThat(parse("5001", "--db", "/tmp/from-option.db").config().databaseFile())
                    .isEqualTo(Path.of("/tmp/from-option.db"));
        } finally {
            if (previous == null) {
                System.clearProperty(BackendConfig.DATABASE_PROPERTY);
            } else {
                System.setProperty(BackendConfig.DATABASE_PROPERTY, previous);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "65536", "99999999999", "1.5", " "})
    void invalidPortExitsWith2AndNamesValue(String port) {
        BackendCommand.Result result = parse(port, "--lang", "en");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.config()).isNull();
        assertThat(err.toString()).contains("Invalid port '" + port + "': expected an integer from 0 to 65535.");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void invalidPortMessageIsSpanishWithLangEs() {
        BackendCommand.Result result = parse("abc", "--lang", "es");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(err.toString()).contains("Puerto no válido 'abc': se espera un entero de 0 a 65535.")
                .contains("--help");
    }

    @Test
    void boundaryPortsAreAccepted() {
        assertThat(parse("65535").config().port()).isEqualTo(65535);
        assertThat(parse("0").config().port()).isZero();
    }

    @Test
    void missingPortExitsWith2() {
        BackendCommand.Result result = parse("--lang", "en");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing PORT");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "5001 --verbose | Opción desconocida: '--verbose'. | Unknown option: '--verbose'.",
        "5001 5002 | Argumento inesperado: '5002'. | Unexpected argument: '5002'.",
        "5001 --host | Falta el valor de la opción --host: se esperaba HOST."
                + " | Missing value for option --host: expected HOST.",
    })
    void parseErrorInBothLanguages(String args, String spanish, String english) {
        BackendCommand.Result spanishResult = parse((args + " --lang es").split(" "));
        String spanishErr = err.toString();
        err.getBuffer().setLength(0);
        BackendCommand.Result englishResult = parse(("--lang en " + args).split(" "));
        String englishErr = err.toString();

        assertThat(spanishResult.exitCode()).isEqualTo(2);
        assertThat(spanishResult.config()).isNull();
        assertThat(spanishErr).isEqualTo(spanish + System.lineSeparator() + "Ejecute con --help para ver los"
                + " argumentos." + System.lineSeparator());
        assertThat(englishResult.exitCode()).isEqualTo(2);
        assertThat(englishErr).isEqualTo(english + System.lineSeparator() + "Run with --help to see the arguments."
                + System.lineSeparator());
    }

    @Test
    void unsupportedLanguageExitsWith2() {
        BackendCommand.Result result = parse("5001", "--lang", "fr");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(err.toString()).contains("'fr'").contains("es").contains("en");
    }

    @Test
    void blankHostExitsWith2() {
        BackendCommand.Result result = parse("5001", "--host", " ", "--lang", "en");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(err.toString()).startsWith("Invalid host");
    }

    @Test
    void helpInEnglish() {
        BackendCommand.Result result = parse("--help", "--lang", "en");

        assertThat(result.exitCode()).isZero();
        assertThat(result.config()).isNull();
        assertThat(out.toString()).startsWith("Usage: BackendServer")
                .contains("--db=FILE").contains("--lang=es|en").contains("Default: 127.0.0.1.")
                .contains("Exit status:");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpInSpanish() {
        BackendCommand.Result result = parse("-h", "--lang=es");

        assertThat(result.exitCode()).isZero();
        assertThat(out.toString()).startsWith("Uso: BackendServer")
                .contains("Puerto TCP en el que escuchar").contains("Por defecto: 127.0.0.1.");
    }

    @Test
    void languageFollowsSystemLocaleWithoutLang() {
        Locale previous = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("es-ES"));
            assertThat(BackendCommand.chooseLocale(new String[] {"5001"}).getLanguage()).isEqualTo("es");
            assertThat(BackendCommand.chooseLocale(new String[] {"5001", "--lang", "en"}).getLanguage())
                    .isEqualTo("en");
            // Which language another locale gets also depends on LANG and LC_ALL; UserLanguageTest covers that.
        } finally {
            Locale.setDefault(previous);
        }
    }

    @Test
    void englishMessagesIgnoreSpanishLocale() {
        Locale previous = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("es-ES"));
            ResourceBundle messages = BackendCommand.messages(Locale.ENGLISH);

            assertThat(messages.getString("help")).isEqualTo("Shows this help and exits.");
        } finally {
            Locale.setDefault(previous);
        }
    }

    @Test
    void parsePortNamesValue() {
        ResourceBundle messages = BackendCommand.messages(Locale.ENGLISH);

        assertThat(BackendCommand.parsePort("5001", messages)).isEqualTo(5001);
        assertThatThrownBy(() -> BackendCommand.parsePort("x1", messages))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid port 'x1': expected an integer from 0 to 65535.");
    }

    private BackendCommand.Result parse(String... args) {
        return BackendCommand.parse(args, new PrintWriter(out), new PrintWriter(err));
    }
}
