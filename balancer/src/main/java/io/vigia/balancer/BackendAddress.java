package io.vigia.balancer;

/**
 * A backend's host, port and weight as configured, before name resolution.
 *
 * @param host   name or IP address, without brackets for IPv6
 * @param port   TCP port from 1 to 65535
 * @param weight share of traffic under weighted round robin, 1 or more; other algorithms ignore it
 */
public record BackendAddress(String host, int port, int weight) {

    public static final int DEFAULT_WEIGHT = 1;

    public BackendAddress {
        if (host == null || host.isEmpty()) {
            throw new ConfigException("--backends", host + ":" + port, ConfigProblem.EMPTY_HOST);
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException("--backends", host + ":" + port, ConfigProblem.BACKEND_PORT_OUT_OF_RANGE);
        }
        if (weight < 1) {
            throw new ConfigException("--backends", weight, ConfigProblem.WEIGHT_TOO_SMALL);
        }
    }

    /** Creates an address of weight {@link #DEFAULT_WEIGHT}. */
    public BackendAddress(String host, int port) {
        this(host, port, DEFAULT_WEIGHT);
    }

    /** Returns this address with {@code newWeight}. */
    public BackendAddress withWeight(int newWeight) {
        return new BackendAddress(host, port, newWeight);
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @param option the option that carried {@code text}, named in the error
     * @throws ConfigException naming {@code option} and {@code text} when the address is malformed
     */
    public static BackendAddress parse(String text, String option) {
        String trimmed = text.trim();
        String host;
        String portText;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw new ConfigException(option, text, ConfigProblem.MISSING_PORT);
            }
            host = trimmed.substring(1, close);
            portText = trimmed.substring(close + 2);
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon < 0) {
                throw new ConfigException(option, text, ConfigProblem.MISSING_PORT);
            }
            host = trimmed.substring(0, colon);
            portText = trimmed.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new ConfigException(option, text, ConfigProblem.UNBRACKETED_IPV6);
            }
        }
        return new BackendAddress(checkHost(host, text, option), parsePort(portText, text, option));
    }

    /** The address as {@code host:port}, with brackets around an IPv6 host. */
    public String id() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString() {
        return id();
    }

    private static String checkHost(String host, String text, String option) {
        if (host.isEmpty()) {
            throw new ConfigException(option, text, ConfigProblem.EMPTY_HOST);
        }
        return host;
    }

    private static int parsePort(String portText, String text, String option) {
        if (portText.isEmpty()) {
            throw new ConfigException(option, text, ConfigProblem.MISSING_PORT);
        }
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException(option, text, ConfigProblem.PORT_NOT_A_NUMBER);
        }
        if (portText.length() > 5) {
            throw new ConfigException(option, text, ConfigProblem.BACKEND_PORT_OUT_OF_RANGE);
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new ConfigException(option, text, ConfigProblem.BACKEND_PORT_OUT_OF_RANGE);
        }
        return port;
    }
}
