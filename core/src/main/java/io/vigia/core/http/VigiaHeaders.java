package io.vigia.core.http;

import io.netty.util.AsciiString;

/** Header names that Vigía adds to responses. */
public final class VigiaHeaders {

    /** Names the backend, as {@code host:port}, that produced a response relayed by the balancer. */
    public static final AsciiString X_UPSTREAM_SERVER = AsciiString.cached("x-upstream-server");

    /**
     * Carries the message of an error response made by a Vigía server, so a balancer that relays the
     * response can record the message too. Values are printable ASCII of at most
     * {@link #MAX_ERROR_MESSAGE_LENGTH} characters; see {@link #toHeaderValue(String)}.
     */
    public static final AsciiString X_ERROR_MESSAGE = AsciiString.cached("x-error-message");

    /** Maximum length of a message sent in {@link #X_ERROR_MESSAGE}; longer ones are cut. */
    public static final int MAX_ERROR_MESSAGE_LENGTH = 200;

    private VigiaHeaders() {
    }

    /**
     * Returns {@code message} as a safe header value: characters outside printable ASCII become {@code ?},
     * so a message can never split the header block, and the result is cut to
     * {@link #MAX_ERROR_MESSAGE_LENGTH} characters.
     */
    public static String toHeaderValue(String message) {
        int length = Math.min(message.length(), MAX_ERROR_MESSAGE_LENGTH);
        StringBuilder value = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            char c = message.charAt(i);
            value.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return value.toString().trim();
    }
}
