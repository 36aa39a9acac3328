package io.vigia.it;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.vigia.core.cli.UserLanguage;

/**
 * Command-line entry point of the {@code it} module: {@code demo} starts the whole stack on its fixed ports and
 * {@code scenario} runs the error-scenario client against a balancer. Run it with
 * {@code mvn -pl it exec:java -Dexec.args="demo"} or {@code -Dexec.args="scenario [URL] [--lang es|en]"}.
 *
 * <p>Exit status: 0 on success, 1 when the demo or the scenario fails, 2 for an invalid command line.
 * Runs on the main thread.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    /** System property through which logback reads its configuration file. */
    static final String LOGBACK_CONFIGURATION_PROPERTY = "logback.configurationFile";
    /** Console-only logging for the demo's three servers in one JVM, on the classpath of this module. */
    static final String DEMO_LOGBACK_CONFIGURATION = "io/vigia/it/logback-demo.xml";

    private Main() {
    }

    public static void main(String[] args) {
        // Logback reads the property when the first logger is created, which happens after this line.
        if (System.getProperty(LOGBACK_CONFIGURATION_PROPERTY) == null) {
            System.setProperty(LOGBACK_CONFIGURATION_PROPERTY, DEMO_LOGBACK_CONFIGURATION);
        }
        // UTF-8 whatever the locale: with none set, the JVM would print the Spanish accents as '?'.
        int status = run(args, new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8));
        // Returning normally on success lets Maven's exec:java finish its own way.
        if (status != EXIT_OK) {
            System.exit(status);
        }
    }

    /** Runs the command in {@code args} and returns the exit status; the demo blocks until the JVM shuts down. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLineArguments arguments;
        try {
            arguments = CommandLineArguments.parse(args, Language.fromLocale(UserLanguage.detect()));
        } catch (CommandLineArguments.UsageException e) {
            Messages messages = Messages.of(e.language());
            err.println(e.format(messages));
            err.println(messages.format("usage"));
            return EXIT_USAGE;
        }

        switch (arguments.command()) {
            case HELP:
                out.println(Messages.of(arguments.language()).format("usage"));
                return EXIT_OK;
            case DEMO:
                return Demo.runUntilShutdown(arguments.language(), out, err);
            case SCENARIO:
                return Scenario.run(arguments.balancerUrl(), arguments.language(), out, err);
            default:
                throw new AssertionError("unhandled command " + arguments.command());
        }
    }
}
