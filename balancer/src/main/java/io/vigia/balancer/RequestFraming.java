package io.vigia.balancer;

import io.netty.buffer.ByteBuf;
import io.vigia.core.ErrorCause;
import java.nio.charset.StandardCharsets;

/**
 * Follows the raw bytes of one client connection to find where each request head and body starts and
 * ends, and rejects the framing faults that Netty's request decoder lets through or that would make this
 * tracker lose its place.
 *
 * <p>Request heads are read line by line. The request line must be a method token, a request target without
 * whitespace or control characters and {@code HTTP/1.x}, separated by single spaces (RFC 9112 section 3,
 * applied strictly, so a tab is not a separator). Every line must
 * end with CRLF (no bare CR or LF), and a header line must not start with whitespace (obsolete line
 * folding, RFC 9112 section 5.2), must contain a colon and must not have whitespace before it.
 * {@code Content-Length} must appear at most once, as plain decimal digits on a field line of at most 256
 * bytes, and never together with {@code Transfer-Encoding}. Bodies are skipped without reading them: a
 * fixed-length body by counting, a chunked body by parsing only its chunk-size lines, the CRLF after each
 * chunk's data and the trailer lines. Any request with {@code Transfer-Encoding} is followed as chunked,
 * because Netty's decoder rejects every other final coding.
 *
 * <p>The first fault stops the tracker for good: {@link #scan} returns the index of the byte where the
 * fault became certain, and {@link #rejection()} says why. Not thread-safe; one instance per connection,
 * used on its event loop.
 */
final class RequestFraming {

    /** Position of the tracker in the byte stream. */
    enum State {
        /** Between requests, skipping empty lines before a request line. */
        IDLE,
        /** Inside a request head. */
        HEAD,
        /** Inside a body framed by {@code Content-Length}. */
        FIXED_BODY,
        /** Inside a chunk-size line. */
        CHUNK_SIZE,
        /** Inside a chunk's data. */
        CHUNK_DATA,
        /** Expecting the CRLF that ends a chunk's data. */
        CHUNK_DATA_END,
        /** Inside the trailer section after the last chunk. */
        TRAILERS,
        /** Stopped at a framing fault. */
        REJECTED
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_VERSION_PREFIX = "HTTP/".getBytes(StandardCharsets.US_ASCII);
    /** Digits of the largest Content-Length accepted: 18 digits cannot overflow a long. */
    private static final int MAX_LENGTH_DIGITS = 18;
    /**
     * Bytes kept from the start of each line, enough for any header name this class compares and for a
     * Content-Length value. Longer lines are followed without being kept, so memory per connection is fixed.
     */
    private static final int STORED_LINE_BYTES = 256;
    /** Length of {@code " HTTP/1.1"}, the end of a request line. */
    private static final int VERSION_SUFFIX_BYTES = 9;
    /** Bytes of a malformed request line quoted in the rejection message. */
    private static final int QUOTED_REQUEST_LINE_BYTES = 64;

    private final int maxLineBytes;

    private State state = State.IDLE;
    private final byte[] line = new byte[STORED_LINE_BYTES];
    /** The last bytes of a request line longer than the stored part, as a ring written at {@code tailPosition}. */
    private final byte[] lineTail = new byte[VERSION_SUFFIX_BYTES];
    /** The request line's last bytes, {@code " HTTP/1.1"}, copied here by {@link #checkVersion}. */
    private final byte[] versionSuffix = new byte[VERSION_SUFFIX_BYTES];
    private int tailPosition;
    private int lineLength;
    /** Bytes of a line stored before the slow path takes over: the smaller of the buffer and the line limit. */
    private final int storedLimit;
    private int colonBeyondStored = -1;
    private boolean whitespaceBeforeColonBeyondStored;
    private byte previousByte;
    private boolean afterCr;
    private boolean requestLine;
    /** Spaces in the request line so far. A well-formed one has exactly two. */
    private int requestLineSpaces;
    private boolean previousRequestLineByteWasSpace;
    /** Whether the request line has an empty method or target, from a leading space or two spaces in a row. */
    private boolean requestLineEmptyPart;
    /** The first invalid character found in the request line's method or target, or null. */
    private String requestLineFault;
    private long contentLength = -1;
    private boolean transferEncoding;
    private long remaining;

    private long headsCompleted;
    private long bodyBytes;
    private RequestRejectedException rejection;
    private boolean rejectedInHead;

    /**
     * @param maxLineBytes longest head, chunk-size or trailer line accepted. Set it above the decoder's own
     *                     limits, so that Netty reports overlong lines first, with its more specific errors
     */
    RequestFraming(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
        this.storedLimit = Math.min(maxLineBytes, STORED_LINE_BYTES);
    }

    State state() {
        return state;
    }

    /** Returns whether the tracker is inside a body: after a head that announced one and before its end. */
    boolean inBody() {
        return state == State.FIXED_BODY || state == State.CHUNK_SIZE || state == State.CHUNK_DATA
                || state == State.CHUNK_DATA_END || state == State.TRAILERS;
    }

    /** Number of request heads completed on this connection. */
    long headsCompleted() {
        return headsCompleted;
    }

    /** Body bytes seen so far on this connection, chunk framing included; grows whenever a body makes progress. */
    long bodyBytes() {
        return bodyBytes;
    }

    /** Returns the reason the tracker stopped, or {@code null} while it has not. */
    RequestRejectedException rejection() {
        return rejection;
    }

    /** Returns whether the fault was in a request head, before the decoder could have produced that request. */
    boolean rejectedInHead() {
        return rejectedInHead;
    }

    /**
     * Scans the readable bytes of {@code buf} without moving its indexes.
     *
     * @return -1 when every byte is valid, else the absolute index of the byte at which the request became
     *         invalid; the bytes before it are valid and the state is then {@link State#REJECTED}
     */
    int scan(ByteBuf buf) {
        int index = buf.readerIndex();
        int end = buf.writerIndex();
        while (index < end && state != State.REJECTED) {
            switch (state) {
                case IDLE -> index = scanIdle(buf, index);
                case HEAD, CHUNK_SIZE, TRAILERS -> index = scanLine(buf, index, end);
                case FIXED_BODY, CHUNK_DATA -> index = skipBody(index, end);
                case CHUNK_DATA_END -> index = scanChunkDataEnd(buf, index);
                default -> throw new IllegalStateException("unexpected state " + state);
            }
        }
        return state == State.REJECTED ? index : -1;
    }

    private int scanIdle(ByteBuf buf, int index) {
        byte b = buf.getByte(index);
        if (afterCr) {
            afterCr = false;
            return b == LF ? index + 1 : reject(index, true, "bare CR before the request line");
        }
        if (b == CR) {
            afterCr = true;
            return index + 1;
        }
        if (b == LF) {
            return reject(index, true, "bare LF before the request line, expected CRLF");
        }
        state = State.HEAD;
        requestLine = true;
        requestLineSpaces = 0;
        requestLineEmptyPart = false;
        previousRequestLineByteWasSpace = false;
        requestLineFault = null;
        startLine();
        return index;
    }

    /** Collects one line of a head, a chunk size or a trailer, and handles it at its CRLF. */
    private int scanLine(ByteBuf buf, int index, int end) {
        while (index < end) {
            byte b = buf.getByte(index);
            if (afterCr) {
                afterCr = false;
                if (b != LF) {
                    return reject(index, state == State.HEAD, "bare CR in " + lineKind());
                }
                endOfLine(index);
                // A rejected line keeps its LF, so the decoder never sees the line complete.
                return state == State.REJECTED ? index : index + 1;
            }
            if (b == CR) {
                afterCr = true;
            } else if (b == LF) {
                return reject(index, state == State.HEAD, "bare LF in " + lineKind() + ", expected CRLF");
            } else if (!append(b)) {
                return rejectLongLine(index);
            } else if (requestLine) {
                checkRequestLineByte(b);
            }
            index++;
        }
        return index;
    }

    private void startLine() {
        lineLength = 0;
        colonBeyondStored = -1;
    }

    /** Records one byte of the current line; returns false when the line is longer than the limit. */
    private boolean append(byte b) {
        if (lineLength < storedLimit) {
            line[lineLength++] = b;
            return true;
        }
        return appendBeyondStored(b);
    }

    /** Follows a byte past the stored part: only the first colon and the request line's end are needed there. */
    private boolean appendBeyondStored(byte b) {
        if (lineLength == maxLineBytes) {
            return false;
        }
        if (colonBeyondStored < 0 && b == ':') {
            colonBeyondStored = lineLength;
            whitespaceBeforeColonBeyondStored = isOws(lineLength == line.length ? line[line.length - 1] : previousByte);
        }
        if (requestLine) {
            lineTail[tailPosition] = b;
            tailPosition = tailPosition == VERSION_SUFFIX_BYTES - 1 ? 0 : tailPosition + 1;
        }
        previousByte = b;
        lineLength++;
        return true;
    }

    /** Number of bytes of the current line kept in {@code line}. */
    private int storedLength(int length) {
        return Math.min(length, line.length);
    }

    /** Returns the position of the first colon of a line of {@code length} bytes, or -1. */
    private int findColon(int length) {
        int stored = storedLength(length);
        for (int i = 0; i < stored; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return colonBeyondStored;
    }

    private void endOfLine(int index) {
        int length = lineLength;
        int colon = state == State.CHUNK_SIZE || requestLine ? -1 : findColon(length);
        boolean spaceBeforeColon = colon > 0 && (colon <= line.length
                ? isOws(line[colon - 1]) : whitespaceBeforeColonBeyondStored);
        startLine();
        switch (state) {
            case HEAD -> endOfHeadLine(index, length, colon, spaceBeforeColon);
            case CHUNK_SIZE -> endOfChunkSizeLine(index, length);
            case TRAILERS -> endOfTrailerLine(index, length, colon, spaceBeforeColon);
            default -> throw new IllegalStateException("unexpected state " + state);
        }
    }

    private void endOfHeadLine(int index, int length, int colon, boolean spaceBeforeColon) {
        if (requestLine) {
            requestLine = false;
            if (checkRequestLineShape(index, length)) {
                checkVersion(index, length);
            }
            return;
        }
        if (length == 0) {
            endOfHead(index);
            return;
        }
        if (!checkFieldLine(index, colon, spaceBeforeColon, true)) {
            return;
        }
        if (nameEquals(colon, CONTENT_LENGTH)) {
            readContentLength(index, colon, length);
        } else if (nameEquals(colon, TRANSFER_ENCODING)) {
            transferEncoding = true;
        }
    }

    /**
     * Follows the parts of the request line through {@code b}, its byte at position {@code lineLength - 1}.
     * Counts the spaces and notes the first character that the method or the target must not contain.
     */
    private void checkRequestLineByte(byte b) {
        int position = lineLength - 1;
        if (b == ' ') {
            requestLineEmptyPart |= position == 0 || previousRequestLineByteWasSpace;
            requestLineSpaces++;
            previousRequestLineByteWasSpace = true;
            return;
        }
        previousRequestLineByteWasSpace = false;
        if (requestLineFault != null) {
            return;
        }
        if (requestLineSpaces == 0 && !isTokenChar(b)) {
            requestLineFault = "invalid character " + hex(b) + " in the method";
        } else if (requestLineSpaces == 1 && (b < 0x21 || b == 0x7F)) {
            requestLineFault = "invalid character " + hex(b) + " in the request target";
        }
    }

    /**
     * Checks that the request line has the three parts of RFC 9112 section 3, and returns false after a
     * rejection. Netty's decoder (4.2) splits on any whitespace and reports a missing part with messages such
     * as "text is empty (possibly HTTP/0.9)", so the client gets this one instead.
     */
    private boolean checkRequestLineShape(int index, int length) {
        String fault = requestLineFault;
        if (fault == null && (requestLineSpaces != 2 || requestLineEmptyPart)) {
            fault = "expected a method, a request target and the HTTP version separated by single spaces,"
                    + " as in \"GET / HTTP/1.1\"";
        }
        if (fault == null) {
            return true;
        }
        reject(index, true, new RequestRejectedException(ErrorCause.MALFORMED_REQUEST,
                "malformed request line \"" + quoteRequestLine(length) + "\": " + fault));
        return false;
    }

    /** Returns the start of the request line as printable ASCII, other bytes replaced by {@code ?}. */
    private String quoteRequestLine(int length) {
        int quoted = Math.min(storedLength(length), QUOTED_REQUEST_LINE_BYTES);
        StringBuilder text = new StringBuilder(quoted + 3);
        for (int i = 0; i < quoted; i++) {
            byte b = line[i];
            text.append(b >= 0x20 && b < 0x7F ? (char) b : '?');
        }
        if (length > quoted) {
            text.append("...");
        }
        return text.toString();
    }

    /**
     * Checks that the request line ends with {@code " HTTP/" DIGIT "." DIGIT}, the name in upper case as
     * RFC 9112 section 2.3 requires (Netty's decoder accepts any case), and that the major version is 1.
     */
    private void checkVersion(int index, int length) {
        byte[] suffix = versionSuffix;
        for (int i = 0; i < VERSION_SUFFIX_BYTES && length > VERSION_SUFFIX_BYTES; i++) {
            suffix[i] = requestLineByte(length - VERSION_SUFFIX_BYTES + i, length);
        }
        boolean valid = length > VERSION_SUFFIX_BYTES && suffix[0] == ' ' && suffix[7] == '.'
                && isDigit(suffix[6]) && isDigit(suffix[8]);
        for (int i = 0; valid && i < HTTP_VERSION_PREFIX.length; i++) {
            valid = suffix[1 + i] == HTTP_VERSION_PREFIX[i];
        }
        if (!valid) {
            reject(index, true, "invalid HTTP version in the request line, expected HTTP/1.1 or HTTP/1.0");
        } else if (suffix[6] != '1') {
            String version = new String(suffix, 1, VERSION_SUFFIX_BYTES - 1, StandardCharsets.ISO_8859_1);
            reject(index, true, new RequestRejectedException(ErrorCause.HTTP_VERSION_NOT_SUPPORTED,
                    "HTTP version not supported: " + version + ", expected HTTP/1.1 or HTTP/1.0"));
        }
    }

    /** Returns byte {@code position} of a request line of {@code length} bytes, one of its last nine. */
    private byte requestLineByte(int position, int length) {
        if (position < line.length) {
            return line[position];
        }
        // The ring contains the bytes past the stored part, and its most recent one is just before tailPosition.
        return lineTail[(tailPosition + VERSION_SUFFIX_BYTES - (length - position)) % VERSION_SUFFIX_BYTES];
    }

    /** Checks the shape shared by header and trailer lines; returns false after a rejection. */
    private boolean checkFieldLine(int index, int colon, boolean spaceBeforeColon, boolean inHead) {
        if (line[0] == ' ' || line[0] == '\t') {
            reject(index, inHead, "obsolete line folding: a " + (inHead ? "header" : "trailer")
                    + " line starts with whitespace");
            return false;
        }
        if (colon < 0) {
            reject(index, inHead, (inHead ? "header" : "trailer") + " line without a colon");
            return false;
        }
        if (colon == 0) {
            reject(index, inHead, "empty header name");
            return false;
        }
        if (spaceBeforeColon) {
            reject(index, inHead, "whitespace between the header name and the colon");
            return false;
        }
        return true;
    }

    private void readContentLength(int index, int colon, int length) {
        if (contentLength >= 0) {
            reject(index, true, "multiple Content-Length headers");
            return;
        }
        if (length > line.length) {
            reject(index, true, "invalid Content-Length: the field line is longer than " + line.length + " bytes");
            return;
        }
        int start = colon + 1;
        int end = length;
        while (start < end && isOws(line[start])) {
            start++;
        }
        while (end > start && isOws(line[end - 1])) {
            end--;
        }
        long value = parseDecimal(start, end);
        if (value < 0) {
            String text = new String(line, colon + 1, length - colon - 1, StandardCharsets.ISO_8859_1).trim();
            reject(index, true, "invalid Content-Length \"" + text + "\": expected decimal digits only");
            return;
        }
        contentLength = value;
    }

    private long parseDecimal(int start, int end) {
        if (start == end || end - start > MAX_LENGTH_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte b = line[i];
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private void endOfHead(int index) {
        headsCompleted++;
        boolean chunked = transferEncoding;
        long length = contentLength;
        transferEncoding = false;
        contentLength = -1;
        if (chunked && length >= 0) {
            reject(index, true, "both Content-Length and Transfer-Encoding");
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (length > 0) {
            state = State.FIXED_BODY;
            remaining = length;
        } else {
            state = State.IDLE;
        }
    }

    private void endOfChunkSizeLine(int index, int length) {
        int stored = storedLength(length);
        int digitsEnd = 0;
        while (digitsEnd < stored && line[digitsEnd] != ';') {
            digitsEnd++;
        }
        long size = parseHex(digitsEnd);
        if (size < 0) {
            String text = new String(line, 0, stored, StandardCharsets.ISO_8859_1);
            reject(index, false, "invalid chunk size line \"" + text + "\"");
            return;
        }
        if (size == 0) {
            state = State.TRAILERS;
            return;
        }
        state = State.CHUNK_DATA;
        remaining = size;
    }

    /** Parses {@code line[0, end)} as a chunk size; -1 when it is empty, not hex or above {@link Integer#MAX_VALUE}. */
    private long parseHex(int end) {
        if (end == 0) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < end; i++) {
            int digit = Character.digit(line[i], 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
            if (value > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return value;
    }

    private void endOfTrailerLine(int index, int length, int colon, boolean spaceBeforeColon) {
        if (length == 0) {
            state = State.IDLE;
            return;
        }
        checkFieldLine(index, colon, spaceBeforeColon, false);
    }

    private int skipBody(int index, int end) {
        int count = (int) Math.min(remaining, end - index);
        remaining -= count;
        bodyBytes += count;
        if (remaining == 0) {
            state = state == State.FIXED_BODY ? State.IDLE : State.CHUNK_DATA_END;
        }
        return index + count;
    }

    private int scanChunkDataEnd(ByteBuf buf, int index) {
        byte b = buf.getByte(index);
        bodyBytes++;
        if (!afterCr && b == CR) {
            afterCr = true;
            return index + 1;
        }
        if (afterCr && b == LF) {
            afterCr = false;
            state = State.CHUNK_SIZE;
            return index + 1;
        }
        return reject(index, false, "chunk data not followed by CRLF");
    }

    private int rejectLongLine(int index) {
        String message = lineKind() + " longer than " + maxLineBytes + " bytes";
        if (state != State.HEAD) {
            return reject(index, false, message);
        }
        ErrorCause cause = requestLine ? ErrorCause.URI_TOO_LONG : ErrorCause.HEADERS_TOO_LARGE;
        return reject(index, true, new RequestRejectedException(cause, message));
    }

    private int reject(int index, boolean inHead, String reason) {
        return reject(index, inHead, new RequestRejectedException(ErrorCause.MALFORMED_REQUEST,
                "malformed request: " + reason));
    }

    private int reject(int index, boolean inHead, RequestRejectedException exception) {
        state = State.REJECTED;
        rejectedInHead = inHead;
        rejection = exception;
        return index;
    }

    private String lineKind() {
        return switch (state) {
            case CHUNK_SIZE -> "a chunk size line";
            case TRAILERS -> "a trailer line";
            default -> requestLine ? "the request line" : "a header line";
        };
    }

    /** Compares {@code line[0, length)} with a lower-case name no longer than the stored part, ignoring ASCII case. */
    private boolean nameEquals(int length, byte[] lowerCaseName) {
        if (length != lowerCaseName.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b >= 'A' && b <= 'Z') {
                b = (byte) (b + ('a' - 'A'));
            }
            if (b != lowerCaseName[i]) {
                return false;
            }
        }
        return true;
    }

    /** Returns whether {@code b} may appear in a token such as a method name (RFC 9110 section 5.6.2). */
    private static boolean isTokenChar(byte b) {
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || isDigit(b)) {
            return true;
        }
        return b > 0x20 && b < 0x7F && "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    private static String hex(byte b) {
        return String.format("0x%02X", b & 0xFF);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }
}
