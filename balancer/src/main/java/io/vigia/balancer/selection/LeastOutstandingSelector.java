package io.vigia.balancer.selection;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Picks the healthy backend with the fewest requests in flight ({@link Backend#inFlight()}). The scan
 * starts one slot further on every pick, so ties go round robin.
 *
 * <p>Thread-safe and lock-free. The counts move while a pick reads them, so two concurrent picks may both
 * choose the same backend. Each choice is right for the counts that its pick read.
 */
public final class LeastOutstandingSelector implements BackendSelector {

    private final AtomicInteger sequence = new AtomicInteger();

    @Override
    public Backend select(List<Backend> healthy, Predicate<? super Backend> skip) {
        int size = healthy.size();
        if (size == 0) {
            return null;
        }

        int start = RoundRobinSelector.slot(sequence.getAndIncrement(), size);
        Backend best = null;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            Backend candidate = healthy.get((start + i) % size);
            if (skip.test(candidate)) {
                continue;
            }
            int inFlight = candidate.inFlight();
            if (inFlight < fewest) {
                best = candidate;
                fewest = inFlight;
            }
        }
        return best;
    }
}
