package io.vigia.core.cli;

import java.util.Locale;
import java.util.Map;

/**
 * Chooses the language of command-line output, Spanish or English, when no {@code --lang} option is given.
 *
 * <p>A system locale whose language is Spanish or English is followed, read from the environment variable
 * as well as from the JVM, which reports English for a Spanish locale the machine has not installed. A machine that names no language
 * (none of {@code LC_ALL}, {@code LC_MESSAGES} and {@code LANG} set, or set to the {@code C} or
 * {@code POSIX} locale, which the JVM reports as English) gets Spanish, because Vigía's first users
 * are Spanish-speaking students and the course system's output is Spanish. Any other language gets English.
 */
public final class UserLanguage {

    public static final Locale SPANISH = Locale.forLanguageTag("es");
    public static final Locale ENGLISH = Locale.ENGLISH;

    private UserLanguage() {
    }

    /** Returns the language for this process, from its environment and default locale. */
    public static Locale detect() {
        return detect(System.getenv(), Locale.getDefault());
    }

    /** Returns the language for the given environment variables and JVM default locale. */
    public static Locale detect(Map<String, String> environment, Locale defaultLocale) {
        String named = namedLocale(environment);
        if (named == null || isNeutral(named)) {
            return SPANISH;
        }
        // The variable is read as well as the JVM's locale: a Spanish locale that the machine has not
        // installed (no es_ES in `locale -a`) makes the JVM report English.
        boolean spanish = named.startsWith("es") && (named.length() == 2 || "_.@".indexOf(named.charAt(2)) >= 0);
        return spanish || "es".equals(defaultLocale.getLanguage()) ? SPANISH : ENGLISH;
    }

    /** Returns the locale the environment names, or null when it names none. */
    private static String namedLocale(Map<String, String> environment) {
        // POSIX gives LC_ALL precedence over LC_MESSAGES, and both over LANG.
        for (String name : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String value = environment.get(name);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    private static boolean isNeutral(String value) {
        String language = value.split("[._@]", 2)[0];
        return language.equals("C") || language.equals("POSIX");
    }
}
