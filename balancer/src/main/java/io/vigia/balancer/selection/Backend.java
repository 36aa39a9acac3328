package io.vigia.balancer.selection;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend server: its address, its current state and the traffic counters shown on {@code /status}.
 *
 * <p>The address and id never change. The state and the time it was entered are written only by
 * {@link BackendGroup#changeState} under the group's lock and read by any thread through volatile fields.
 * The counters are {@link LongAdder}s that every event loop increments. The weight changes only on a
 * configuration reload; the in-flight count changes on every event loop as exchanges attach and finish.
 * A backend removed by a reload is marked retired and never selected again.
 */
public final class Backend {

    private final int index;
    private final String host;
    private final int port;
    private final String id;
    private final InetSocketAddress address;

    private volatile BackendState state;
    private volatile long stateSinceMillis;
    private volatile int weight = 1;
    private volatile boolean retired;
    private final AtomicInteger inFlight = new AtomicInteger();

    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();

    /**
     * Creates a backend in state {@code initialState}.
     *
     * @param index position in its {@link BackendGroup} at startup; a backend added by a reload gets a
     *              number past every earlier one
     * @param address where to connect; resolved once by the caller
     */
    public Backend(int index, String host, int port, InetSocketAddress address, BackendState initialState,
                   long stateSinceMillis) {
        this.index = index;
        this.host = host;
        this.port = port;
        this.id = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        this.address = address;
        this.state = initialState;
        this.stateSinceMillis = stateSinceMillis;
    }

    public int index() {
        return index;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /**
     * The backend as {@code host:port} ({@code [host]:port} for IPv6), the form used in logs, JSON and
     * {@code X-Upstream-Server}.
     */
    public String id() {
        return id;
    }

    public InetSocketAddress address() {
        return address;
    }

    public BackendState state() {
        return state;
    }

    public boolean isUp() {
        return state == BackendState.UP;
    }

    /** Wall-clock time, in epoch milliseconds, when the backend entered its current state. */
    public long stateSinceMillis() {
        return stateSinceMillis;
    }

    /** Counts one response relayed from this backend; {@code status} of 400 or more also counts an error. */
    public void recordResponse(int status) {
        requests.increment();
        if (status >= 400) {
            errors.increment();
        }
    }

    /** Counts one error response the balancer made itself because of this backend (502 or 504). */
    public void recordBalancerError() {
        errors.increment();
    }

    /** Responses relayed from this backend. */
    public long requests() {
        return requests.sum();
    }

    /** Error responses relayed from this backend plus the 502 and 504 responses the balancer made for it. */
    public long errors() {
        return errors.sum();
    }

    /** Share of traffic under weighted round robin, 1 or more. */
    public int weight() {
        return weight;
    }

    /** Sets the weight, at startup or on a configuration reload. */
    public void setWeight(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("weight must be 1 or more, got " + value);
        }
        weight = value;
    }

    /** Requests attached to this backend and not yet finished, for least-outstanding selection. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Counts a request that starts using this backend; pair every call with {@link #finishRequest()}. */
    public void startRequest() {
        inFlight.incrementAndGet();
    }

    /** Counts the end of a request counted by {@link #startRequest()}, whether it succeeded or failed. */
    public void finishRequest() {
        inFlight.decrementAndGet();
    }

    /** Whether a configuration reload removed this backend; its pooled connections are then closed. */
    public boolean isRetired() {
        return retired;
    }

    void retire() {
        retired = true;
    }

    void setState(BackendState newState, long sinceMillis) {
        this.stateSinceMillis = sinceMillis;
        this.state = newState;
    }

    @Override
    public String toString() {
        return id;
    }
}
