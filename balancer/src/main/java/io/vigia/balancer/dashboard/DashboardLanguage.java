package io.vigia.balancer.dashboard;

import io.vigia.core.http.AcceptLanguage;
import java.util.Locale;

/**
 * Language of the dashboard page: Spanish or English, chosen from the request's {@code Accept-Language}.
 *
 * <p>Immutable; any thread may use it.
 */
enum DashboardLanguage {
    ES("es"),
    EN("en");

    private final String tag;

    DashboardLanguage(String tag) {
        this.tag = tag;
    }

    /** Returns the BCP 47 tag for {@code <html lang>}, {@code es} or {@code en}. */
    String tag() {
        return tag;
    }

    Locale locale() {
        return Locale.forLanguageTag(tag);
    }

    /**
     * Returns the language that {@code acceptLanguage} ranks highest among Spanish and English, English
     * when it ranks neither, ranks {@code *} first, or is missing or malformed.
     *
     * <p>Ranges with {@code q=0} mean "not acceptable" and are skipped. Among ranges of equal weight the
     * first one listed wins.
     */
    static DashboardLanguage fromAcceptLanguage(String acceptLanguage) {
        return AcceptLanguage.prefersSpanish(acceptLanguage) ? ES : EN;
    }
}
