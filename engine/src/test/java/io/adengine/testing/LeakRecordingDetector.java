package io.adengine.testing;

import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, recording each leak it reports besides logging it, so that {@link NettyLeakCheck}
 * can fail the test that was running. Netty builds one per resource type when it is named by
 * {@code -Dio.netty.customResourceLeakDetector} (the {@code paranoid} profile does so for the engine's tests).
 */
public final class LeakRecordingDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> LEAKS = new ArrayList<>();
    private static volatile boolean installed;

    /** The constructor Netty's factory calls. */
    public LeakRecordingDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        installed = true;
    }

    /** The constructor Netty's factory looks for first; without it, it logs an error before using the other one. */
    public LeakRecordingDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Whether Netty built one: only then are leaks recorded. */
    static boolean installed() {
        return installed;
    }

    /** The leaks reported since the last call, emptied. */
    static List<String> drain() {
        synchronized (LEAKS) {
            List<String> leaks = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return leaks;
        }
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record(resourceType + " released nowhere; where it was last touched:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record(resourceType + " released nowhere (no access records: run at paranoid level to see where)");
        super.reportUntracedLeak(resourceType);
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }
}
