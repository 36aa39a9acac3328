package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vigia.it.CommandLineArguments.Command;
import io.vigia.it.CommandLineArguments.UsageException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class CommandLineArgumentsTest {

    @Test
    void demoUsesDefaultLanguage() throws UsageException {
        CommandLineArguments arguments = parse(Language.ES, "demo");

        assertThat(arguments.command()).isEqualTo(Command.DEMO);
        assertThat(arguments.language()).isEqualTo(Language.ES);
        assertThat(arguments.balancerUrl()).isNull();
    }

    @Test
    void scenarioDefaultsToLocalBalancer() throws UsageException {
        CommandLineArguments arguments = parse(Language.EN, "scenario");

        assertThat(arguments.command()).isEqualTo(Command.SCENARIO);
        assertThat(arguments.balancerUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    }

    @Test
    void scenarioTakesPositionalUrl() throws UsageException {
        CommandLineArguments arguments = parse(Language.EN, "scenario", "http://localhost:9090");

        assertThat(arguments.balancerUrl()).isEqualTo(URI.create("http://localhost:9090"));
    }

    @Test
    void scenarioTakesUrlOptionInBothForms() throws UsageException {
        assertThat(parse(Language.EN, "scenario", "--url", "http://127.0.0.1:9").balancerUrl())
                .isEqualTo(URI.create("http://127.0.0.1:9"));
        assertThat(parse(Language.EN, "--url=http://127.0.0.1:9", "scenario").balancerUrl())
                .isEqualTo(URI.create("http://127.0.0.1:9"));
    }

    @Test
    void langOptionOverridesDefault() throws UsageException {
        assertThat(parse(Language.ES, "scenario", "--lang", "en").language()).isEqualTo(Language.EN);
        assertThat(parse(Language.EN, "--lang=ES", "demo").language()).isEqualTo(Language.ES);
    }

    @Test
    void helpNeedsNoCommand() throws UsageException {
        assertThat(parse(Language.EN, "--help").command()).isEqualTo(Command.HELP);
        assertThat(parse(Language.EN, "scenario", "-h").command()).isEqualTo(Command.HELP);
    }

    @Test
    void missingCommandRejected() {
        assertThat(usageError(Language.EN)).isEqualTo("Missing command: expected demo or scenario.");
    }

    @Test
    void unknownCommandRejected() {
        assertThat(usageError(Language.EN, "start")).isEqualTo("Unknown command: start. Expected demo or scenario.");
    }

    @Test
    void unknownOptionRejected() {
        assertThat(usageError(Language.EN, "demo", "--port", "1")).isEqualTo("Unknown option: --port.");
    }

    @Test
    void optionWithoutValueRejected() {
        assertThat(usageError(Language.EN, "scenario", "--url")).isEqualTo("Option --url requires a value.");
        assertThat(usageError(Language.EN, "scenario", "--lang", "--url", "http://x"))
                .isEqualTo("Option --lang requires a value.");
    }

    @Test
    void invalidLanguageRejectedInDefaultLanguage() {
        assertThat(usageError(Language.ES, "demo", "--lang", "fr"))
                .isEqualTo("Idioma no válido: fr. Se esperaba es o en.");
    }

    @Test
    void errorsUseRequestedLanguage() {
        assertThat(usageError(Language.EN, "bogus", "--lang", "es"))
                .isEqualTo("Comando desconocido: bogus. Se esperaba demo o scenario.");
    }

    @Test
    void invalidUrlRejected() {
        for (String url : new String[] {"127.0.0.1:8080", "ftp://127.0.0.1/", "http://", "not a url", "/errors"}) {
            assertThat(usageError(Language.EN, "scenario", url)).as(url)
                    .startsWith("Invalid balancer URL: " + url + ".");
        }
    }

    @Test
    void secondUrlRejected() {
        assertThat(usageError(Language.EN, "scenario", "http://a:1", "--url", "http://b:2"))
                .isEqualTo("Balancer URL given twice: http://a:1 and http://b:2.");
    }

    @Test
    void demoRejectsUrl() {
        assertThat(usageError(Language.EN, "demo", "http://a:1")).isEqualTo("Unexpected argument: http://a:1.");
        assertThat(usageError(Language.EN, "demo", "--url", "http://a:1")).startsWith("Only the scenario command");
    }

    private static CommandLineArguments parse(Language defaultLanguage, String... args) throws UsageException {
        return CommandLineArguments.parse(args, defaultLanguage);
    }

    private static String usageError(Language defaultLanguage, String... args) {
        UsageException error = catchThrowableOfType(UsageException.class,
                () -> CommandLineArguments.parse(args, defaultLanguage));
        assertThat(error).as("usage error for %s", String.join(" ", args)).isNotNull();
        return error.format(Messages.of(error.language()));
    }

    @Test
    void scenarioRejectsPortOutOfRange() {
        assertThatThrownBy(() -> CommandLineArguments.parseBalancerUrl("http://127.0.0.1:99999", Language.EN))
                .isInstanceOf(UsageException.class);
    }
}
