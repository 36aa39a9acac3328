package io.vigia.core.metrics;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * The bounded label values that HTTP metrics use for a request method and a response status, so that a
 * client sending made-up methods or statuses cannot create new time series.
 *
 * <p>Both lookups return an index into the matching list and allocate nothing, so callers can keep
 * per-label metric children in arrays. Stateless and thread-safe.
 */
public final class HttpLabels {

    /** Method label values; {@code other} stands for every method not listed before it. */
    public static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "other");
    /** Status class label values; {@code other} stands for codes outside 100 to 599. */
    public static final List<String> STATUS_CLASSES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other");

    private static final int OTHER_METHOD = METHODS.size() - 1;
    private static final int OTHER_STATUS_CLASS = STATUS_CLASSES.size() - 1;

    private HttpLabels() {
    }

    /** Returns the index of {@code method}'s label in {@link #METHODS}; {@code null} maps to {@code other}. */
    public static int methodIndex(HttpMethod method) {
        if (method == null) {
            return OTHER_METHOD;
        }
        return methodIndex(method.name());
    }

    /** Returns the index of the label for the method named {@code name} in {@link #METHODS}. */
    public static int methodIndex(String name) {
        if (name == null) {
            return OTHER_METHOD;
        }
        switch (name) {
            case "GET":
                return 0;
            case "HEAD":
                return 1;
            case "POST":
                return 2;
            case "PUT":
                return 3;
            case "DELETE":
                return 4;
            case "PATCH":
                return 5;
            case "OPTIONS":
                return 6;
            default:
                return OTHER_METHOD;
        }
    }

    /** Returns the index of {@code status}'s class label in {@link #STATUS_CLASSES}. */
    public static int statusClassIndex(int status) {
        if (status < 100 || status > 599) {
            return OTHER_STATUS_CLASS;
        }
        return status / 100 - 1;
    }
}
