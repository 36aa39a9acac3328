/**
 * Keep-alive connections to backends, pooled per event loop so that a client connection and the backend
 * connection serving it always share one thread.
 */
package io.vigia.balancer.pool;
