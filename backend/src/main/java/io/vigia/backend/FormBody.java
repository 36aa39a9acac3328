package io.vigia.backend;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The fields of an {@code application/x-www-form-urlencoded} request body, as the task page's forms send them.
 *
 * <p>Fields are decoded with Netty's {@link QueryStringDecoder} in ISO-8859-1, which maps every byte to one
 * char, and each value read is then decoded as UTF-8 with malformed input rejected. Raw UTF-8 bytes and
 * percent-encoded ones are thus both accepted, and invalid UTF-8 gets 400 rather than replacement characters.
 * A semicolon is an ordinary character rather than a field separator, so a client such as {@code curl -d} that
 * sends one unencoded keeps it in the title. Immutable after {@link #decode}, and used on the event loop that
 * routes the request.
 */
final class FormBody {

    /** Largest form body accepted. A title of 200 code points takes at most 2,406 bytes percent-encoded. */
    static final int MAX_BODY_BYTES = 8 * 1024;
    /** Fields after this many are ignored, which bounds the decoder's work on a body of many short fields. */
    private static final int MAX_FIELDS = 64;

    private final Map<String, List<String>> fields;

    private FormBody(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /**
     * Decodes the body of {@code request} without consuming it.
     *
     * @throws InvalidRequestException with 415 when the content type is not form data, 413 when the body has
     *                                 more than {@value #MAX_BODY_BYTES} bytes, and 400 when a percent sign is
     *                                 not followed by two hex digits
     */
    static FormBody decode(FullHttpRequest request) {
        requireFormContentType(request);
        ByteBuf body = request.content();
        if (body.readableBytes() > MAX_BODY_BYTES) {
            throw new InvalidRequestException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "form body has " + body.readableBytes() + " bytes; the maximum is " + MAX_BODY_BYTES,
                    "page.error.formTooLarge", Integer.toString(MAX_BODY_BYTES));
        }
        QueryStringDecoder decoder = QueryStringDecoder.builder()
                .hasPath(false)
                .charset(StandardCharsets.ISO_8859_1)
                .semicolonIsNormalChar(true)
                .maxParams(MAX_FIELDS)
                .build(body.toString(StandardCharsets.ISO_8859_1));
        try {
            return new FormBody(decoder.parameters());
        } catch (IllegalArgumentException e) {
            // Netty's message quotes the whole body, so the client gets a fixed one.
            throw new InvalidRequestException(HttpResponseStatus.BAD_REQUEST,
                    "form body is not valid application/x-www-form-urlencoded data: every '%' must be followed"
                            + " by two hex digits", "page.error.formInvalid");
        }
    }

    /**
     * Returns the value of field {@code name}, which must appear exactly once.
     *
     * @throws InvalidRequestException with 400 when the field is missing, repeated or not valid UTF-8
     */
    String single(String name) {
        List<String> values = fields.get(name);
        if (values == null || values.isEmpty()) {
            throw new InvalidRequestException(HttpResponseStatus.BAD_REQUEST, "form field " + name + " is missing",
                    "page.error.fieldMissing", name);
        }
        if (values.size() > 1) {
            throw new InvalidRequestException(HttpResponseStatus.BAD_REQUEST, "form field " + name + " appears "
                    + values.size() + " times; expected once", "page.error.fieldRepeated", name,
                    Integer.toString(values.size()));
        }
        return decodeUtf8(name, values.get(0));
    }

    private static void requireFormContentType(FullHttpRequest request) {
        CharSequence mimeType = HttpUtil.getMimeType(request);
        if (mimeType != null
                && AsciiString.contentEqualsIgnoreCase(mimeType, HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED)) {
            return;
        }
        String received = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String message = received == null
                ? "Content-Type is missing; expected " + HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED
                : "Content-Type '" + received + "' is not supported; expected "
                        + HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED;
        throw new InvalidRequestException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, message,
                "page.error.unsupportedMediaType", HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString());
    }

    /** Decodes {@code latin1}, one char per byte, as the UTF-8 bytes it carries. */
    private static String decodeUtf8(String name, String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException(HttpResponseStatus.BAD_REQUEST, "form field " + name
                    + " is not valid UTF-8", "page.error.formInvalid");
        }
    }
}
