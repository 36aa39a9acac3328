package io.vigia.core;

import java.util.Locale;

/**
 * Error bucket of an HTTP status code: the code and an upper-case name, as in {@code 404_NOT_FOUND}.
 *
 * <p>Every status from 400 to 999 has exactly one bucket, looked up in a table built once, so
 * {@link #of(int)} never allocates. Names come from the reason phrases of the IANA HTTP Status Code
 * Registry (RFC 9110 and its successors), except {@code 500_INTERNAL_ERROR}, which keeps the name that
 * clients of the original course system already parse. Codes without a registered phrase are named
 * {@code CLIENT_ERROR} (4xx), {@code SERVER_ERROR} (5xx) or {@code UNKNOWN_ERROR} (600–999).
 *
 * <p>Instances are immutable and shared by all threads.
 */
public final class ErrorBucket implements Comparable<ErrorBucket> {

    /** Lowest status that counts as an error. */
    public static final int MIN_ERROR_STATUS = 400;
    /** Highest status a bucket exists for; HTTP status codes have three digits. */
    public static final int MAX_STATUS = 999;

    private static final ErrorBucket[] TABLE = buildTable();

    private final int status;
    private final String name;

    private ErrorBucket(int status, String name) {
        this.status = status;
        this.name = name;
    }

    /**
     * Returns the bucket of {@code status}, or {@code null} when the status is not an error
     * (below 400) or is not a three-digit code.
     */
    public static ErrorBucket of(int status) {
        if (status < MIN_ERROR_STATUS || status > MAX_STATUS) {
            return null;
        }
        return TABLE[status - MIN_ERROR_STATUS];
    }

    /** Returns whether {@code status} is recorded as an error. */
    public static boolean isError(int status) {
        return status >= MIN_ERROR_STATUS;
    }

    public int status() {
        return status;
    }

    /** The bucket name, for example {@code 404_NOT_FOUND}. */
    public String name() {
        return name;
    }

    @Override
    public int compareTo(ErrorBucket other) {
        return Integer.compare(status, other.status);
    }

    @Override
    public String toString() {
        return name;
    }

    private static ErrorBucket[] buildTable() {
        ErrorBucket[] table = new ErrorBucket[MAX_STATUS - MIN_ERROR_STATUS + 1];
        for (int status = MIN_ERROR_STATUS; status <= MAX_STATUS; status++) {
            table[status - MIN_ERROR_STATUS] = new ErrorBucket(status, status + "_" + nameSuffix(status));
        }
        return table;
    }

    private static String nameSuffix(int status) {
        String phrase = reasonPhrase(status);
        if (phrase != null) {
            return phrase.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        }
        if (status < 500) {
            return "CLIENT_ERROR";
        }
        return status < 600 ? "SERVER_ERROR" : "UNKNOWN_ERROR";
    }

    /**
     * Returns the registered reason phrase for an error status, or {@code null} when the IANA registry
     * lists it as unassigned or unused (418, 419, 420, 427, 430, 509, ...).
     */
    static String reasonPhrase(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 402: return "Payment Required";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 406: return "Not Acceptable";
            case 407: return "Proxy Authentication Required";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 410: return "Gone";
            case 411: return "Length Required";
            case 412: return "Precondition Failed";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 415: return "Unsupported Media Type";
            case 416: return "Range Not Satisfiable";
            case 417: return "Expectation Failed";
            case 421: return "Misdirected Request";
            case 422: return "Unprocessable Content";
            case 423: return "Locked";
            case 424: return "Failed Dependency";
            case 425: return "Too Early";
            case 426: return "Upgrade Required";
            case 428: return "Precondition Required";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 451: return "Unavailable For Legal Reasons";
            // The course system's clients parse 500_INTERNAL_ERROR, not 500_INTERNAL_SERVER_ERROR.
            case 500: return "Internal Error";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            case 505: return "HTTP Version Not Supported";
            case 506: return "Variant Also Negotiates";
            case 507: return "Insufficient Storage";
            case 508: return "Loop Detected";
            case 510: return "Not Extended";
            case 511: return "Network Authentication Required";
            default: return null;
        }
    }
}
