package io.vigia.core.cli;

import java.io.PrintWriter;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints picocli's parse errors in Spanish or English, because picocli writes its own messages in English
 * only. Install it with {@link CommandLine#setParameterExceptionHandler}. It prints the message to the
 * command's error writer, then suggestions for a mistyped option, then a hint such as "run with --help",
 * and returns the command's exit status for invalid input (2 unless the command sets another).
 *
 * <p>It translates the errors that picocli raises while parsing: an unknown option, an unexpected argument,
 * an option without its value, a missing required argument, an option given twice and a value that does not
 * convert to the option's type, such as a bad number. Any other {@link ParameterException} keeps its own
 * message, because the commands raise those themselves with a message already in the chosen language.
 *
 * <p>The messages come from the {@code ParameterErrors} resource bundle next to this class: Spanish for a
 * Spanish locale and English for any other. Immutable; used on the thread that parses the command line.
 */
public final class LocalizedParameterExceptionHandler implements CommandLine.IParameterExceptionHandler {

    private static final String MESSAGES = "io.vigia.core.cli.ParameterErrors";

    private final ResourceBundle messages;
    private final String usageHint;

    /**
     * @param locale    language of the messages: Spanish when its language is {@code es}, else English
     * @param usageHint line printed after the message, already in that language, or {@code null} for none
     */
    public LocalizedParameterExceptionHandler(Locale locale, String usageHint) {
        // Without this control, a request for English on a Spanish system would load the Spanish bundle.
        ResourceBundle.Control noFallback =
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
        Locale language = "es".equals(locale.getLanguage()) ? UserLanguage.SPANISH : Locale.ROOT;
        this.messages = ResourceBundle.getBundle(MESSAGES, language, noFallback);
        this.usageHint = usageHint;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(describe(e));
        List<String> suggestions = suggestions(e);
        if (!suggestions.isEmpty()) {
            err.println(format("suggestions", String.join(", ", suggestions)));
        }
        if (usageHint != null) {
            err.println(usageHint);
        }
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Returns the message for {@code e} in this handler's language, or its own message when it is not picocli's. */
    public String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched) {
            return describeUnmatched(unmatched);
        }
        if (e instanceof MissingParameterException missing) {
            return describeMissing(missing);
        }
        if (e instanceof OverwrittenOptionException overwritten) {
            return format("repeated.option", nameOf(overwritten.getOverwritten()));
        }
        if (e.getCause() instanceof TypeConversionException && e.getArgSpec() != null && e.getValue() != null) {
            return describeInvalidValue(e.getArgSpec(), e.getValue());
        }
        return e.getMessage();
    }

    /**
     * Names unknown options and unexpected arguments apart, because picocli lists the value that follows an
     * unknown option among the unknown options.
     */
    private String describeUnmatched(UnmatchedArgumentException e) {
        List<String> options = new ArrayList<>();
        List<String> arguments = new ArrayList<>();
        for (String unmatched : e.getUnmatched()) {
            if (unmatched.startsWith("-") && unmatched.length() > 1) {
                options.add(unmatched);
            } else {
                arguments.add(unmatched);
            }
        }
        List<String> lines = new ArrayList<>(2);
        if (!options.isEmpty()) {
            lines.add(format(options.size() > 1 ? "unknown.options" : "unknown.option", quote(options)));
        }
        if (!arguments.isEmpty()) {
            lines.add(format(arguments.size() > 1 ? "unexpected.arguments" : "unexpected.argument",
                    quote(arguments)));
        }
        return lines.isEmpty() ? e.getMessage() : String.join(System.lineSeparator(), lines);
    }

    private String describeMissing(MissingParameterException e) {
        List<String> lines = new ArrayList<>();
        for (ArgSpec missing : e.getMissing()) {
            lines.add(missing.isOption()
                    ? format("missing.value", nameOf(missing), missing.paramLabel())
                    : format("missing.argument", missing.paramLabel()));
        }
        return lines.isEmpty() ? e.getMessage() : String.join(System.lineSeparator(), lines);
    }

    private String describeInvalidValue(ArgSpec arg, String value) {
        Class<?> type = elementType(arg);
        String expected;
        if (type == int.class || type == Integer.class) {
            expected = format("expected.integer", Integer.toString(Integer.MIN_VALUE),
                    Integer.toString(Integer.MAX_VALUE));
        } else if (type == long.class || type == Long.class) {
            expected = format("expected.integer", Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE));
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            expected = format("expected.number");
        } else if (type == boolean.class || type == Boolean.class) {
            expected = format("expected.boolean");
        } else {
            return format("invalid.value.plain", nameOf(arg), value);
        }
        return format("invalid.value", nameOf(arg), value, expected);
    }

    private List<String> suggestions(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched && unmatched.isUnknownOption()) {
            return unmatched.getSuggestions();
        }
        return List.of();
    }

    /** Returns the element type of a multi-value option, such as a list, else the option's own type. */
    private static Class<?> elementType(ArgSpec arg) {
        Class<?>[] auxiliary = arg.auxiliaryTypes();
        return arg.isMultiValue() && auxiliary.length > 0 ? auxiliary[0] : arg.type();
    }

    /** Returns an option's longest name, such as {@code --port}, or a positional parameter's label. */
    private static String nameOf(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    private static String quote(List<String> values) {
        List<String> quoted = new ArrayList<>(values.size());
        for (String value : values) {
            quoted.add("'" + value + "'");
        }
        return String.join(", ", quoted);
    }

    private String format(String key, Object... arguments) {
        return new MessageFormat(messages.getString(key), messages.getLocale()).format(arguments);
    }
}
