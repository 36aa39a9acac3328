package io.vigia.it;

import io.vigia.backend.BackendConfig;
import io.vigia.backend.BackendServer;
import io.vigia.balancer.BackendAddress;
import io.vigia.balancer.BalancerConfig;
import io.vigia.balancer.BalancerServer;
import io.vigia.balancer.BalancerStartException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The course demo in one JVM: two backends on ports 5001 and 5002 sharing {@code ./data/tasks.db} and the
 * balancer on port 8080 with its default probes, all on 127.0.0.1, running until the JVM shuts down (Ctrl-C).
 *
 * <p>The servers run on their own Netty event loops. {@link #start} runs on the main thread and {@link #stop}
 * on the shutdown-hook thread (or the main thread after a failed start); {@code stop} may run more than once.
 */
final class Demo {

    static final String HOST = "127.0.0.1";
    static final Ports DEFAULT_PORTS = new Ports(5001, 5002, 8080);
    static final Path DEFAULT_DATABASE = Path.of("data", "tasks.db");
    static final String SCENARIO_COMMAND = "mvn -q -pl it exec:java -Dexec.args=scenario";

    private static final Logger logger = LoggerFactory.getLogger(Demo.class);
    private static final String DASHBOARD_PATH = "/dashboard";
    private static final List<String> SAMPLE_PATHS = List.of("/api/tasks", "/status", "/errors/stats", "/health");

    /** The three ports the demo binds; 0 picks a free port, which only tests use. */
    record Ports(int firstBackend, int secondBackend, int balancer) {
    }

    /** The three servers, as named in logs and, through a message key, on screen. */
    private enum Role {
        FIRST_BACKEND("backend-1", "demo.role.backend1"),
        SECOND_BACKEND("backend-2", "demo.role.backend2"),
        BALANCER("balancer", "demo.role.balancer");

        final String logName;
        final String messageKey;

        Role(String logName, String messageKey) {
            this.logName = logName;
            this.messageKey = messageKey;
        }
    }

    /** A server that failed to start, with the line to print for it. */
    private static final class StartFailure extends Exception {
        StartFailure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final Ports ports;
    private final Path database;
    private final Messages messages;
    private final PrintStream out;
    private final PrintStream err;
    private final List<BackendServer> backends = new ArrayList<>();
    private volatile BalancerServer balancer;

    Demo(Ports ports, Path database, Messages messages, PrintStream out, PrintStream err) {
        this.ports = ports;
        this.database = database;
        this.messages = messages;
        this.out = out;
        this.err = err;
    }

    /** Starts the demo on its fixed ports and blocks until the JVM shuts down; returns 1 if it cannot start. */
    static int runUntilShutdown(Language language, PrintStream out, PrintStream err) {
        Demo demo = new Demo(DEFAULT_PORTS, DEFAULT_DATABASE, Messages.of(language), out, err);
        if (!demo.start()) {
            return Main.EXIT_FAILURE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(demo::stop, "demo-shutdown"));
        demo.printWhereToLook();
        try {
            // Ctrl-C ends the JVM, which runs the shutdown hook; nothing else wakes this thread.
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.EXIT_OK;
    }

    /**
     * Checks that the three ports are free, then starts both backends and the balancer. On failure prints one
     * line to {@code err}, stops what already started and returns false.
     */
    boolean start() {
        try {
            requireFree(ports.firstBackend(), Role.FIRST_BACKEND);
            requireFree(ports.secondBackend(), Role.SECOND_BACKEND);
            requireFree(ports.balancer(), Role.BALANCER);
            int firstPort = startBackend(ports.firstBackend(), Role.FIRST_BACKEND);
            int secondPort = startBackend(ports.secondBackend(), Role.SECOND_BACKEND);
            startBalancer(firstPort, secondPort);
            logger.info("demo started backends={} balancer={} db={}", backendUrls(), balancerUrl(),
                    database.toAbsolutePath());
            return true;
        } catch (StartFailure e) {
            err.println(e.getMessage());
            stop();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return false;
        }
    }

    /** Stops the balancer first, so that it routes no request to a backend that is going away, then the backends. */
    void stop() {
        BalancerServer runningBalancer = balancer;
        if (runningBalancer != null) {
            runningBalancer.stop();
        }
        synchronized (backends) {
            if (backends.isEmpty()) {
                return;
            }
            for (BackendServer backend : backends) {
                backend.close();
            }
        }
        logger.info("demo stopped");
    }

    /** URL of the balancer; valid after a successful {@link #start}. */
    String balancerUrl() {
        return "http://" + HOST + ":" + balancer.port();
    }

    /** URLs of the two backends; valid after a successful {@link #start}. */
    List<String> backendUrls() {
        synchronized (backends) {
            return backends.stream().map(backend -> "http://" + HOST + ":" + backend.port()).toList();
        }
    }

    private void requireFree(int port, Role role) throws StartFailure {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (IOException e) {
            throw portInUse(port, role, e);
        }
    }

    private int startBackend(int port, Role role) throws StartFailure, InterruptedException {
        BackendServer backend = new BackendServer(BackendConfig.of(HOST, port, database));
        synchronized (backends) {
            backends.add(backend);
        }
        try {
            return backend.start();
        } catch (BindException e) {
            throw portInUse(port, role, e);
        } catch (SQLException e) {
            logger.error("demo cannot start role={} db={}: {}", role.logName, database.toAbsolutePath(), e.toString());
            throw new StartFailure(messages.format("demo.database.failed", database.toAbsolutePath(), e.getMessage()),
                    e);
        } catch (IOException e) {
            throw startFailed(role, e);
        }
    }

    private void startBalancer(int firstBackendPort, int secondBackendPort) throws StartFailure {
        BalancerConfig config = BalancerConfig.builder()
                .host(HOST)
                .port(ports.balancer())
                .backends(List.of(new BackendAddress(HOST, firstBackendPort),
                        new BackendAddress(HOST, secondBackendPort)))
                .build();
        BalancerServer server = new BalancerServer(config);
        try {
            server.start();
        } catch (BalancerStartException e) {
            if (e.reason() == BalancerStartException.Reason.PORT_IN_USE) {
                throw portInUse(ports.balancer(), Role.BALANCER, e);
            }
            throw startFailed(Role.BALANCER, e);
        }
        balancer = server;
    }

    private StartFailure portInUse(int port, Role role, Exception cause) {
        logger.error("demo cannot start role={} port={}: {}", role.logName, port, cause.toString());
        return new StartFailure(messages.format("demo.port.in.use", Integer.toString(port),
                messages.format(role.messageKey)), cause);
    }

    private StartFailure startFailed(Role role, Exception cause) {
        logger.error("demo cannot start role={}: {}", role.logName, cause.toString());
        return new StartFailure(messages.format("demo.start.failed", messages.format(role.messageKey),
                cause.toString()), cause);
    }

    /** Prints the URLs of the three servers, sample requests and how to run the scenario and stop the demo. */
    void printWhereToLook() {
        String balancerUrl = balancerUrl();
        List<String> backendUrls = backendUrls();
        out.println(messages.format("demo.ready"));
        for (int i = 0; i < backendUrls.size(); i++) {
            out.println(messages.format("demo.backend", Integer.toString(i + 1), backendUrls.get(i)));
        }
        out.println(messages.format("demo.balancer", balancerUrl));
        out.println(messages.format("demo.dashboard", balancerUrl + DASHBOARD_PATH));
        out.println(messages.format("demo.database", database.toAbsolutePath()));
        out.println(messages.format("demo.try"));
        for (String path : SAMPLE_PATHS) {
            out.println("  curl " + balancerUrl + path);
        }
        out.println("  curl -X POST -H 'Content-Type: application/json' -d '{\"title\":\""
                + messages.format("demo.sample.title") + "\"}' " + balancerUrl + "/api/tasks");
        out.println(messages.format("demo.scenario", SCENARIO_COMMAND));
        out.println(messages.format("demo.stop"));
    }
}
