package io.vigia.it;

import java.util.Locale;

/**
 * Language of what the command-line tools print: Spanish or English.
 *
 * <p>Immutable; any thread may use it.
 */
public enum Language {
    ES(Locale.forLanguageTag("es")),
    EN(Locale.ENGLISH);

    private final Locale locale;

    Language(Locale locale) {
        this.locale = locale;
    }

    public Locale locale() {
        return locale;
    }

    /** Returns the language for a {@code --lang} value ({@code es} or {@code en}, any case), or null if unknown. */
    public static Language fromTag(String tag) {
        for (Language language : values()) {
            if (language.locale.getLanguage().equalsIgnoreCase(tag)) {
                return language;
            }
        }
        return null;
    }

    /** Returns Spanish when {@code locale} is a Spanish locale, English otherwise. */
    public static Language fromLocale(Locale locale) {
        return "es".equals(locale.getLanguage()) ? ES : EN;
    }
}
