package io.vigia.balancer.selection;

import java.util.List;
import java.util.function.Predicate;

/**
 * A way to choose one backend among the healthy ones. Implementations are called concurrently from every
 * event loop and must be thread-safe.
 */
public interface BackendSelector {

    /**
     * Returns one of {@code healthy} that {@code skip} does not reject, or {@code null} when there is none.
     *
     * @param healthy immutable snapshot of the UP backends, in configuration order
     */
    Backend select(List<Backend> healthy, Predicate<? super Backend> skip);
}
