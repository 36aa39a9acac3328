/**
 * The balancer's live dashboard: one HTML page that shows backend health, error counts by bucket, errors per
 * second and the recent-errors log, kept current by server-sent events.
 *
 * <p>{@link io.vigia.balancer.dashboard.Dashboard} is the entry point: it loads the page files once, runs the
 * {@link io.vigia.balancer.dashboard.DashboardEventHub} and creates a
 * {@link io.vigia.balancer.dashboard.DashboardHandler} per connection. The balancer supplies the data through a
 * {@link io.vigia.balancer.dashboard.DashboardSnapshotSource}. The page, its script and style sheet, and the
 * Spanish and English text live under {@code src/main/resources/io/vigia/balancer/dashboard/}.
 */
package io.vigia.balancer.dashboard;
