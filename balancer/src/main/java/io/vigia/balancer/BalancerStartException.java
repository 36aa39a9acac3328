package io.vigia.balancer;

/**
 * The balancer could not start: the listen address or a backend name does not resolve, or the port
 * cannot be bound. {@link #reason()} lets the command line print a translated message.
 */
public final class BalancerStartException extends Exception {

    /** Cause of a failed start. */
    public enum Reason {
        PORT_IN_USE, BIND_FAILED, UNRESOLVED_HOST, UNRESOLVED_BACKEND
    }

    private final Reason reason;
    private final String address;
    private final String detail;

    BalancerStartException(Reason reason, String address, String detail, Throwable cause) {
        super(reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + address
                + (detail == null ? "" : " (" + detail + ")"), cause);
        this.reason = reason;
        this.address = address;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    /** The address involved, as {@code host:port}. */
    public String address() {
        return address;
    }

    /** The operating system's message, or {@code null}. */
    public String detail() {
        return detail;
    }
}
