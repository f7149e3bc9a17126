package io.adengine.events;

import io.adengine.budget.SpendLedger;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.adengine.events.BillingFixture.GROUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four threads serve one CPM ad group with a small daily budget as fast as they can (gate, served
 * event with reservation, impression tracker): the day's charges never exceed the budget by more than
 * one charge, and the ledger equals the charges recomputed from the journal.
 */
class ConcurrentBudgetTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void concurrentServingShouldNeverOverspendByMoreThanOneCharge() throws Exception {
        long charge = 1_500_000;
        long perImpression = charge / 1000;
        long daily = 200 * perImpression + 700;
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPM", 2_000_000, daily, 0, 1_000_000_000, 4));
        AtomicLong clock = new AtomicLong(NOW);
        AtomicLong served = new AtomicLong();
        long spent;
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    Snapshot s = holder.current();
                    for (int i = 0; i < 2_000; i++) {
                        if (!p.budgetGate().allows(s, 0)) {
                            continue;
                        }
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        long hi = r.nextLong();
                        long lo = r.nextLong();
                        p.publishServed(s, 0, BillingFixture.AD_SPACE, "IN", charge, BillingFixture.CREATIVE, hi, lo,
                                NOW / 1000 + 3600, clock.get());
                        served.incrementAndGet();
                        TrackerSigner.Claims c = new TrackerSigner.Claims(String.format("%016x%016x", hi, lo), BillingFixture.AD_SPACE,
                                BillingFixture.CAMPAIGN, GROUP, BillingFixture.CREATIVE, "CPM", charge, NOW / 1000 + 3600);
                        while (!p.publishTracker(EventType.IMPRESSION, c, hi, lo, BillingFixture.ACCOUNT, BillingFixture.PUBLISHER,
                                (short) 0, clock.get(), status -> { })) {
                            Thread.onSpinWait();
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            p.drain();
            spent = p.ledger().group(GROUP).spentOnDay(SpendLedger.localDay(NOW, 4));
            assertThat(spent).isLessThanOrEqualTo(daily + perImpression).isGreaterThanOrEqualTo(daily - perImpression);
            assertThat(served.get()).as("the gate stopped serving").isLessThan(8_000);
            assertThat(p.ledger().group(GROUP).reserved()).as("every impression arrived: nothing left reserved").isZero();
            assertThat(p.ledger().account(BillingFixture.ACCOUNT).reserved()).isZero();
        }
        try (EventPipeline again = BillingFixture.start(dir, holder, clock)) {
            assertThat(again.ledger().group(GROUP).spentOnDay(SpendLedger.localDay(NOW, 4))).as("rebuilt from the journal")
                    .isEqualTo(spent);
        }
    }
}
