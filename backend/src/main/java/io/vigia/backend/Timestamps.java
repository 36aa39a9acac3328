package io.vigia.backend;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats instants as the ISO-8601 text that the backend stores and sends. */
final class Timestamps {

    private static final DateTimeFormatter ISO_MILLIS_UTC =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** Formats {@code instant} in UTC with millisecond precision, for example {@code 2026-12-04T21:44:11.123Z}. */
    static String format(Instant instant) {
        return ISO_MILLIS_UTC.format(instant);
    }
}
