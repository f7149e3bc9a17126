package io.adengine.testing;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;

/**
 * Fails a test when Netty reported a {@code ByteBuf} leak (Netty itself only logs one). Registered for
 * every engine test (JUnit's extension autodetection, {@code junit-platform.properties}); it acts only
 * when {@link LeakRecordingDetector} is installed, i.e. under {@code mvn -Pparanoid} (every buffer tracked,
 * as CI runs it). After each test it collects the garbage and allocates one buffer, which makes Netty
 * report what the collection found unreleased; a leak caught so shows in the test that was running or,
 * when that test still held the buffer, in the next one (the report says where the buffer was touched).
 */
public final class NettyLeakCheck implements AfterEachCallback, AfterAllCallback {

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        check(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        check(context);
    }

    private static void check(ExtensionContext context) throws InterruptedException {
        if (!LeakRecordingDetector.installed()) {
            return;
        }
        collectGarbage();
        // Netty looks for collected, unreleased buffers when it tracks a new one: this allocation reports them.
        ByteBufAllocator.DEFAULT.buffer(1).release();
        List<String> leaks = LeakRecordingDetector.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) found after " + context.getDisplayName()
                    + " (this test, or an earlier one whose buffer was still reachable):\n" + String.join("\n\n", leaks));
        }
    }

    /** One full collection, and until the reference handler has queued what it found (a sentinel of our own shows it). */
    private static void collectGarbage() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        for (int i = 0; i < 10; i++) {
            System.gc();
            if (queue.remove(100) != null) {
                break;
            }
        }
        Reference.reachabilityFence(sentinel);
    }
}
