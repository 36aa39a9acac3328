package io.vigia.core.http;

import io.netty.util.AsciiString;

/** Header names that Vigía adds to responses. */
public final class VigiaHeaders {

    /** Names the backend, as {@code host:port}, that produced a response relayed by the balancer. */
    public static final AsciiString X_UPSTREAM_SERVER = AsciiString.cached("x-upstream-server");

    private VigiaHeaders() {
    }
}
