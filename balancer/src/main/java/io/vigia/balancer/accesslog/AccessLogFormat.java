package io.vigia.balancer.accesslog;

import java.util.Locale;

/** The layout of access log lines, chosen with {@code --access-log-format}. */
public enum AccessLogFormat {
    /** One space-separated line per request, after the time; see {@link AccessLog}. */
    TEXT,
    /** One JSON object per line, written by Logback's {@code JsonEncoder} from the event's key-value pairs. */
    JSON;

    /** Returns the value of {@code --access-log-format} that selects this format. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the format named {@code text} (case-insensitive), or {@code null} for any other value. */
    public static AccessLogFormat parse(String text) {
        for (AccessLogFormat format : values()) {
            if (format.label().equalsIgnoreCase(text)) {
                return format;
            }
        }
        return null;
    }
}
