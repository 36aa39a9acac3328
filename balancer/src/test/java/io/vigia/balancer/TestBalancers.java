package io.vigia.balancer;

import java.util.ArrayList;
import java.util.List;

/** Starts balancers for tests: loopback, ephemeral port, two event loops, probes off unless turned on. */
final class TestBalancers {

    private TestBalancers() {
    }

    /** Returns a test configuration over {@code backends}. */
    static BalancerConfig.Builder config(BackendAddress... backends) {
        return BalancerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .threads(2)
                .backends(List.of(backends))
                .probesEnabled(false)
                .connectTimeoutMillis(1_000)
                .responseTimeoutMillis(5_000)
                .drainTimeoutMillis(2_000);
    }

    static BalancerConfig.Builder config(FakeBackend... backends) {
        List<BackendAddress> addresses = new ArrayList<>();
        for (FakeBackend backend : backends) {
            addresses.add(backend.address());
        }
        return config(addresses.toArray(new BackendAddress[0]));
    }

    static BalancerServer start(BalancerConfig.Builder config) throws BalancerStartException {
        BalancerServer server = new BalancerServer(config.build());
        server.start();
        return server;
    }

    /** Returns a loopback address on which nothing listens: a port that was just bound and released. */
    static BackendAddress closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            return new BackendAddress("127.0.0.1", socket.getLocalPort());
        }
    }
}
