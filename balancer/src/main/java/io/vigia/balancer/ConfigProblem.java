package io.vigia.balancer;

/**
 * A reason a configuration value is invalid. The English text is the default, and the command line prints
 * a translated text looked up by the constant's name.
 */
public enum ConfigProblem {
    LISTEN_PORT_OUT_OF_RANGE("expected a port number from 0 to 65535"),
    BACKEND_PORT_OUT_OF_RANGE("expected a port number from 1 to 65535"),
    PORT_NOT_A_NUMBER("the port is not a number, expected host:port with a port number from 1 to 65535"),
    MISSING_PORT("missing port, expected host:port"),
    EMPTY_HOST("empty host, expected host:port"),
    UNBRACKETED_IPV6("an IPv6 address needs brackets, as in [::1]:5001"),
    NO_BACKENDS("at least one backend is required"),
    DUPLICATE_BACKEND("the same backend is listed twice"),
    NOT_POSITIVE("expected a number greater than 0"),
    NEGATIVE("expected 0 or more"),
    INVALID_PATH("expected a path that starts with '/'"),
    INVALID_LANGUAGE("expected es or en"),
    CONFLICTING_PORTS("the port argument and --port differ"),
    INVALID_ACCESS_LOG_FORMAT("expected text or json"),
    WEIGHT_TOO_SMALL("expected a weight of 1 or more"),
    UNKNOWN_LOAD_BALANCING("expected round-robin, weighted-round-robin or least-outstanding"),
    PERCENT_OUT_OF_RANGE("expected a number from 0 to 100"),
    FILE_NOT_FOUND("file not found"),
    FILE_NOT_READABLE("the file cannot be read"),
    INVALID_YAML("invalid YAML"),
    UNKNOWN_KEY("unknown key; see vigia.example.yaml for the valid keys"),
    WRONG_TYPE("wrong type of value for this key"),
    UNRESOLVED_BACKEND("the backend's host name does not resolve"),
    MISSING_VALUE("a value is required");

    private final String english;

    ConfigProblem(String english) {
        this.english = english;
    }

    /** The problem in English, as used in exception messages and logs. */
    public String english() {
        return english;
    }
}
