package io.adengine.events;

import io.adengine.index.SnapshotHolder;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link CrashRecoveryTest}: publishes CPM impressions as fast as it can and prints
 * {@code ACK <impressionId>} for each one the journal acknowledged, until killed (or 60 s pass).
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPM", 2_000_000, 0, 0, io.adengine.model.Money.MAX_AMOUNT_MICROS, 0));
        long now = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(now));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            TrackerSigner.Claims c = BillingFixture.claims("CPM", 2_000_000, now / 1000 + 86_400);
            long hi = Long.parseUnsignedLong(c.impressionId().substring(0, 16), 16);
            long lo = Long.parseUnsignedLong(c.impressionId().substring(16), 16);
            String id = c.impressionId();
            boolean published = p.publishTracker(EventType.IMPRESSION, c, hi, lo, BillingFixture.ACCOUNT, BillingFixture.PUBLISHER,
                    (short) 0, now, (status, reason) -> {
                        if (status == BillingEvent.Status.ACCEPTED) {
                            out.println("ACK " + id);
                        }
                    });
            if (!published) {
                Thread.sleep(1);
            }
        }
        p.close();
    }
}
