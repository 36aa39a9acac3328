package io.vigia.balancer.config;

import java.util.List;

/**
 * The configuration file as Jackson binds it, before any check. A key that is absent or {@code null}
 * leaves the field {@code null}, so the default or the command line decides. Field names map to kebab
 * case keys: {@code healthCheck} is {@code health-check}.
 */
record ConfigDocument(Listen listen, Listen admin, List<BackendEntry> backends, HealthCheck healthCheck,
                      Timeouts timeouts, Pool pool, String loadBalancing, Retry retry, Integer recentErrors,
                      Limits limits) {

    static final ConfigDocument EMPTY = new ConfigDocument(null, null, null, null, null, null, null, null, null,
            null);

    /** {@code listen} and {@code admin}: where a listener binds. */
    record Listen(String host, Integer port) {
    }

    /** One entry of {@code backends}. */
    record BackendEntry(String address, Integer weight) {
    }

    record HealthCheck(String path, Long intervalMs, Long timeoutMs, Integer rise, Integer fall) {
    }

    record Timeouts(Long connectMs, Long responseMs, Long idleMs) {
    }

    record Pool(Integer maxIdlePerBackend) {
    }

    record Retry(Boolean enabled, Integer budgetPercent, Integer minConcurrency) {
    }

    record Limits(Integer maxRequestLineBytes, Integer maxHeaderBytes, Long maxBodyBytes) {
    }
}
