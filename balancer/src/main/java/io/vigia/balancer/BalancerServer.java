package io.vigia.balancer;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vigia.balancer.accesslog.AccessLog;
import io.vigia.balancer.admin.AdminEndpoints;
import io.vigia.balancer.admin.AdminServer;
import io.vigia.balancer.admin.ConfigReload;
import io.vigia.balancer.admin.StatusJson;
import io.vigia.balancer.dashboard.Dashboard;
import io.vigia.balancer.dashboard.DashboardSnapshotSource;
import io.vigia.balancer.health.ProbeResult;
import io.vigia.balancer.health.HealthProber;
import io.vigia.balancer.health.OutlierDetector;
import io.vigia.balancer.metrics.BalancerMetrics;
import io.vigia.balancer.health.ProbeSettings;
import io.vigia.balancer.logging.AccessLogFiles;
import io.vigia.balancer.pool.ConnectionPools;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorStats;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.metrics.JvmMetricsRegistry;
import io.vigia.core.metrics.MetricsExposition;
import io.vigia.core.net.Transports;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running balancer: one event loop group that accepts client connections, serves them, opens backend
 * connections on the same loops and runs the health probes.
 *
 * <p>Lifecycle: {@link #start()} starts probing and binds, {@link #stop()} drains and shuts down. Both may
 * be called from any thread except an event loop of this server; {@link #stop()} blocks until the
 * shutdown completed, at most the drain timeout plus a few seconds.
 *
 * <p>Shutdown stops accepting, lets each connection finish the request it is serving (responses then
 * carry {@code Connection: close}) and closes idle connections at once. Connections still busy after the
 * drain timeout are closed. The error monitor totals are logged last.
 */
public final class BalancerServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BalancerServer.class);

    /** Upper bound for Netty to finish its own shutdown after every connection was closed. */
    private static final long GROUP_SHUTDOWN_TIMEOUT_SECONDS = 3;
    /** Time beyond the probe timeout that the first probe round may take, for scheduling delays. */
    private static final long FIRST_ROUND_GRACE_MILLIS = 500;

    private final BalancerConfig config;
    private final Transports transport = Transports.best();
    private final ErrorMonitor monitor;
    private final BalancerMetrics metrics;
    private final ChannelGroup clientChannels = new DefaultChannelGroup("vigia-clients", GlobalEventExecutor.INSTANCE);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    private EventLoopGroup group;
    private Channel serverChannel;
    private BackendGroup backends;
    private HealthProber prober;
    private BalancerContext context;
    private Dashboard dashboard;
    private AdminServer adminServer;
    private volatile ConfigReload reload;
    private volatile String listen;

    public BalancerServer(BalancerConfig config) {
        this.config = config;
        this.metrics = new BalancerMetrics();
        this.monitor = new ErrorMonitor(config.recentErrors(), System::currentTimeMillis, metrics);
    }

    /**
     * Resolves the backends, starts the health probes, waits up to one probe timeout for their first
     * results and binds the listen address. Logs {@code listening on HOST:PORT} with the bound port, then
     * every backend with its state and first probe result.
     *
     * @throws BalancerStartException when a name does not resolve or the address cannot be bound; nothing
     *                                is left running then
     */
    public synchronized void start() throws BalancerStartException {
        if (group != null) {
            throw new IllegalStateException("the balancer was already started");
        }
        InetSocketAddress bindAddress = resolveListenAddress();
        if (config.accessLogEnabled()) {
            AccessLogFiles.attach(config.accessLogFormat());
        }
        long startedAtMillis = System.currentTimeMillis();
        backends = new BackendGroup(newBackends(startedAtMillis), System::currentTimeMillis);
        backends.setSelector(config.loadBalancing().newSelector());

        group = transport.newGroup(config.threads(), "vigia-balancer");
        prober = new HealthProber(group, transport.clientChannel(), backends, new ProbeSettings(
                config.probeIntervalMillis(), config.probeTimeoutMillis(), config.probePath(), config.rise(),
                config.fall()));
        ConnectionPools pools = new ConnectionPools(newBackendBootstrap(), backends.size(),
                config.poolMaxIdlePerBackend());
        metrics.bind(backends, pools.counts());
        if (config.probesEnabled()) {
            // The first round runs on the event loops while this thread builds the rest, which at start-up,
            // with nothing compiled yet, saves about as long as the round itself takes.
            prober.start();
        }
        MetricsExposition exposition = new MetricsExposition(metrics.registry(), JvmMetricsRegistry.registry());
        AdminEndpoints admin = new AdminEndpoints(backends, prober, monitor, () -> listen, startedAtMillis,
                System::currentTimeMillis, exposition);
        dashboard = Dashboard.start(newDashboardSource(admin), group.next());
        context = new BalancerContext(config, backends, prober, pools, monitor, admin, dashboard,
                new RequestRecorder(metrics, new AccessLog(config.accessLogEnabled()), newOutlierDetector()));

        if (config.probesEnabled()) {
            awaitFirstProbeRound();
        }
        serverChannel = bind(bindAddress);
        if (config.hasAdminListener()) {
            bindAdmin(admin);
        }
        // Registering the JVM metrics loads a few hundred classes. Done during the first probe round, it would
        // take CPU from the round and delay the first request the balancer can serve.
        JvmMetricsRegistry.registerInBackground();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        listen = bound.getAddress().getHostAddress() + ":" + bound.getPort();
        log.info("balancer listening on {} transport={} threads={} backends={}", listen, transport,
                config.threads(), backends.size());
        String transportFallback = Transports.unavailabilityCause(transport);
        if (transportFallback != null) {
            log.warn("balancer uses transport={} instead of the one -D{} requests: {}", transport,
                    Transports.PROPERTY, transportFallback);
        }
        logBackends();
        if (config.accessLogEnabled()) {
            log.info("access log on logger={} format={}", AccessLog.LOGGER_NAME, config.accessLogFormat().label());
        }
    }

    /**
     * Waits, at most one probe timeout, for the first round of probes: backends start DOWN, so without the
     * wait every request in the first milliseconds after binding would get 503.
     */
    private void awaitFirstProbeRound() {
        try {
            if (!prober.awaitFirstRound(config.probeTimeoutMillis() + FIRST_ROUND_GRACE_MILLIS)) {
                log.warn("balancer starting before every backend responded to its first probe timeout_ms={}",
                        config.probeTimeoutMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The bound address; valid after {@link #start()}. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** The bound address of the admin listener, or {@code null} when there is none; valid after {@link #start()}. */
    public InetSocketAddress adminAddress() {
        return adminServer == null ? null : adminServer.localAddress();
    }

    /**
     * The admin listener, or {@code null} when there is none; valid after {@link #start()}. Use
     * {@link AdminServer#addRoute} to serve further paths there, such as {@code /metrics}.
     */
    public AdminServer adminServer() {
        return adminServer;
    }

    /** Sets the action behind {@code POST /admin/reload}; call before {@link #start()}. */
    public void setReload(ConfigReload value) {
        reload = value;
    }

    public ErrorMonitor monitor() {
        return monitor;
    }

    /** Client connections open now on the proxy port, including those that linger before closing. */
    int openClientConnections() {
        return clientChannels.size();
    }

    /** Returns the metrics that {@code GET /metrics} exposes. */
    public BalancerMetrics metrics() {
        return metrics;
    }

    /** The backends and their state; valid after {@link #start()}. */
    public BackendGroup backends() {
        return backends;
    }

    /** The configuration the server started with; a reload does not change it. */
    BalancerConfig config() {
        return config;
    }

    /** Returns the retry budget of the proxied requests; valid after {@link #start()}. */
    RetryBudget retryBudget() {
        return context.retryBudget();
    }

    /** The backend connection pools; valid after {@link #start()}. */
    ConnectionPools pools() {
        return context.pools();
    }

    /** The health prober, also the way to reach each backend's last probe; valid after {@link #start()}. */
    public HealthProber prober() {
        return prober;
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops accepting, drains in-flight requests for up to the drain timeout, closes everything and logs
     * the error totals. Later calls wait for the first one to finish.
     */
    public void stop() {
        if (!stopRequested.compareAndSet(false, true)) {
            awaitStoppedUninterruptibly();
            return;
        }
        try {
            if (group != null) {
                drainAndClose();
            }
        } finally {
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void drainAndClose() {
        context.startDraining();
        serverChannel.close().awaitUninterruptibly();
        prober.close();
        // Event streams never finish on their own, so they close before the drain waits for connections.
        dashboard.stop().awaitUninterruptibly();
        if (adminServer != null) {
            adminServer.close();
        }
        log.info("balancer stopping: listener closed, draining open_connections={} drain_timeout_ms={}",
                clientChannels.size(), config.drainTimeoutMillis());
        for (Channel channel : clientChannels) {
            channel.pipeline().fireUserEventTriggered(FrontendHandler.DRAIN);
        }
        if (!awaitDrained()) {
            log.warn("balancer closing connections still busy after the drain timeout open_connections={}",
                    clientChannels.size());
        }
        clientChannels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, GROUP_SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).awaitUninterruptibly();

        ErrorStats stats = monitor.snapshot();
        log.info("balancer stopped total_errors={} error_types={}", stats.totalErrors(), stats.errorTypes());
    }

    private boolean awaitDrained() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.drainTimeoutMillis());
        while (!clientChannels.isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void awaitStoppedUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Channel bind(InetSocketAddress bindAddress) throws BalancerStartException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                // No TCP_NODELAY child option: Netty 4.2 already sets it on every accepted socket (epoll,
                // io_uring and NIO, on every platform but Android), and setting it again costs a system call
                // per connection.
                .childHandler(new BalancerServerInitializer(context, clientChannels));
        ChannelFuture bind = bootstrap.bind(bindAddress).awaitUninterruptibly();
        if (bind.isSuccess()) {
            return bind.channel();
        }

        dashboard.stop().awaitUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
        group = null;
        Throwable cause = bind.cause();
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // The OS message names the problem, and a stack trace would only bury it.
        log.error("balancer cannot listen on {}:{}: {}", config.host(), config.port(), detail);
        boolean inUse = cause instanceof BindException
                || detail.toLowerCase(Locale.ROOT).contains("address already in use");
        throw new BalancerStartException(inUse ? BalancerStartException.Reason.PORT_IN_USE
                : BalancerStartException.Reason.BIND_FAILED, config.host() + ":" + config.port(), detail, cause);
    }

    private void bindAdmin(AdminEndpoints admin) throws BalancerStartException {
        InetSocketAddress address = new InetSocketAddress(config.adminHost(), config.adminPort());
        adminServer = new AdminServer(admin, dashboard, reload, metrics::recordAdminError);
        ChannelFuture bind = address.isUnresolved() ? null
                : adminServer.bind(group, transport.serverChannel(), address).awaitUninterruptibly();
        if (bind != null && bind.isSuccess()) {
            log.info("admin listener on {}", adminServer.localAddress());
            return;
        }

        serverChannel.close().awaitUninterruptibly();
        dashboard.stop().awaitUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
        group = null;
        String target = config.adminHost() + ":" + config.adminPort();
        if (bind == null) {
            throw new BalancerStartException(BalancerStartException.Reason.UNRESOLVED_HOST, target, null, null);
        }
        Throwable cause = bind.cause();
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        log.error("balancer cannot listen on admin address {}: {}", target, detail);
        boolean inUse = cause instanceof BindException
                || detail.toLowerCase(Locale.ROOT).contains("address already in use");
        throw new BalancerStartException(inUse ? BalancerStartException.Reason.PORT_IN_USE
                : BalancerStartException.Reason.BIND_FAILED, target, detail, cause);
    }

    /**
     * Builds what the dashboard shows: the {@code /status} and {@code /errors/stats} documents, with a version
     * that changes whenever errors, requests, backend states or probe results change.
     */
    private DashboardSnapshotSource newDashboardSource(AdminEndpoints admin) {
        return DashboardSnapshotSource.of(
                () -> StatusJson.toTree(admin.statusReport()),
                () -> ErrorStatsJson.toTree(monitor.snapshot()),
                this::dashboardVersion);
    }

    private long dashboardVersion() {
        long version = monitor.totalErrors();
        for (Backend backend : backends.all()) {
            ProbeResult probe = prober.lastProbe(backend);
            version = 31 * version + backend.requests();
            version = 31 * version + backend.stateSinceMillis() + backend.state().ordinal();
            version = 31 * version + (probe == null ? 0 : probe.timeMillis());
        }
        return version;
    }

    private Bootstrap newBackendBootstrap() {
        return new Bootstrap()
                .channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, config.connectTimeoutMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new BackendChannelInitializer());
    }

    private InetSocketAddress resolveListenAddress() throws BalancerStartException {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (address.isUnresolved()) {
            throw new BalancerStartException(BalancerStartException.Reason.UNRESOLVED_HOST,
                    config.host() + ":" + config.port(), null, null);
        }
        return address;
    }

    private OutlierDetector newOutlierDetector() {
        if (config.ejectAfterFailures() == 0) {
            return null;
        }
        return new OutlierDetector(backends, group.next(), config.ejectAfterFailures(), config.ejectBaseMillis(),
                config.ejectMaxPercent());
    }

    private List<Backend> newBackends(long nowMillis) throws BalancerStartException {
        List<Backend> list = new ArrayList<>();
        for (BackendAddress configured : config.backends()) {
            // Names resolve once, here; a backend that later moves to another address needs a restart.
            InetSocketAddress address = new InetSocketAddress(configured.host(), configured.port());
            if (address.isUnresolved()) {
                throw new BalancerStartException(BalancerStartException.Reason.UNRESOLVED_BACKEND, configured.id(),
                        null, null);
            }
            // With probes on, a backend enters the rotation only after its first successful probe.
            BackendState initialState = config.probesEnabled() ? BackendState.DOWN : BackendState.UP;
            Backend backend = new Backend(list.size(), configured.host(), configured.port(), address,
                    initialState, nowMillis);
            backend.setWeight(configured.weight());
            list.add(backend);
        }
        return list;
    }

    private void logBackends() {
        for (Backend backend : backends.all()) {
            ProbeResult probe = prober.tracker(backend).lastProbe();
            log.info("backend {} state={} since={} first_probe=\"{}\"", backend.id(), backend.state(),
                    Instant.ofEpochMilli(backend.stateSinceMillis()),
                    probe == null ? "not run" : probe.ok() ? "ok" : probe.error());
        }
    }
}
