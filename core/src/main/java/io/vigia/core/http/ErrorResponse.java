package io.vigia.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vigia.core.ErrorCause;

/**
 * A complete error response that carries its message, cause and upstream to {@link ErrorRecordingHandler}.
 * Create instances with {@link HttpResponses#error}.
 */
public final class ErrorResponse extends DefaultFullHttpResponse implements ErrorDetail {

    private final String message;
    private final ErrorCause cause;
    private final String upstream;

    ErrorResponse(HttpVersion version, HttpResponseStatus status, ByteBuf content, String message,
                  ErrorCause cause, String upstream) {
        super(version, status, content);
        if (message != null) {
            headers().set(VigiaHeaders.X_ERROR_MESSAGE, VigiaHeaders.toHeaderValue(message));
        }
        this.message = message;
        this.cause = cause;
        this.upstream = upstream;
    }

    @Override
    public String errorMessage() {
        return message;
    }

    @Override
    public ErrorCause errorCause() {
        return cause;
    }

    @Override
    public String errorUpstream() {
        return upstream;
    }
}
