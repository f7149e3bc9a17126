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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.adengine.events.BillingFixture.GROUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four threads serve one CPM ad group as fast as they can (gate, served event with reservation, impression
 * tracker) against a daily budget, a total budget or the account's money: spend never passes the limit, not by a
 * single micro, also when every impression comes back only after serving stopped (the "900 ads served
 * before the first impression came back"); and the ledger equals the charges recomputed from the journal by the
 * rule written out directly (each impression charged min(its cost, what the limit has left)).
 */
class ConcurrentBudgetTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long CHARGE = 1_500_000;
    private static final long PER_IMPRESSION = CHARGE / 1000;
    /** Not a multiple of one impression's cost: the last charge must be cut to the micro. */
    private static final long LIMIT = 200 * PER_IMPRESSION + 700;

    @TempDir
    Path dir;

    private enum Limit { DAILY, TOTAL, ACCOUNT }

    @Test
    void concurrentServingNeverSpendsAMicroPastAnyLimit() throws Exception {
        for (Limit limit : Limit.values()) {
            for (boolean late : new boolean[]{false, true}) {
                run(limit, late, dir.resolve(limit + "-" + late));
            }
        }
    }

    private void run(Limit limit, boolean impressionsLate, Path journal) throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPM", 2_000_000,
                limit == Limit.DAILY ? LIMIT : 0, limit == Limit.TOTAL ? LIMIT : 0, limit == Limit.ACCOUNT ? LIMIT : 1_000_000_000, 4));
        AtomicLong clock = new AtomicLong(NOW);
        AtomicLong served = new AtomicLong();
        ConcurrentLinkedQueue<TrackerSigner.Claims> pending = new ConcurrentLinkedQueue<>();
        long spent;
        try (EventPipeline p = BillingFixture.start(journal, holder, clock)) {
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
                        p.publishServed(s, 0, BillingFixture.AD_SPACE, "IN", CHARGE, BillingFixture.CREATIVE, hi, lo,
                                NOW / 1000 + 3600, clock.get());
                        served.incrementAndGet();
                        TrackerSigner.Claims c = new TrackerSigner.Claims(TrackerSigner.Purpose.IMPRESSION, String.format("%016x%016x", hi, lo),
                                BillingFixture.AD_SPACE, BillingFixture.CAMPAIGN, GROUP, BillingFixture.CREATIVE, "CPM", CHARGE, NOW / 1000 + 3600);
                        if (impressionsLate) {
                            pending.add(c);
                        } else {
                            impression(p, c, hi, lo, clock.get());
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            for (TrackerSigner.Claims c : pending) {
                impression(p, c, Long.parseUnsignedLong(c.impressionId().substring(0, 16), 16),
                        Long.parseUnsignedLong(c.impressionId().substring(16), 16), clock.get());
            }
            p.drain();
            spent = spent(p, limit);
            assertThat(spent).as("%s limit, impressions late: %s", limit, impressionsLate).isLessThanOrEqualTo(LIMIT);
            assertThat(served.get()).as("the gate stopped serving").isLessThan(8_000);
            if (!impressionsLate) {
                // Served while impressions came back: the gate stops when one more charge would not fit, so the budget
                // is spent down to less than one charge (with late impressions, a late charge is cut to the micro).
                assertThat(spent).isGreaterThan(LIMIT - PER_IMPRESSION);
            }
        }
        // The rule recomputed from the journal, in journal order.
        long model = 0;
        for (BillingEvent e : JournalRecoveryTest.read(journal)) {
            if (e.type() == EventType.IMPRESSION) {
                model += Math.max(0, Math.min(e.chargePerUnit() / 1000, LIMIT - model));
            }
        }
        assertThat(spent).as("%s limit: the ledger equals the journal's charges", limit).isEqualTo(model);
        try (EventPipeline again = BillingFixture.start(journal, holder, clock)) {
            assertThat(spent(again, limit)).as("rebuilt from the journal").isEqualTo(spent);
        }
    }

    private static long spent(EventPipeline p, Limit limit) {
        return switch (limit) {
            case DAILY -> p.ledger().group(GROUP).spentOnDay(SpendLedger.localDay(NOW, 4));
            case TOTAL -> p.ledger().group(GROUP).totalSpent();
            case ACCOUNT -> p.ledger().account(BillingFixture.ACCOUNT).spent();
        };
    }

    private static void impression(EventPipeline p, TrackerSigner.Claims c, long hi, long lo, long now) {
        while (!p.publishTracker(EventType.IMPRESSION, c, hi, lo, BillingFixture.ACCOUNT, BillingFixture.PUBLISHER,
                (short) 0, now, (status, reason) -> { })) {
            Thread.onSpinWait();
        }
    }
}
