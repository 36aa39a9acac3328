package io.vigia.core;

import java.util.List;
import java.util.Map;

/**
 * A point-in-time view of an {@link ErrorMonitor}.
 *
 * @param totalErrors  number of error responses counted
 * @param errorTypes   counts keyed by bucket name, ordered by status code; buckets with no errors are absent
 * @param recentErrors the most recent errors, newest first
 */
public record ErrorStats(long totalErrors, Map<String, Long> errorTypes, List<ErrorRecord> recentErrors) {

    public ErrorStats {
        errorTypes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errorTypes));
        recentErrors = List.copyOf(recentErrors);
    }
}
