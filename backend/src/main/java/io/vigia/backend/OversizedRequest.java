package io.vigia.backend;

/**
 * Stands in for a request whose body exceeded the size limit. {@link BackendObjectAggregator} passes it to
 * {@link BackendServerHandler} in place of the discarded request, and the handler responds to it with 413 in
 * request order.
 *
 * @param method                 request method
 * @param uri                    request target as received
 * @param keepAlive              whether the connection can stay open after the 413 response
 * @param maxContentLengthBytes  the limit the body exceeded
 */
record OversizedRequest(String method, String uri, boolean keepAlive, int maxContentLengthBytes) {
}
