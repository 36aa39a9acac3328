package io.vigia.balancer;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * The response deadlines of the exchanges served by one event loop, tracked with one timer task per
 * loop instead of one per request.
 *
 * <p>Every exchange of a balancer waits the same response timeout, so deadlines are added in the order
 * they fall due, and the waiting exchanges form a FIFO list with the earliest deadline first. Starting
 * or stopping a deadline links or unlinks the exchange in O(1) and allocates nothing. One task, scheduled
 * on the loop for the earliest deadline, expires every exchange that is due and schedules itself again
 * for the next one. A stopped deadline leaves that task in place: it then runs early, finds nothing due
 * and moves on to the new earliest deadline. So under steady traffic the loop runs about one task per
 * timeout period, where a task per request would schedule and cancel twice per round trip.
 *
 * <p>Every method must be called on {@link #loop}, which also runs the callbacks.
 */
final class ResponseDeadlines {

    /** A waiter for a response. Its fields belong to the list that links it. */
    abstract static class Waiter {
        private Waiter previous;
        private Waiter next;
        private long deadlineNanos;
        private boolean linked;

        /** Called on the loop once the deadline passed without a {@link #stop}. */
        abstract void onResponseTimeout();
    }

    private final EventLoop loop;
    private final long timeoutNanos;
    private final Runnable expireTask = this::expireDue;
    private Waiter first;
    private Waiter last;
    private boolean taskScheduled;

    ResponseDeadlines(EventLoop loop, long timeoutMillis) {
        this.loop = loop;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    EventLoop loop() {
        return loop;
    }

    /** Starts, or restarts from now, the response timeout of {@code waiter}. */
    void start(Waiter waiter) {
        stop(waiter);
        waiter.deadlineNanos = System.nanoTime() + timeoutNanos;
        waiter.linked = true;
        waiter.previous = last;
        if (last == null) {
            first = waiter;
        } else {
            last.next = waiter;
        }
        last = waiter;
        if (!taskScheduled) {
            schedule(timeoutNanos);
        }
    }

    /** Cancels the timeout of {@code waiter}, if one is running. */
    void stop(Waiter waiter) {
        if (!waiter.linked) {
            return;
        }
        if (waiter.previous == null) {
            first = waiter.next;
        } else {
            waiter.previous.next = waiter.next;
        }
        if (waiter.next == null) {
            last = waiter.previous;
        } else {
            waiter.next.previous = waiter.previous;
        }
        waiter.previous = null;
        waiter.next = null;
        waiter.linked = false;
    }

    /** Returns whether {@code waiter} has a timeout running. Tests use it. */
    static boolean isWaiting(Waiter waiter) {
        return waiter.linked;
    }

    private void expireDue() {
        taskScheduled = false;
        long now = System.nanoTime();
        Waiter due;
        while ((due = first) != null && due.deadlineNanos - now <= 0) {
            stop(due);
            due.onResponseTimeout();
        }
        // A callback may already have started a deadline, and that scheduled the task.
        if (first != null && !taskScheduled) {
            schedule(first.deadlineNanos - now);
        }
    }

    private void schedule(long delayNanos) {
        taskScheduled = true;
        loop.schedule(expireTask, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }
}
