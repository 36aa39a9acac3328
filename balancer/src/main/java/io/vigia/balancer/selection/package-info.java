/**
 * The configured backends, their UP/DOWN state and the round-robin choice among the healthy ones.
 *
 * <p>{@link io.vigia.balancer.selection.BackendGroup} owns every state change and republishes the healthy
 * list as one immutable snapshot, so the data path reads it without locks.
 */
package io.vigia.balancer.selection;
