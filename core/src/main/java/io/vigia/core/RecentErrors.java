package io.vigia.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Lock-free ring of the last {@code capacity} error records, written concurrently by any number of
 * threads (typically event loops) and read by any thread.
 *
 * <p><b>Writing.</b> A writer claims the next number of a sequence that only grows, then stores its
 * record into the slot {@code sequence & mask}. Slots are preallocated mutable entries guarded by a
 * stamp, as in a sequence lock: the writer moves the stamp to "writing", stores the fields and
 * publishes the stamp with release semantics. Recording therefore allocates nothing, never blocks
 * and never waits for another writer. The table holds at least twice {@code capacity} slots, so two
 * writers meet on one slot only when one of them stalled for a whole lap of the table. Then the older
 * record is already outside the window and is dropped, and a newer writer that finds the slot still
 * held by a stalled older one installs a fresh entry in its place (the one case that allocates).
 *
 * <p><b>Reading.</b> {@link #snapshot()} returns the records whose sequence numbers lie in the last
 * {@code capacity} numbers claimed, newest first. Each returned record is consistent: all its fields
 * come from the same write, because a read that overlaps a write to its slot is detected by the stamp
 * and discarded. The snapshot is best-effort at the edges: a record whose writer has claimed a number
 * but not yet published it, or that is overwritten while the snapshot is being read, is left out.
 * Once writers are quiescent, a snapshot contains exactly the last {@code min(capacity, written)}
 * records.
 */
public final class RecentErrors {

    /** Number of records kept when no other size is configured, as in the original course system. */
    public static final int DEFAULT_CAPACITY = 10;
    /** Largest accepted capacity; the ring preallocates two to four entries per record. */
    public static final int MAX_CAPACITY = 1 << 20;

    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(Slot.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int mask;
    private final AtomicLong nextSequence = new AtomicLong();
    private final AtomicReferenceArray<Slot> slots;

    public RecentErrors() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * Creates a ring that keeps the last {@code capacity} records.
     *
     * @throws IllegalArgumentException if {@code capacity} is not between 1 and {@link #MAX_CAPACITY}
     */
    public RecentErrors(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "recent-errors capacity must be between 1 and " + MAX_CAPACITY + ", got " + capacity);
        }
        this.capacity = capacity;
        int size = Integer.highestOneBit(capacity * 2 - 1) << 1;
        this.mask = size - 1;
        this.slots = new AtomicReferenceArray<>(size);
        for (int i = 0; i < size; i++) {
            slots.set(i, new Slot());
        }
    }

    /** Number of records a snapshot returns once at least that many were written. */
    public int capacity() {
        return capacity;
    }

    /** Number of records written so far, including those already overwritten. */
    public long written() {
        return nextSequence.get();
    }

    /**
     * Stores one error record. Safe to call from any thread, and takes no lock.
     *
     * @return the sequence number given to the record
     */
    public long record(long epochMillis, int status, String method, String path, String message,
                       String upstream, ErrorCause cause) {
        long sequence = nextSequence.getAndIncrement();
        int index = (int) (sequence & mask);
        for (;;) {
            Slot slot = slots.get(index);
            long stamp = (long) STAMP.getVolatile(slot);
            if (sequenceOf(stamp) >= sequence) {
                // A newer record owns the slot, so ours has already left the window of the last records.
                return sequence;
            }
            if (isWriting(stamp)) {
                Slot fresh = new Slot();
                fresh.set(epochMillis, status, method, path, message, upstream, cause);
                fresh.stamp = publishedStamp(sequence);
                // The CAS publishes the fully written entry; the stalled writer keeps the old one to itself.
                if (slots.compareAndSet(index, slot, fresh)) {
                    return sequence;
                }
                continue;
            }
            if (!STAMP.compareAndSet(slot, stamp, writingStamp(sequence))) {
                continue;
            }
            if (slots.get(index) != slot) {
                // Another writer replaced this entry before we claimed it; retry on the entry now in place.
                continue;
            }
            slot.set(epochMillis, status, method, path, message, upstream, cause);
            STAMP.setRelease(slot, publishedStamp(sequence));
            return sequence;
        }
    }

    /** Returns the last records, newest first; see the class description for what a reader may observe. */
    public List<ErrorRecord> snapshot() {
        long end = nextSequence.get();
        long start = Math.max(0, end - capacity);
        List<ErrorRecord> records = new ArrayList<>((int) (end - start));
        for (long sequence = end - 1; sequence >= start; sequence--) {
            ErrorRecord record = read(sequence);
            if (record != null) {
                records.add(record);
            }
        }
        return records;
    }

    private ErrorRecord read(long sequence) {
        Slot slot = slots.get((int) (sequence & mask));
        long expected = publishedStamp(sequence);
        if ((long) STAMP.getAcquire(slot) != expected) {
            return null;
        }
        ErrorRecord record = new ErrorRecord(sequence, slot.epochMillis, slot.status, slot.method, slot.path,
                slot.message, slot.upstream, slot.cause);
        // Keeps the field reads above from moving below the second stamp read.
        VarHandle.acquireFence();
        if ((long) STAMP.getVolatile(slot) != expected) {
            return null;
        }
        return record;
    }

    // Stamp encoding: 0 is empty, 2s+1 means sequence s is being written, 2s+2 means s is published.
    private static long writingStamp(long sequence) {
        return 2 * sequence + 1;
    }

    private static long publishedStamp(long sequence) {
        return 2 * sequence + 2;
    }

    private static boolean isWriting(long stamp) {
        return (stamp & 1) == 1;
    }

    private static long sequenceOf(long stamp) {
        return (stamp - 1) >> 1;
    }

    /** A reusable entry. Fields are plain because the stamp orders every access to them. */
    private static final class Slot {
        volatile long stamp;
        long epochMillis;
        int status;
        String method;
        String path;
        String message;
        String upstream;
        ErrorCause cause;

        void set(long epochMillis, int status, String method, String path, String message, String upstream,
                 ErrorCause cause) {
            this.epochMillis = epochMillis;
            this.status = status;
            this.method = method;
            this.path = path;
            this.message = message;
            this.upstream = upstream;
            this.cause = cause;
        }
    }
}
