package io.vigia.backend;

/**
 * One row of the {@code tasks} table, as read back after a query or a committed write. Immutable.
 *
 * @param id        row id assigned by SQLite, never reused after a delete
 * @param title     text the client sent, stored as received
 * @param completed whether {@code PUT /api/tasks/{id}/complete} was called for it
 * @param createdAt ISO-8601 time of creation in UTC, for example {@code 2026-12-04T21:44:11.123Z}
 */
public record Task(long id, String title, boolean completed, String createdAt) {
}
