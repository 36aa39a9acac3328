/**
 * The endpoints the balancer serves itself: {@code GET /health}, {@code GET /status} (JSON or an HTML
 * table in Spanish or English) and {@code GET /errors/stats}.
 */
package io.vigia.balancer.admin;
