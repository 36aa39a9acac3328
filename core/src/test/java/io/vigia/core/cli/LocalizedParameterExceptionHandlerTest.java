package io.vigia.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

class LocalizedParameterExceptionHandlerTest {

    private static final Locale SPANISH = UserLanguage.SPANISH;
    private static final Locale ENGLISH = Locale.ENGLISH;
    private static final String HINT = "Run with --help.";

    /** A command with one option of each type that the handler describes. */
    @Command(name = "sample")
    static final class SampleCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PORT")
        int port;

        @Option(names = "--rise", paramLabel = "N")
        int rise;

        @Option(names = "--timeout-ms", paramLabel = "MS")
        long timeoutMillis;

        @Option(names = "--ratio", paramLabel = "R")
        double ratio;

        @Option(names = "--enabled", arity = "1", paramLabel = "true|false")
        boolean enabled;

        @Option(names = "--ports", split = ",", paramLabel = "PORT")
        List<Integer> ports = new ArrayList<>();

        @Option(names = "--name", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if ("bad".equals(name)) {
                throw new ParameterException(spec.commandLine(), "Nombre no válido: 'bad'.");
            }
            return 0;
        }
    }

    /** Exit status and error output of one run. */
    private record Run(int exitCode, String err) {
    }

    private static Run run(Locale locale, String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new SampleCommand())
                .setErr(new PrintWriter(err, true))
                .setOut(new PrintWriter(new StringWriter(), true))
                .setParameterExceptionHandler(new LocalizedParameterExceptionHandler(locale, HINT));
        return new Run(commandLine.execute(args), err.toString());
    }

    private static String firstLine(Locale locale, String... args) {
        return run(locale, args).err().lines().findFirst().orElse("");
    }

    @Test
    void unknownOptionInBothLanguages() {
        Run spanish = run(SPANISH, "1", "--bogus");
        Run english = run(ENGLISH, "1", "--bogus");

        assertThat(spanish.exitCode()).isEqualTo(2);
        assertThat(spanish.err()).isEqualTo(lines("Opción desconocida: '--bogus'.", HINT));
        assertThat(english.exitCode()).isEqualTo(2);
        assertThat(english.err()).isEqualTo(lines("Unknown option: '--bogus'.", HINT));
    }

    @Test
    void severalUnknownOptionsAreListed() {
        assertThat(firstLine(SPANISH, "1", "--a", "--b")).isEqualTo("Opciones desconocidas: '--a', '--b'.");
        assertThat(firstLine(ENGLISH, "1", "--a", "--b")).isEqualTo("Unknown options: '--a', '--b'.");
    }

    @Test
    void mistypedOptionGetsSuggestion() {
        Run spanish = run(SPANISH, "1", "--ris");
        Run english = run(ENGLISH, "1", "--ris");

        assertThat(spanish.err()).isEqualTo(lines("Opción desconocida: '--ris'.", "¿Quiso decir --rise?", HINT));
        assertThat(english.err()).isEqualTo(lines("Unknown option: '--ris'.", "Did you mean --rise?", HINT));
    }

    @Test
    void valueAfterUnknownOptionIsUnexpectedArgument() {
        Run run = run(SPANISH, "1", "--ris", "3");

        assertThat(run.err()).isEqualTo(lines("Opción desconocida: '--ris'.", "Argumento inesperado: '3'.",
                "¿Quiso decir --rise?", HINT));
    }

    @Test
    void extraArgumentsAreUnexpected() {
        assertThat(firstLine(SPANISH, "1", "2")).isEqualTo("Argumento inesperado: '2'.");
        assertThat(firstLine(ENGLISH, "1", "2")).isEqualTo("Unexpected argument: '2'.");
        assertThat(firstLine(SPANISH, "1", "2", "3")).isEqualTo("Argumentos inesperados: '2', '3'.");
        assertThat(firstLine(ENGLISH, "1", "2", "3")).isEqualTo("Unexpected arguments: '2', '3'.");
    }

    @Test
    void badIntegerInBothLanguages() {
        Run spanish = run(SPANISH, "1", "--rise", "abc");
        Run english = run(ENGLISH, "1", "--rise", "abc");

        assertThat(spanish.exitCode()).isEqualTo(2);
        assertThat(spanish.err()).isEqualTo(lines("Valor no válido para --rise: 'abc' (se esperaba un número"
                + " entero de -2147483648 a 2147483647).", HINT));
        assertThat(english.exitCode()).isEqualTo(2);
        assertThat(english.err()).isEqualTo(lines("Invalid value for --rise: 'abc' (expected an integer from"
                + " -2147483648 to 2147483647).", HINT));
    }

    @Test
    void integerOutOfRangeIsInvalid() {
        assertThat(firstLine(ENGLISH, "1", "--rise", "99999999999"))
                .isEqualTo("Invalid value for --rise: '99999999999' (expected an integer from -2147483648 to"
                        + " 2147483647).");
    }

    @Test
    void badLongDoubleAndBoolean() {
        assertThat(firstLine(SPANISH, "1", "--timeout-ms", "1.5")).isEqualTo("Valor no válido para --timeout-ms:"
                + " '1.5' (se esperaba un número entero de -9223372036854775808 a 9223372036854775807).");
        assertThat(firstLine(SPANISH, "1", "--ratio", "x"))
                .isEqualTo("Valor no válido para --ratio: 'x' (se esperaba un número).");
        assertThat(firstLine(ENGLISH, "1", "--enabled", "maybe"))
                .isEqualTo("Invalid value for --enabled: 'maybe' (expected true or false).");
    }

    @Test
    void badListElementNamesTheElement() {
        assertThat(firstLine(ENGLISH, "1", "--ports", "1,x"))
                .isEqualTo("Invalid value for --ports: 'x' (expected an integer from -2147483648 to 2147483647).");
    }

    @Test
    void badPositionalNamesItsLabel() {
        assertThat(firstLine(SPANISH, "eighty"))
                .isEqualTo("Valor no válido para PORT: 'eighty' (se esperaba un número entero de -2147483648 a"
                        + " 2147483647).");
    }

    @Test
    void missingOptionValueInBothLanguages() {
        assertThat(firstLine(SPANISH, "1", "--rise")).isEqualTo("Falta el valor de la opción --rise: se esperaba N.");
        assertThat(firstLine(ENGLISH, "1", "--rise")).isEqualTo("Missing value for option --rise: expected N.");
        assertThat(firstLine(SPANISH, "1", "--name", "--rise", "3"))
                .isEqualTo("Falta el valor de la opción --name: se esperaba NAME.");
    }

    @Test
    void missingPositionalInBothLanguages() {
        assertThat(firstLine(SPANISH)).isEqualTo("Falta el argumento obligatorio PORT.");
        assertThat(firstLine(ENGLISH)).isEqualTo("Missing required argument PORT.");
    }

    @Test
    void repeatedOptionInBothLanguages() {
        assertThat(firstLine(SPANISH, "1", "--rise", "1", "--rise", "2"))
                .isEqualTo("La opción --rise aparece más de una vez; indíquela una sola vez.");
        assertThat(firstLine(ENGLISH, "1", "--rise=1", "--rise=2"))
                .isEqualTo("Option --rise is given more than once; give it once.");
    }

    @Test
    void commandsOwnMessagePassesThrough() {
        Run run = run(ENGLISH, "1", "--name", "bad");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(lines("Nombre no válido: 'bad'.", HINT));
    }

    @Test
    void hintIsOptional() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new SampleCommand()).setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler(new LocalizedParameterExceptionHandler(ENGLISH, null));

        assertThat(commandLine.execute("1", "--bogus")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(lines("Unknown option: '--bogus'."));
    }

    @Test
    void otherLanguagesGetEnglish() {
        assertThat(firstLine(Locale.FRENCH, "1", "--bogus")).isEqualTo("Unknown option: '--bogus'.");
        assertThat(firstLine(Locale.forLanguageTag("es-CL"), "1", "--bogus"))
                .isEqualTo("Opción desconocida: '--bogus'.");
    }

    private static String lines(String... lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append(System.lineSeparator());
        }
        return text.toString();
    }
}
