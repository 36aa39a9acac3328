package io.vigia.backend;

import io.vigia.core.http.AcceptLanguage;
import java.util.Locale;

/**
 * Language of the task page: Spanish when the request's {@code Accept-Language} prefers Spanish to English,
 * else English. Immutable and used on any thread.
 */
enum PageLanguage {

    ENGLISH("en"),
    SPANISH("es");

    private final String tag;

    PageLanguage(String tag) {
        this.tag = tag;
    }

    /** Returns the language subtag, for {@code <html lang>} and {@code Content-Language}. */
    String tag() {
        return tag;
    }

    Locale locale() {
        return Locale.forLanguageTag(tag);
    }

    /**
     * Chooses the language for an {@code Accept-Language} header value, or {@code null} for none. Ranges are
     * taken by quality, so {@code es-CL,es;q=0.9} and {@code fr,es;q=0.5} give Spanish, while
     * {@code en-US,es;q=0.8} gives English. A missing or malformed header gives English.
     */
    static PageLanguage fromAcceptLanguage(String header) {
        return AcceptLanguage.prefersSpanish(header) ? SPANISH : ENGLISH;
    }
}
