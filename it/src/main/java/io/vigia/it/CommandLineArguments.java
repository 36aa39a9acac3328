package io.vigia.it;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Parsed command line of {@link Main}: the command, the output language and, for {@code scenario}, the
 * balancer URL.
 *
 * <p>Grammar: {@code demo [--lang es|en]}, {@code scenario [URL | --url URL] [--lang es|en]} or
 * {@code --help}; options also take the {@code --name=value} form and may come before the command.
 * Immutable; parsed once on the main thread.
 */
record CommandLineArguments(Command command, Language language, URI balancerUrl) {

    /** Command that {@link Main} runs. */
    enum Command { DEMO, SCENARIO, HELP }

    /** An invalid command line; {@code key} names the message in the bundle and {@code arguments} fill it. */
    static final class UsageException extends Exception {
        private final Language language;
        private final String key;
        private final transient Object[] arguments;

        UsageException(Language language, String key, Object... arguments) {
            super(key, null, false, false);
            this.language = language;
            this.key = key;
            this.arguments = arguments;
        }

        /** Formats the message in the language the command line asked for, or the default one. */
        String format(Messages messages) {
            return messages.format(key, arguments);
        }

        Language language() {
            return language;
        }
    }

    /**
     * Parses {@code args}. The language is {@code --lang} when given and valid, else {@code defaultLanguage};
     * errors are reported in that language.
     */
    static CommandLineArguments parse(String[] args, Language defaultLanguage) throws UsageException {
        Language language = scanLanguage(args, defaultLanguage);
        Parser parser = new Parser(language);
        for (int i = 0; i < args.length; i++) {
            i = parser.accept(args, i);
        }
        return parser.finish();
    }

    private static Language scanLanguage(String[] args, Language defaultLanguage) throws UsageException {
        Language language = defaultLanguage;
        for (int i = 0; i < args.length; i++) {
            String value = optionValue(args, i, "--lang", defaultLanguage);
            if (value != null) {
                language = Language.fromTag(value);
                if (language == null) {
                    throw new UsageException(defaultLanguage, "usage.invalid.language", value);
                }
            }
        }
        return language;
    }

    /**
     * Returns the value of option {@code name} if {@code args[i]} is that option ({@code --name value} or
     * {@code --name=value}), else null.
     */
    private static String optionValue(String[] args, int i, String name, Language language) throws UsageException {
        if (args[i].startsWith(name + "=")) {
            return args[i].substring(name.length() + 1);
        }
        if (!args[i].equals(name)) {
            return null;
        }
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageException(language, "usage.missing.value", name);
        }
        return args[i + 1];
    }

    /** Checks that {@code text} is an absolute http or https URL with a host and returns it. */
    static URI parseBalancerUrl(String text, Language language) throws UsageException {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new UsageException(language, "usage.invalid.url", text);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null || url.getPort() > 65535) {
            throw new UsageException(language, "usage.invalid.url", text);
        }
        return url;
    }

    /** Collects the command and the URL one argument at a time. */
    private static final class Parser {
        private final Language language;
        private Command command;
        private URI balancerUrl;

        Parser(Language language) {
            this.language = language;
        }

        /** Consumes the argument at {@code i} and returns the index of the last argument it used. */
        int accept(String[] args, int i) throws UsageException {
            String argument = args[i];
            if (optionValue(args, i, "--lang", language) != null) {
                return argument.contains("=") ? i : i + 1;
            }
            String url = optionValue(args, i, "--url", language);
            if (url != null) {
                setUrl(url);
                return argument.contains("=") ? i : i + 1;
            }
            if (argument.equals("--help") || argument.equals("-h")) {
                command = Command.HELP;
            } else if (argument.startsWith("-")) {
                throw new UsageException(language, "usage.unknown.option", argument);
            } else if (command == null) {
                command = parseCommand(argument);
            } else if (command == Command.SCENARIO) {
                setUrl(argument);
            } else {
                throw new UsageException(language, "usage.unexpected.argument", argument);
            }
            return i;
        }

        private Command parseCommand(String argument) throws UsageException {
            switch (argument) {
                case "demo":
                    return Command.DEMO;
                case "scenario":
                    return Command.SCENARIO;
                default:
                    throw new UsageException(language, "usage.unknown.command", argument);
            }
        }

        private void setUrl(String text) throws UsageException {
            if (balancerUrl != null) {
                throw new UsageException(language, "usage.duplicate.url", balancerUrl, text);
            }
            balancerUrl = parseBalancerUrl(text, language);
        }

        CommandLineArguments finish() throws UsageException {
            if (command == null) {
                throw new UsageException(language, "usage.missing.command");
            }
            if (command == Command.HELP) {
                return new CommandLineArguments(Command.HELP, language, null);
            }
            if (command == Command.DEMO && balancerUrl != null) {
                throw new UsageException(language, "usage.url.demo");
            }
            URI url = balancerUrl == null ? Scenario.DEFAULT_BALANCER_URL : balancerUrl;
            return new CommandLineArguments(command, language, command == Command.SCENARIO ? url : null);
        }
    }
}
