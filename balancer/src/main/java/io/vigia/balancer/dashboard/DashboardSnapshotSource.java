package io.vigia.balancer.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigia.core.ErrorStatsJson;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Source of the dashboard's data: the snapshot document and a version number that changes with it.
 *
 * <p>The snapshot is {@code {"status": <GET /status body>, "errors": <GET /errors/stats body>,
 * "time": "<ISO-8601 instant>"}}. The page computes rates from the counters of successive snapshots and
 * their {@code time}, so the balancer keeps no history for it.
 *
 * <p>Both methods are called on event loop threads (the {@link DashboardEventHub} timer and any channel
 * serving {@code /dashboard/snapshot}), possibly at the same time: implementations must be thread-safe and
 * must not block.
 */
public interface DashboardSnapshotSource {

    /** Builds a new snapshot document; the caller may keep and serialize it. */
    ObjectNode snapshot();

    /**
     * Returns a number that changes whenever something the page shows has changed, for example the sum of
     * requests served, errors counted and backend state changes. Only equality is compared, so any
     * monotonic counter or hash works. A version that changes more often than the hub's push interval costs
     * nothing extra, because the hub reads it once per tick and pushes at most once per tick.
     */
    long version();

    /**
     * Returns a source that builds each snapshot from the {@code /status} and {@code /errors/stats} trees
     * and the current time of {@code clock}.
     */
    static DashboardSnapshotSource of(Supplier<ObjectNode> status, Supplier<ObjectNode> errors,
                                      LongSupplier version, Clock clock) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clock, "clock");
        return new DashboardSnapshotSource() {
            @Override
            public ObjectNode snapshot() {
                ObjectNode root = ErrorStatsJson.MAPPER.createObjectNode();
                root.set("status", status.get());
                root.set("errors", errors.get());
                root.put("time", Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString());
                return root;
            }

            @Override
            public long version() {
                return version.getAsLong();
            }
        };
    }

    /** Returns {@link #of(Supplier, Supplier, LongSupplier, Clock)} with the system UTC clock. */
    static DashboardSnapshotSource of(Supplier<ObjectNode> status, Supplier<ObjectNode> errors,
                                      LongSupplier version) {
        return of(status, errors, version, Clock.systemUTC());
    }
}
