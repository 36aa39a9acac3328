package io.vigia.backend;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorStats;
import io.vigia.core.RecentErrors;
import io.vigia.core.http.ErrorRecordingHandler;
import io.vigia.core.net.Transports;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ResourceBundle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend process: the task API and the task page for browsers on Netty, with tasks in a SQLite file that
 * several backends may share, and its own error monitor behind {@code GET /errors/stats}.
 *
 * <p>{@link #main} parses the command line (see {@link BackendCommand}), starts the server, logs
 * {@code listening on HOST:PORT} with the bound port, and stops it on SIGTERM or Ctrl-C through a shutdown hook.
 * Tests create instances directly. {@link #start()} and {@link #close()} may be called from any thread other
 * than the server's event loops, and {@link #port()} and {@link #errorMonitor()} from any thread.
 */
public final class BackendServer implements AutoCloseable {

    /** Largest request body accepted; a larger one gets 413. */
    public static final int MAX_CONTENT_LENGTH_BYTES = 1024 * 1024;
    /** System property holding the log file's base name, read by logback.xml; main sets it from the port. */
    public static final String LOG_NAME_PROPERTY = "vigia.log.name";

    private static final int WORKER_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final long SHUTDOWN_QUIET_MILLIS = 100;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

    private final BackendConfig config;
    private final BackendMetrics metrics = new BackendMetrics();
    private final ErrorMonitor errorMonitor = new ErrorMonitor(RecentErrors.DEFAULT_CAPACITY, System::currentTimeMillis,
            metrics);
    private final ChannelGroup channels = new DefaultChannelGroup("backend-connections",
            GlobalEventExecutor.INSTANCE);
    private final CountDownLatch closed = new CountDownLatch(1);

    private volatile int boundPort = -1;
    private boolean started;
    private boolean closeCalled;
    private TaskStore store;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    public BackendServer(BackendConfig config) {
        this.config = config;
    }

    /**
     * Opens the task store and binds the listening socket, then returns the bound port.
     *
     * @throws BindException if the port is already in use
     * @throws IOException   if the server cannot listen for another reason
     * @throws SQLException  if the task database or its directory cannot be opened or created
     */
    public synchronized int start() throws IOException, SQLException, InterruptedException {
        if (started) {
            throw new IllegalStateException("the server was already started");
        }
        started = true;
        store = TaskStore.open(config.databaseFile(), config.databaseBusyTimeoutMillis(), metrics);
        Transports transport = Transports.best();
        ServerBootstrap bootstrap = newBootstrap(transport);
        try {
            serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
        } catch (InterruptedException e) {
            releaseResources();
            throw e;
        } catch (Exception e) {
            // sync() rethrows the bind failure as is, although the compiler cannot see that it is checked.
            releaseResources();
            throw listenFailure(e);
        }

        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        boundPort = address.getPort();
        Logging.logger.info("backend listening on {}:{} transport={} workerThreads={} db={}",
                address.getAddress().getHostAddress(), boundPort, transport, WORKER_THREADS, store.databaseFile());
        return boundPort;
    }

    private ServerBootstrap newBootstrap(Transports transport) {
        bossGroup = transport.newGroup(1, "backend-boss");
        workerGroup = transport.newGroup(WORKER_THREADS, "backend-worker");
        BackendRoutes routes = new BackendRoutes(store, errorMonitor, config.host(), this::port, metrics);
        return new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new BackendServerInitializer(new ErrorRecordingHandler(errorMonitor), routes,
                        channels, MAX_CONTENT_LENGTH_BYTES));
    }

    /** Returns the bound port, or -1 before {@link #start()} has bound it. */
    public int port() {
        return boundPort;
    }

    public ErrorMonitor errorMonitor() {
        return errorMonitor;
    }

    public BackendConfig config() {
        return config;
    }

    /**
     * Stops accepting connections, closes open ones, lets queued database work finish, stops the event
     * loops and logs the error totals. Safe to call more than once.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closeCalled) {
                return;
            }
            closeCalled = true;
        }
        Logging.logger.info("backend stopping port={}", boundPort);
        releaseResources();
        ErrorStats stats = errorMonitor.snapshot();
        Logging.logger.info("backend stopped port={} total_errors={} error_types={}", boundPort,
                stats.totalErrors(), stats.errorTypes());
        closed.countDown();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    private synchronized void releaseResources() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        }
        channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        if (store != null) {
            // Before the event loops stop, so that callbacks of finished database work still find them running.
            store.close();
        }
        Future<?> boss = bossGroup == null ? null : shutDown(bossGroup);
        Future<?> workers = workerGroup == null ? null : shutDown(workerGroup);
        awaitQuietly(boss);
        awaitQuietly(workers);
    }

    private static Future<?> shutDown(EventLoopGroup group) {
        return group.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void awaitQuietly(Future<?> termination) {
        if (termination != null && !termination.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2)) {
            Logging.logger.warn("event loop group did not stop within {} ms", SHUTDOWN_TIMEOUT_MILLIS * 2);
        }
    }

    private IOException listenFailure(Exception e) {
        String address = config.host() + ":" + config.port();
        if (e instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")) {
            // The epoll transport reports EADDRINUSE as a plain IOException.
            BindException inUse = new BindException(address + " is already in use");
            inUse.initCause(e);
            return inUse;
        }
        if (e instanceof IOException) {
            return (IOException) e;
        }
        return new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }

    /**
     * Starts a backend from the command line and blocks until a signal stops it. Exits with status 2 for an
     * invalid argument and 1 when the server cannot start.
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int status = run(args, out, err);
        if (status != BackendCommand.EXIT_OK) {
            System.exit(status);
        }
    }

    /** Runs the command line until the server stops, then returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        BackendCommand.Result command = BackendCommand.parse(args, out, err);
        if (command.config() == null) {
            return command.exitCode();
        }
        BackendConfig config = command.config();
        // Logback reads this while it configures itself, which happens at the first use of a logger.
        if (System.getProperty(LOG_NAME_PROPERTY) == null) {
            System.setProperty(LOG_NAME_PROPERTY, logName(config.port()));
        }
        BackendServer server = new BackendServer(config);
        String failure = startOrDescribeFailure(server, command.messages());
        if (failure != null) {
            // start() has already released what it had opened.
            err.println(failure);
            return BackendCommand.EXIT_START_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "backend-shutdown"));
        try {
            server.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return BackendCommand.EXIT_OK;
    }

    /** Starts {@code server} and returns {@code null}, or the message to print when it cannot start. */
    private static String startOrDescribeFailure(BackendServer server, ResourceBundle messages) {
        BackendConfig config = server.config();
        String port = Integer.toString(config.port());
        try {
            server.start();
            return null;
        } catch (BindException e) {
            Logging.logger.error("backend cannot start host={} port={}: {}", config.host(), port, e.getMessage());
            return BackendCommand.format(messages, "error.portInUse", config.host(), port);
        } catch (SQLException e) {
            Logging.logger.error("backend cannot open the task database db={}: {}", config.databaseFile(),
                    e.getMessage());
            return BackendCommand.format(messages, "error.database", config.databaseFile(), e.getMessage());
        } catch (IOException e) {
            Logging.logger.error("backend cannot start host={} port={}: {}", config.host(), port, e.toString());
            return BackendCommand.format(messages, "error.cannotListen", config.host(), port, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendCommand.format(messages, "error.interrupted");
        }
    }

    /** Returns the log file's base name: the port, or the process id for an ephemeral port. */
    static String logName(int port) {
        return port == 0 ? "backend-pid" + ProcessHandle.current().pid() : "backend-" + port;
    }

    /**
     * Holds the logger, so that logback configures itself when the logger is first used, after {@link #run}
     * has set {@link #LOG_NAME_PROPERTY}, rather than when this class loads.
     */
    private static final class Logging {
        static final Logger logger = LoggerFactory.getLogger(BackendServer.class);
    }
}
