package io.vigia.balancer;

import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * The command-line options behind {@link ClientLimits}, mixed into {@link Balancer}'s command. Their help
 * texts come from the command's resource bundle. Used once, on the main thread, while the command runs.
 */
final class ClientLimitOptions {

    @Option(names = "--max-request-line-bytes", paramLabel = "BYTES", descriptionKey = "max-request-line-bytes")
    private int maxRequestLineBytes = ClientLimits.DEFAULT_MAX_REQUEST_LINE_BYTES;

    @Option(names = "--max-header-bytes", paramLabel = "BYTES", descriptionKey = "max-header-bytes")
    private int maxHeaderBytes = ClientLimits.DEFAULT_MAX_HEADER_BYTES;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES", descriptionKey = "max-body-bytes")
    private long maxBodyBytes = ClientLimits.DEFAULT_MAX_BODY_BYTES;

    @Option(names = "--client-header-timeout-ms", paramLabel = "MS", descriptionKey = "client-header-timeout")
    private long clientHeaderTimeoutMillis = ClientLimits.DEFAULT_CLIENT_HEADER_TIMEOUT_MILLIS;

    @Option(names = "--client-body-timeout-ms", paramLabel = "MS", descriptionKey = "client-body-timeout")
    private long clientBodyTimeoutMillis = ClientLimits.DEFAULT_CLIENT_BODY_TIMEOUT_MILLIS;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", descriptionKey = "idle-timeout")
    private long idleTimeoutMillis = ClientLimits.DEFAULT_IDLE_TIMEOUT_MILLIS;

    @Option(names = "--max-connections", paramLabel = "N", descriptionKey = "max-connections")
    private int maxConnections = ClientLimits.DEFAULT_MAX_CONNECTIONS;

    /**
     * Sets on {@code builder} each option that {@code given} says the command line named, so that they
     * override a configuration file; throws a {@link ConfigException} naming the first invalid one.
     */
    void applyGiven(Predicate<String> given, BalancerConfig.Builder builder) {
        if (given.test("--max-request-line-bytes")) {
            builder.maxRequestLineBytes(maxRequestLineBytes);
        }
        if (given.test("--max-header-bytes")) {
            builder.maxHeaderBytes(maxHeaderBytes);
        }
        if (given.test("--max-body-bytes")) {
            builder.maxBodyBytes(maxBodyBytes);
        }
        if (given.test("--client-header-timeout-ms")) {
            builder.clientHeaderTimeoutMillis(clientHeaderTimeoutMillis);
        }
        if (given.test("--client-body-timeout-ms")) {
            builder.clientBodyTimeoutMillis(clientBodyTimeoutMillis);
        }
        if (given.test("--idle-timeout-ms")) {
            builder.idleTimeoutMillis(idleTimeoutMillis);
        }
        if (given.test("--max-connections")) {
            builder.maxConnections(maxConnections);
        }
    }

    /** Validates the options; throws a {@link ConfigException} naming the first invalid one. */
    ClientLimits toClientLimits() {
        return new ClientLimits(maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, clientHeaderTimeoutMillis,
                clientBodyTimeoutMillis, idleTimeoutMillis, maxConnections);
    }
}
