package io.vigia.core.http;

/**
 * Escapes text for HTML element content and quoted attribute values, for every page a Vigía server renders.
 *
 * <p>Replaces {@code & < > " '} with character references, which is enough for both contexts as long
 * as attribute values are quoted. Stateless; any thread may use it.
 */
public final class HtmlEscaper {

    private HtmlEscaper() {
    }

    /** Returns {@code text} with {@code & < > " '} replaced by character references; null becomes "". */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            String replacement = replacementFor(text.charAt(i));
            if (replacement == null) {
                if (escaped != null) {
                    escaped.append(text.charAt(i));
                }
                continue;
            }
            if (escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            escaped.append(replacement);
        }
        return escaped == null ? text : escaped.toString();
    }

    private static String replacementFor(char c) {
        switch (c) {
            case '&':
                return "&amp;";
            case '<':
                return "&lt;";
            case '>':
                return "&gt;";
            case '"':
                return "&quot;";
            case '\'':
                return "&#39;";
            default:
                return null;
        }
    }
}
