package io.adengine.events;

import io.adengine.budget.SpendLedger;
import io.adengine.index.SnapshotHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static io.adengine.events.BillingFixture.ACCOUNT;
import static io.adengine.events.BillingFixture.GROUP;
import static io.adengine.events.BillingFixture.claims;
import static io.adengine.events.BillingFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/** Each billing model charges what it should, to the group's day, total and account; limits hold. */
class ChargingTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long EXPIRES = NOW / 1000 + 86_400;

    @TempDir
    Path dir;

    private long day(int offset) {
        return SpendLedger.localDay(NOW, offset);
    }

    @Test
    void cpmShouldChargeOneThousandthOfTheChargePerImpressionAndNothingForClicks() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPM", 2_500_000, 0, 0, 1_000_000_000, 0));
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW))) {
            for (int i = 0; i < 3; i++) {
                TrackerSigner.Claims c = claims("CPM", 2_000_000, EXPIRES);
                assertThat(publish(p, EventType.IMPRESSION, c, NOW)).isEqualTo(BillingEvent.Status.ACCEPTED);
                assertThat(publish(p, EventType.CLICK, c, NOW + 1_000)).isEqualTo(BillingEvent.Status.ACCEPTED);
            }
            p.drain();
            assertThat(p.ledger().group(GROUP).spentOnDay(day(0))).isEqualTo(3 * 2_000);
            assertThat(p.ledger().group(GROUP).totalSpent()).isEqualTo(3 * 2_000);
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(3 * 2_000);
        }
    }

    @Test
    void cpcShouldChargePerClickOnlyAndCpaPerConversionOnly() throws Exception {
        SnapshotHolder cpc = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
        try (EventPipeline p = BillingFixture.start(dir.resolve("cpc"), cpc, new AtomicLong(NOW))) {
            TrackerSigner.Claims c = claims("CPC", 250_000, EXPIRES);
            assertThat(BillingFixture.convert(p, c, NOW)).isEqualTo(BillingEvent.Status.ACCEPTED);
            p.drain();
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(250_000);
        }
        SnapshotHolder cpa = BillingFixture.holder(BillingFixture.catalog("CPA", 3_000_000, 0, 0, 1_000_000_000, 0));
        try (EventPipeline p = BillingFixture.start(dir.resolve("cpa"), cpa, new AtomicLong(NOW))) {
            TrackerSigner.Claims c = claims("CPA", 2_700_000, EXPIRES);
            assertThat(BillingFixture.convert(p, c, NOW)).isEqualTo(BillingEvent.Status.ACCEPTED);
            p.drain();
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(2_700_000);
        }
    }

    @Test
    void cptShouldChargeTheSlotPriceOncePerLocalDay() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPT", 5_000_000, 0, 0, 1_000_000_000, 3));
        AtomicLong clock = new AtomicLong(NOW);
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            for (int i = 0; i < 5; i++) {
                publish(p, EventType.IMPRESSION, claims("CPT", 5_000_000, EXPIRES + 86_400), NOW + i);
            }
            long nextLocalDay = (day(3) + 1) * SpendLedger.DAY_MILLIS - 3 * 3_600_000L;
            publish(p, EventType.IMPRESSION, claims("CPT", 5_000_000, EXPIRES + 86_400), nextLocalDay);
            publish(p, EventType.IMPRESSION, claims("CPT", 5_000_000, EXPIRES + 86_400), nextLocalDay + 1);
            p.drain();
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(2 * 5_000_000);
        }
    }

    @Test
    void chargesShouldStopAtTheDailyBudgetAndResumeAfterLocalMidnightInANonUtcZone() throws Exception {
        for (int offset : new int[]{5, -8}) {
            SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 400_000, 1_000_000, 0, 1_000_000_000, offset));
            long localMidnight = (SpendLedger.localDay(NOW, offset) + 1) * SpendLedger.DAY_MILLIS - offset * 3_600_000L;
            AtomicLong clock = new AtomicLong(localMidnight - 60_000);
            try (EventPipeline p = BillingFixture.start(dir.resolve("tz" + offset), holder, clock)) {
                for (int i = 0; i < 5; i++) {
                    BillingFixture.click(p, claims("CPC", 400_000, localMidnight / 1000 + 86_400), clock.get());
                }
                p.drain();
                // 0.4 + 0.4 fit under 1.0; the third (a late click: its ad was served while there was room) is charged
                // only the 0.2 left, the last two nothing: the budget is a hard limit.
                assertThat(p.ledger().group(GROUP).spentOnDay(SpendLedger.localDay(clock.get(), offset))).isEqualTo(1_000_000);
                assertThat(p.budgetGate().allows(holder.current(), 0)).isFalse();
                assertThat(p.metrics().cappedChargeCount()).isEqualTo(1);
                assertThat(p.metrics().overBudgetCount()).isEqualTo(2);

                clock.set(localMidnight);
                assertThat(p.budgetGate().allows(holder.current(), 0)).as("a new local day at offset %d", offset).isTrue();
                clock.set(localMidnight + 1_000);
                BillingFixture.click(p, claims("CPC", 400_000, localMidnight / 1000 + 86_400), clock.get());
                p.drain();
                assertThat(p.ledger().group(GROUP).spentOnDay(SpendLedger.localDay(localMidnight, offset))).isEqualTo(400_000);
                assertThat(p.ledger().group(GROUP).totalSpent()).isEqualTo(1_400_000);
            }
        }
    }

    @Test
    void accountOutOfMoneyShouldStopServingUntilTopUp() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 500_000, 0, 0, 1_000_000, 0));
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW))) {
            BillingFixture.click(p, claims("CPC", 500_000, EXPIRES), NOW);
            BillingFixture.click(p, claims("CPC", 500_000, EXPIRES), NOW);
            p.drain();
            assertThat(p.budgetGate().allows(holder.current(), 0)).isFalse();
            holder.publish(new io.adengine.index.SnapshotBuilder(io.adengine.config.EngineConfig.AuctionConfig.defaults())
                    .build(BillingFixture.catalog("CPC", 500_000, 0, 0, 2_000_000, 0)));
            assertThat(p.budgetGate().allows(holder.current(), 0)).as("after a top-up").isTrue();
        }
    }
}
