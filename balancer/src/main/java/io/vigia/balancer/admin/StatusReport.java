package io.vigia.balancer.admin;

import io.vigia.balancer.health.ProbeResult;
import io.vigia.balancer.selection.BackendState;
import java.util.List;

/**
 * A point-in-time view of the balancer for {@code GET /status}, rendered by {@link StatusJson} and
 * {@link StatusPage}. Immutable.
 *
 * @param listen          bound address as {@code host:port}
 * @param startedAtMillis wall-clock start time in epoch milliseconds
 * @param uptimeSeconds   whole seconds since the start
 * @param backends        every backend in configuration order
 * @param totalErrors     error responses that crossed the balancer, its own included
 */
public record StatusReport(String listen, long startedAtMillis, long uptimeSeconds, List<BackendStatus> backends,
                           long totalErrors) {

    public StatusReport {
        backends = List.copyOf(backends);
    }

    /**
     * One backend's line in the report.
     *
     * @param sinceMillis when the backend entered {@code state}, in epoch milliseconds
     * @param lastProbe   the last health probe, or {@code null} before the first one finished
     * @param requests    responses relayed from the backend
     * @param errors      error responses relayed from it plus the 502 and 504 the balancer made for it
     */
    public record BackendStatus(String id, BackendState state, long sinceMillis, ProbeResult lastProbe,
                                long requests, long errors) {
    }
}
