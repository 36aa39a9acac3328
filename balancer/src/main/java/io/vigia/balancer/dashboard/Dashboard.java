package io.vigia.balancer.dashboard;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

/**
 * The live dashboard page of the balancer: its static files, its snapshot source and the hub of open event
 * streams, created once per process and shared by every connection.
 *
 * <p>Wiring, in the balancer's startup code (not on an event loop, because {@link #start} reads files):
 * <pre>{@code
 * Dashboard dashboard = Dashboard.start(
 *         DashboardSnapshotSource.of(statusTree, errorStatsTree, versionCounter), workerGroup.next());
 * // in each frontend pipeline, after HttpServerCodec and ErrorRecordingHandler, before the proxy handler:
 * pipeline.addLast(dashboard.newHandler());
 * // at shutdown, before the event loop groups:
 * dashboard.stop();
 * }</pre>
 * {@link #newHandler()} serves every path under {@code /dashboard}; {@link #newRootHandler()} also serves the
 * page at {@code /}, for a port that carries only the dashboard.
 *
 * <p>Thread-safety: all methods may be called from any thread. Handlers are per connection; the page bytes,
 * the source and the hub are shared.
 */
public final class Dashboard {

    private final DashboardPages pages;
    private final DashboardSnapshotSource source;
    private final DashboardEventHub hub;

    Dashboard(DashboardPages pages, DashboardSnapshotSource source, DashboardEventHub hub) {
        this.pages = pages;
        this.source = source;
        this.hub = hub;
    }

    /**
     * Reads the page files from the classpath and starts the event hub's timer on {@code timerExecutor}.
     *
     * @throws IllegalStateException when a page file is missing or a bundle lacks a key the page uses
     */
    public static Dashboard start(DashboardSnapshotSource source, EventExecutor timerExecutor) {
        DashboardPages pages = DashboardPages.load();
        DashboardEventHub hub = new DashboardEventHub(source, timerExecutor).start();
        return new Dashboard(pages, source, hub);
    }

    /** Creates the handler for one connection; it serves {@code /dashboard} and every path under it. */
    public DashboardHandler newHandler() {
        return new DashboardHandler(this, false);
    }

    /** Creates the handler for one connection that also serves the page at {@code /}. */
    public DashboardHandler newRootHandler() {
        return new DashboardHandler(this, true);
    }

    /** Returns the hub of open event streams, for example to read its {@link DashboardEventHub#streamCount()}. */
    public DashboardEventHub hub() {
        return hub;
    }

    /** Stops the event hub and closes every open event stream. */
    public Future<?> stop() {
        return hub.stop();
    }

    DashboardPages pages() {
        return pages;
    }

    DashboardSnapshotSource source() {
        return source;
    }
}
