package io.vigia.it;

import java.util.Map;
import java.util.StringJoiner;

/**
 * Formats values as Python 3's {@code repr()} does, so the scenario client prints the error map in the
 * form that clients of the original course system (written in Python) compare against.
 *
 * <p>Stateless; any thread may use it.
 */
final class PythonRepr {

    private PythonRepr() {
    }

    /**
     * Formats a map of string keys to integer values as Python prints a dict, in the map's iteration order:
     * {@code {'400_BAD_REQUEST': 1, '404_NOT_FOUND': 2}}, or {@code {}} when empty.
     */
    static String dict(Map<String, Long> map) {
        StringJoiner joiner = new StringJoiner(", ", "{", "}");
        for (Map.Entry<String, Long> entry : map.entrySet()) {
            joiner.add(string(entry.getKey()) + ": " + entry.getValue());
        }
        return joiner.toString();
    }

    /**
     * Formats a string as Python's {@code repr(str)}: single quotes unless the text contains a single quote
     * and no double quote, backslash escapes for the quote, the backslash, tab, newline, carriage return
     * and every non-printable code point.
     */
    static String string(String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder repr = new StringBuilder(text.length() + 2).append(quote);
        text.codePoints().forEach(codePoint -> appendCodePoint(repr, codePoint, quote));
        return repr.append(quote).toString();
    }

    private static void appendCodePoint(StringBuilder repr, int codePoint, char quote) {
        if (codePoint == quote || codePoint == '\\') {
            repr.append('\\').appendCodePoint(codePoint);
        } else if (codePoint == '\t') {
            repr.append("\\t");
        } else if (codePoint == '\n') {
            repr.append("\\n");
        } else if (codePoint == '\r') {
            repr.append("\\r");
        } else if (isPrintable(codePoint)) {
            repr.appendCodePoint(codePoint);
        } else if (codePoint <= 0xff) {
            repr.append(String.format("\\x%02x", codePoint));
        } else if (codePoint <= 0xffff) {
            repr.append(String.format("\\u%04x", codePoint));
        } else {
            repr.append(String.format("\\U%08x", codePoint));
        }
    }

    /** Mirrors Python's {@code str.isprintable()} for one code point: the space is printable, other separators not. */
    private static boolean isPrintable(int codePoint) {
        if (codePoint == ' ') {
            return true;
        }
        switch (Character.getType(codePoint)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}
