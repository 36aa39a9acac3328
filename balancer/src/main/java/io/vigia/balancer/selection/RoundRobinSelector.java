package io.vigia.balancer.selection;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Picks candidates in turn from a list that can be replaced at any time.
 *
 * <p>The list is an immutable snapshot in an {@link AtomicReference}; {@link #setCandidates} swaps it
 * whole, so a reader sees either the old or the new list and never a half-built one. A shared sequence
 * counter picks the slot. The counter wraps from {@code Integer.MAX_VALUE} to {@code Integer.MIN_VALUE}
 * after 2<sup>32</sup> picks; the sign bit is masked off before the modulo, so the slot is always in
 * range, and the rotation restarts from slot 0 at the wrap.
 *
 * <p>Thread-safe and lock-free: every event loop calls {@link #next} concurrently. Calls from several
 * threads interleave, so strict alternation holds only for one caller at a time; over many picks each
 * candidate is chosen equally often.
 *
 * @param <T> candidate type; candidates are compared with {@code equals} only by the caller's filter
 */
public final class RoundRobinSelector<T> {

    private final AtomicReference<List<T>> candidates = new AtomicReference<>(List.of());
    private final AtomicInteger sequence;

    public RoundRobinSelector() {
        this(0);
    }

    /** Creates a selector whose first pick uses {@code initialSequence}; tests start near the overflow. */
    RoundRobinSelector(int initialSequence) {
        this.sequence = new AtomicInteger(initialSequence);
    }

    /** Replaces the candidate list with an immutable copy of {@code newCandidates}. */
    public void setCandidates(List<? extends T> newCandidates) {
        candidates.set(List.copyOf(newCandidates));
    }

    /** Returns the current immutable candidate list. */
    public List<T> candidates() {
        return candidates.get();
    }

    /** Returns the next candidate in turn, or {@code null} when the list is empty. */
    public T next() {
        List<T> current = candidates.get();
        if (current.isEmpty()) {
            return null;
        }
        return current.get(slot(sequence.getAndIncrement(), current.size()));
    }

    /**
     * Returns the next candidate in turn that {@code skip} does not reject, or {@code null} when every
     * candidate is rejected or the list is empty. Consumes one sequence number however many it skips.
     */
    public T next(Predicate<? super T> skip) {
        List<T> current = candidates.get();
        int size = current.size();
        if (size == 0) {
            return null;
        }

        int start = slot(sequence.getAndIncrement(), size);
        for (int i = 0; i < size; i++) {
            T candidate = current.get((start + i) % size);
            if (!skip.test(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Maps a sequence number, possibly negative after overflow, onto a slot in {@code [0, size)}. */
    static int slot(int sequenceNumber, int size) {
        return (sequenceNumber & Integer.MAX_VALUE) % size;
    }
}
