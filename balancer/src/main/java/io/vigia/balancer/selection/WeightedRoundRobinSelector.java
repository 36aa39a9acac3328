package io.vigia.balancer.selection;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Smooth weighted round robin, the variant known from nginx's upstream module. Every pick adds each
 * candidate's weight to its current value and takes the candidate with the highest current value (the
 * first one on a tie). It then subtracts the sum of the weights from the chosen one. Weights 5, 1, 1 give
 * the repeating order a a b a c a a, so a heavy backend's turns are spread out instead of coming in a burst.
 *
 * <p>Thread-safety: one lock per selector guards the current values. A pick is a loop over the healthy
 * backends, short next to the I/O of the request it routes, so the lock is held briefly. Current values of
 * backends that left the healthy list are dropped when the list changes; a backend that comes back starts
 * from 0.
 */
public final class WeightedRoundRobinSelector implements BackendSelector {

    private final Map<Backend, long[]> currentWeights = new IdentityHashMap<>();
    private List<Backend> lastCandidates = List.of();

    @Override
    public synchronized Backend select(List<Backend> healthy, Predicate<? super Backend> skip) {
        if (healthy != lastCandidates) {
            currentWeights.keySet().retainAll(healthy);
            lastCandidates = healthy;
        }

        Backend best = null;
        long[] bestCurrent = null;
        long totalWeight = 0;
        for (Backend backend : healthy) {
            if (skip.test(backend)) {
                continue;
            }
            int weight = backend.weight();
            long[] current = currentWeights.computeIfAbsent(backend, key -> new long[1]);
            current[0] += weight;
            totalWeight += weight;
            if (best == null || current[0] > bestCurrent[0]) {
                best = backend;
                bestCurrent = current;
            }
        }

        if (best != null) {
            bestCurrent[0] -= totalWeight;
        }
        return best;
    }
}
