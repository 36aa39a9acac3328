package io.vigia.backend;

import io.vigia.core.cli.LocalizedParameterExceptionHandler;
import io.vigia.core.cli.UserLanguage;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Command line of {@link BackendServer}: {@code BackendServer PORT [--host HOST] [--db FILE] [--lang es|en]
 * [--help]}.
 *
 * <p>Help and error messages come from the {@code BackendMessages} resource bundle, and picocli's parse
 * errors from {@link LocalizedParameterExceptionHandler}, in Spanish or English, chosen by {@code --lang} or
 * else by the system locale. Used once, on the main thread.
 */
@Command(name = "BackendServer", sortOptions = false, usageHelpWidth = 100)
final class BackendCommand {

    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final String MESSAGES = "io.vigia.backend.BackendMessages";
    private static final String LANG_OPTION = "--lang";
    private static final List<String> LANGUAGES = List.of("es", "en");

    @Parameters(index = "0", arity = "1", paramLabel = "PORT", descriptionKey = "port")
    private String port;

    @Option(names = "--host", paramLabel = "HOST", descriptionKey = "host")
    private String host = BackendConfig.DEFAULT_HOST;

    @Option(names = "--db", paramLabel = "FILE", descriptionKey = "db")
    private String databaseFile;

    @Option(names = LANG_OPTION, paramLabel = "es|en", descriptionKey = "lang")
    private String language;

    @Option(names = {"-h", "--help"}, usageHelp = true, descriptionKey = "help")
    private boolean helpRequested;

    /**
     * The outcome of parsing: a configuration to start with, or an exit status after help or an error
     * has been printed.
     *
     * @param config   the configuration, or {@code null} when the process should exit with {@code exitCode}
     * @param messages messages in the chosen language, for what the caller prints later
     */
    record Result(BackendConfig config, int exitCode, ResourceBundle messages) {
    }

    /**
     * Parses {@code args}. Help goes to {@code out} with exit status 0, and an invalid argument is named on
     * {@code err} with exit status 2.
     */
    static Result parse(String[] args, PrintWriter out, PrintWriter err) {
        Locale locale = chooseLocale(args);
        ResourceBundle messages = messages(locale);
        BackendCommand command = new BackendCommand();
        CommandLine commandLine = new CommandLine(command).setResourceBundle(messages).setErr(err);
        try {
            commandLine.parseArgs(args);
            if (commandLine.isUsageHelpRequested()) {
                commandLine.usage(out, CommandLine.Help.Ansi.OFF);
                out.flush();
                return new Result(null, EXIT_OK, messages);
            }
            return new Result(command.toConfig(messages), EXIT_OK, messages);
        } catch (ParameterException e) {
            if (isMissingPort(e)) {
                return usageError(err, messages, format(messages, "error.missingPort"));
            }
            LocalizedParameterExceptionHandler handler =
                    new LocalizedParameterExceptionHandler(locale, format(messages, "error.tryHelp"));
            return new Result(null, handler.handleParseException(e, args), messages);
        } catch (IllegalArgumentException e) {
            return usageError(err, messages, e.getMessage());
        }
    }

    /** Formats message {@code key} of {@code messages} with {@code arguments}. */
    static String format(ResourceBundle messages, String key, Object... arguments) {
        MessageFormat format = new MessageFormat(messages.getString(key), messages.getLocale());
        return format.format(arguments);
    }

    /** Loads the messages for {@code locale}; English unless the locale's language is Spanish. */
    static ResourceBundle messages(Locale locale) {
        // Without this control, a request for English on a Spanish system would load the Spanish bundle.
        ResourceBundle.Control noFallback =
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
        return ResourceBundle.getBundle(MESSAGES, locale, noFallback);
    }

    /** Picks the language from {@code --lang es|en} when given and valid, else from the system locale. */
    static Locale chooseLocale(String[] args) {
        String requested = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(LANG_OPTION) && i + 1 < args.length) {
                requested = args[i + 1];
            } else if (args[i].startsWith(LANG_OPTION + "=")) {
                requested = args[i].substring(LANG_OPTION.length() + 1);
            }
        }
        String language = requested == null ? null : requested.toLowerCase(Locale.ROOT);
        if (language == null || !LANGUAGES.contains(language)) {
            language = UserLanguage.detect().getLanguage();
        }
        return "es".equals(language) ? Locale.forLanguageTag("es") : Locale.ENGLISH;
    }

    private BackendConfig toConfig(ResourceBundle messages) {
        if (language != null && !LANGUAGES.contains(language.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(format(messages, "error.invalidLanguage", language));
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException(format(messages, "error.blankHost"));
        }
        if (new InetSocketAddress(host, 0).isUnresolved()) {
            throw new IllegalArgumentException(format(messages, "error.unresolvedHost", host));
        }
        return BackendConfig.of(host, parsePort(port, messages), databasePath(messages));
    }

    /** Parses a port from 0 to 65535, naming the value in the message of the exception when it is not one. */
    static int parsePort(String text, ResourceBundle messages) {
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(format(messages, "error.invalidPort", text), e);
        }
        if (value < 0 || value > BackendConfig.MAX_PORT) {
            throw new IllegalArgumentException(format(messages, "error.invalidPort", text));
        }
        return value;
    }

    private Path databasePath(ResourceBundle messages) {
        String text = databaseFile != null ? databaseFile : System.getProperty(BackendConfig.DATABASE_PROPERTY);
        if (text == null) {
            return BackendConfig.DEFAULT_DATABASE_FILE;
        }
        try {
            if (text.isBlank()) {
                throw new InvalidPathException(text, "empty path");
            }
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(format(messages, "error.invalidDatabase", text, e.getReason()), e);
        }
    }

    /** Returns true when {@code e} reports the missing PORT, whose message gives an example instead of picocli's. */
    private static boolean isMissingPort(ParameterException e) {
        if (e instanceof MissingParameterException missing) {
            for (ArgSpec arg : missing.getMissing()) {
                if (arg.isPositional()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Result usageError(PrintWriter err, ResourceBundle messages, String message) {
        err.println(message);
        err.println(format(messages, "error.tryHelp"));
        err.flush();
        return new Result(null, EXIT_USAGE, messages);
    }
}
