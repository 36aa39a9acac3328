package io.vigia.balancer.admin;

import io.vigia.core.http.AcceptLanguage;
import java.util.Locale;

/**
 * Reads {@code Accept} and {@code Accept-Language} for the status page. Stateless and thread-safe.
 */
public final class ContentNegotiation {

    private ContentNegotiation() {
    }

    /**
     * Returns whether {@code accept} gives {@code text/html} a higher quality than {@code application/json}.
     * The most specific matching range sets each type's quality (RFC 9110 section 12.5.1), so a browser's
     * {@code text/html,...,*}{@code /*;q=0.8} picks HTML, and curl's {@code *}{@code /*} or a missing header
     * picks JSON.
     */
    public static boolean prefersHtml(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double html = quality(accept, "text", "html");
        double json = quality(accept, "application", "json");
        return html > 0 && html > json;
    }

    /** Returns whether {@code acceptLanguage} ranks Spanish above English; see {@link AcceptLanguage}. */
    public static boolean prefersSpanish(String acceptLanguage) {
        return AcceptLanguage.prefersSpanish(acceptLanguage);
    }

    static double quality(String accept, String type, String subtype) {
        double quality = 0;
        int bestSpecificity = -1;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            int specificity = specificity(parts[0].trim().toLowerCase(Locale.ROOT), type, subtype);
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                quality = qualityParameter(parts);
            }
        }
        return quality;
    }

    /** Returns 2 for an exact match, 1 for {@code type/*}, 0 for {@code *}{@code /*} and -1 for no match. */
    private static int specificity(String mediaRange, String type, String subtype) {
        if (mediaRange.equals(type + "/" + subtype)) {
            return 2;
        }
        if (mediaRange.equals(type + "/*")) {
            return 1;
        }
        return mediaRange.equals("*/*") ? 0 : -1;
    }

    private static double qualityParameter(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.startsWith("q=") || parameter.startsWith("Q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim());
                } catch (NumberFormatException ignored) {
                    // An unreadable weight excludes the range rather than failing the request.
                    return 0;
                }
            }
        }
        return 1;
    }
}
