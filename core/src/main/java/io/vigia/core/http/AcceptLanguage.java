package io.vigia.core.http;

import java.util.List;
import java.util.Locale;

/**
 * Chooses between Spanish and English, the two languages Vigía's pages speak, from a request's
 * {@code Accept-Language} header. Stateless; any thread may use it.
 */
public final class AcceptLanguage {

    private AcceptLanguage() {
    }

    /**
     * Returns whether {@code acceptLanguage} ranks Spanish above English.
     *
     * <p>Ranges are read in order of quality, and among equal qualities in the order listed. The first range
     * that is {@code es} or {@code es-*} gives Spanish; the first that is {@code en}, {@code en-*} or the
     * wildcard {@code *} gives English. Ranges with {@code q=0} mean "not acceptable" and are skipped. A
     * missing or malformed header, or one that names neither language, gives English.
     */
    public static boolean prefersSpanish(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return false;
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(acceptLanguage);
        } catch (IllegalArgumentException ignored) {
            // A malformed header is the client's problem; the page still renders, in English.
            return false;
        }
        for (Locale.LanguageRange range : ranges) {
            if (range.getWeight() <= 0) {
                continue;
            }
            String name = range.getRange();
            if (name.equals("*") || matches(name, "en")) {
                return false;
            }
            if (matches(name, "es")) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String range, String primaryTag) {
        return range.equals(primaryTag) || range.startsWith(primaryTag + "-");
    }
}
