package io.vigia.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked reference-counted object while it ran.
 *
 * <p>Registered for every test through JUnit's extension auto-detection (the service file in this
 * test jar plus {@code junit.jupiter.extensions.autodetection.enabled=true} in each module's
 * {@code junit-platform.properties}). It installs a leak detector factory before Netty creates its
 * detectors, and sets the level to paranoid so every buffer is tracked. Netty finds a leak only after
 * the garbage collector has collected the leaked object, so after each test the extension runs the
 * collector and allocates a few buffers, which makes the detectors report what they found.
 */
public final class LeakDetectionExtension implements AfterEachCallback, AfterAllCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoLeaks(context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks(context.getDisplayName());
    }

    /** Collects garbage, lets the detectors report, and throws if any leak was reported since the last call. */
    public static void assertNoLeaks(String where) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            triggerLeakReports();
        }
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " leak(s) during " + where + ":\n"
                    + String.join("\n", found));
        }
    }

    private static void triggerLeakReports() {
        // Detectors look for collected, unreleased objects when a new object is tracked.
        for (int i = 0; i < 8; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
            pooled.release();
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
            heap.release();
        }
    }

    private static void addLeak(String report) {
        synchronized (LEAKS) {
            LEAKS.add(report);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            super.reportTracedLeak(resourceType, records);
            addLeak("LEAK: " + resourceType + " was not released." + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            super.reportUntracedLeak(resourceType);
            addLeak("LEAK: " + resourceType + " was not released.");
        }
    }
}
