package io.vigia.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RecentErrorsTest {

    @Test
    void emptyRingHasEmptySnapshot() {
        RecentErrors ring = new RecentErrors(10);

        assertThat(ring.snapshot()).isEmpty();
        assertThat(ring.written()).isZero();
    }

    @Test
    void snapshotListsNewestFirst() {
        RecentErrors ring = new RecentErrors(10);
        ring.record(1000, 400, "POST", "/a", "first", null, null);
        ring.record(2000, 404, "GET", "/b", null, "127.0.0.1:5001", null);
        ring.record(3000, 503, "GET", "/c", "none", null, ErrorCause.NO_HEALTHY_BACKEND);

        List<ErrorRecord> records = ring.snapshot();

        assertThat(records).extracting(ErrorRecord::path).containsExactly("/c", "/b", "/a");
        assertThat(records).extracting(ErrorRecord::sequence).containsExactly(2L, 1L, 0L);
        assertThat(records.get(0).cause()).isEqualTo(ErrorCause.NO_HEALTHY_BACKEND);
        assertThat(records.get(1).upstream()).isEqualTo("127.0.0.1:5001");
        assertThat(records.get(2).message()).isEqualTo("first");
        assertThat(records.get(2).timestamp()).isEqualTo("1970-01-01T00:00:01.000Z");
    }

    @Test
    void keepsOnlyTheLastCapacityRecords() {
        RecentErrors ring = new RecentErrors(10);
        for (int i = 0; i < 25; i++) {
            ring.record(i, 500, "GET", "/" + i, null, null, null);
        }

        List<ErrorRecord> records = ring.snapshot();

        assertThat(records).hasSize(10);
        assertThat(records.get(0).path()).isEqualTo("/24");
        assertThat(records.get(9).path()).isEqualTo("/15");
        assertThat(ring.written()).isEqualTo(25);
    }

    @Test
    void capacityOfOneKeepsTheNewest() {
        RecentErrors ring = new RecentErrors(1);
        ring.record(1, 400, "GET", "/old", null, null, null);
        ring.record(2, 404, "GET", "/new", null, null, null);

        assertThat(ring.snapshot()).extracting(ErrorRecord::path).containsExactly("/new");
    }

    @Test
    void rejectsInvalidCapacity() {
        assertThatThrownBy(() -> new RecentErrors(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> new RecentErrors(RecentErrors.MAX_CAPACITY + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Several writers record errors whose fields all derive from one id, while readers take snapshots.
     * A torn entry would mix fields of two ids; a duplicate or out-of-order entry would break the
     * strictly decreasing sequence; once writers stop, the snapshot must be exactly the last records.
     */
    @Test
    void concurrentWritersNeverTearLoseOrDuplicate() throws Exception {
        int writers = 4;
        int perWriter = 200_000;
        int capacity = 10;
        RecentErrors ring = new RecentErrors(capacity);
        String[][] paths = new String[writers][perWriter];
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < perWriter; i++) {
                paths[w][i] = "/w" + w + "/" + i;
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> writerFutures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            writerFutures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perWriter; i++) {
                    int id = writer * perWriter + i;
                    ring.record(id, 400 + id % 200, "W" + writer, paths[writer][i], paths[writer][i], null, null);
                }
                return null;
            }));
        }
        List<Future<Long>> readerFutures = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readerFutures.add(pool.submit(() -> {
                start.await();
                long snapshots = 0;
                while (writing.get()) {
                    assertConsistent(ring.snapshot(), capacity, perWriter);
                    snapshots++;
                }
                return snapshots;
            }));
        }

        start.countDown();
        for (Future<?> future : writerFutures) {
            future.get(60, TimeUnit.SECONDS);
        }
        writing.set(false);
        long snapshots = 0;
        for (Future<Long> future : readerFutures) {
            snapshots += future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        long total = (long) writers * perWriter;
        List<ErrorRecord> last = ring.snapshot();
        assertThat(snapshots).isPositive();
        assertThat(ring.written()).isEqualTo(total);
        assertThat(last).hasSize(capacity);
        assertThat(last).extracting(ErrorRecord::sequence)
                .containsExactly(total - 1, total - 2, total - 3, total - 4, total - 5,
                        total - 6, total - 7, total - 8, total - 9, total - 10);
        assertConsistent(last, capacity, perWriter);
    }

    private static void assertConsistent(List<ErrorRecord> records, int capacity, int perWriter) {
        assertThat(records.size()).isLessThanOrEqualTo(capacity);
        Set<Long> ids = new HashSet<>();
        long previousSequence = Long.MAX_VALUE;
        for (ErrorRecord record : records) {
            int id = (int) record.epochMillis();
            int writer = id / perWriter;
            String expectedPath = "/w" + writer + "/" + (id % perWriter);
            assertThat(record.path()).as("path of id %d", id).isEqualTo(expectedPath);
            assertThat(record.message()).as("message of id %d", id).isEqualTo(expectedPath);
            assertThat(record.method()).as("method of id %d", id).isEqualTo("W" + writer);
            assertThat(record.status()).as("status of id %d", id).isEqualTo(400 + id % 200);
            assertThat(record.sequence()).as("sequence order").isLessThan(previousSequence);
            assertThat(ids.add((long) id)).as("id %d appears once", id).isTrue();
            previousSequence = record.sequence();
        }
    }
}
