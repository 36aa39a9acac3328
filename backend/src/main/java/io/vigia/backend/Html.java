package io.vigia.backend;

/** Escapes text for HTML element content and quoted attribute values. Stateless. */
final class Html {

    private Html() {
    }

    /** Returns {@code text} with {@code & < > " '} replaced by character references, or "" for {@code null}. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            String reference = reference(text.charAt(i));
            if (reference == null) {
                if (escaped != null) {
                    escaped.append(text.charAt(i));
                }
                continue;
            }
            if (escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            escaped.append(reference);
        }
        return escaped == null ? text : escaped.toString();
    }

    private static String reference(char c) {
        switch (c) {
            case '&': return "&amp;";
            case '<': return "&lt;";
            case '>': return "&gt;";
            case '"': return "&quot;";
            case '\'': return "&#39;";
            default: return null;
        }
    }
}
