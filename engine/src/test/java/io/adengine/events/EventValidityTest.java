package io.adengine.events;

import io.adengine.index.SnapshotHolder;
import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static io.adengine.events.BillingFixture.ACCOUNT;
import static io.adengine.events.BillingFixture.claims;
import static io.adengine.events.BillingFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-validity rules of the journal thread: clicks after counted impressions (and not too soon),
 * conversions after counted clicks (or view-through impressions) within the ad group's window; invalid events are
 * journaled with their reason, never charged, replayed the same after a restart, and hold no dedup key. The
 * random sequences are checked against a set-based model of the rules.
 */
class EventValidityTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long FAR = NOW / 1000 + 40L * 86_400;
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void aClickWithoutACountedImpressionIsJournaledInvalidAndUncharged() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW))) {
            TrackerSigner.Claims c = claims("CPC", 200_000, FAR);
            assertThat(publish(p, EventType.CLICK, c, NOW)).isEqualTo(BillingEvent.Status.INVALID);
            // The impression comes late; the same click retried now counts (the invalid one held no dedup key).
            assertThat(publish(p, EventType.IMPRESSION, c, NOW + 1_000)).isEqualTo(BillingEvent.Status.ACCEPTED);
            assertThat(publish(p, EventType.CLICK, c, NOW + 2_000)).isEqualTo(BillingEvent.Status.ACCEPTED);
            p.drain();
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(200_000);
            assertThat(p.metrics().invalidCount(EventType.CLICK, InvalidReason.CLICK_WITHOUT_IMPRESSION)).isEqualTo(1);
        }
        // The journal holds the invalid click with its reason; a restart counts it the same: in reports, not in money.
        List<InvalidReason> reasons = new ArrayList<>();
        Journal.replay(dir, e -> reasons.add(e.invalidReason));
        assertThat(reasons).containsExactly(InvalidReason.CLICK_WITHOUT_IMPRESSION, InvalidReason.NONE, InvalidReason.NONE);
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW + 3_000))) {
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(200_000);
            ReportRollups.Row total = p.rollups().query(EnumSet.noneOf(ReportRollups.Dimension.class), ReportRollups.Granularity.TOTAL,
                    0, Long.MIN_VALUE, Long.MAX_VALUE, Map.of(), a -> io.adengine.model.Currency.USD).get(0);
            assertThat(total.clicks()).isEqualTo(1);
            assertThat(total.invalid().get(InvalidReason.CLICK_WITHOUT_IMPRESSION)).isEqualTo(1);
        }
    }

    @Test
    void aConversionNeedsItsClickWithinTheWindowUnlessTheGroupCountsViewThrough() throws Exception {
        SnapshotHolder clickThrough = BillingFixture.holder(BillingFixture.catalog("CPA", 3_000_000, 0, 0, 1_000_000_000, 0,
                ", \"conversionWindowSeconds\": 7200"));
        try (EventPipeline p = BillingFixture.start(dir.resolve("ct"), clickThrough, new AtomicLong(NOW))) {
            TrackerSigner.Claims noClick = claims("CPA", 2_000_000, FAR);
            publish(p, EventType.IMPRESSION, noClick, NOW);
            assertThat(publish(p, EventType.CONVERSION, noClick, NOW + HOUR)).isEqualTo(BillingEvent.Status.INVALID);

            TrackerSigner.Claims late = claims("CPA", 2_000_000, FAR);
            BillingFixture.click(p, late, NOW + 1_000);
            assertThat(publish(p, EventType.CONVERSION, late, NOW + 1_000 + 2 * HOUR + 2_000)).isEqualTo(BillingEvent.Status.INVALID);

            TrackerSigner.Claims inTime = claims("CPA", 2_000_000, FAR);
            BillingFixture.click(p, inTime, NOW + 3 * HOUR);
            assertThat(publish(p, EventType.CONVERSION, inTime, NOW + 5 * HOUR)).isEqualTo(BillingEvent.Status.ACCEPTED);
            p.drain();
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(2_000_000);
            assertThat(p.metrics().invalidCount(EventType.CONVERSION, InvalidReason.CONVERSION_WITHOUT_CLICK)).isEqualTo(1);
            assertThat(p.metrics().invalidCount(EventType.CONVERSION, InvalidReason.CONVERSION_OUTSIDE_WINDOW)).isEqualTo(1);
        }
        SnapshotHolder viewThrough = BillingFixture.holder(BillingFixture.catalog("CPA", 3_000_000, 0, 0, 1_000_000_000, 0,
                ", \"viewThroughConversions\": true"));
        try (EventPipeline p = BillingFixture.start(dir.resolve("vt"), viewThrough, new AtomicLong(NOW))) {
            TrackerSigner.Claims seen = claims("CPA", 2_000_000, FAR);
            publish(p, EventType.IMPRESSION, seen, NOW);
            assertThat(publish(p, EventType.CONVERSION, seen, NOW + HOUR)).isEqualTo(BillingEvent.Status.ACCEPTED);
            TrackerSigner.Claims unseen = claims("CPA", 2_000_000, FAR);
            assertThat(publish(p, EventType.CONVERSION, unseen, NOW + HOUR)).isEqualTo(BillingEvent.Status.INVALID);
        }
    }

    /**
     * Random streams of impressions, clicks and conversions (in time order, over a few impression ids, some
     * repeated) against a model: a set of counted keys with their times, the rules written out directly.
     */
    @Test
    void verdictsShouldEqualASetBasedModelOfTheRules() throws Exception {
        Property.forAll(40, gen -> {
            Random random = gen.random();
            long seed = gen.seed();
            boolean viewThrough = random.nextBoolean();
            long window = 3_600 + random.nextInt(4) * 1_800;
            SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPA", 3_000_000, 0, 0, 1_000_000_000, 0,
                    ", \"conversionWindowSeconds\": " + window + ", \"viewThroughConversions\": " + viewThrough));
            Path d = dir.resolve("seed-" + seed);
            try (EventPipeline p = BillingFixture.start(d, holder, new AtomicLong(NOW))) {
                List<TrackerSigner.Claims> ids = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ids.add(claims("CPA", 1_000_000, FAR));
                }
                Map<String, Long> counted = new HashMap<>();
                long t = NOW;
                // Within one dedup window (a day): the model remembers forever, the tables for one to two windows.
                for (int step = 0; step < 60 && t - NOW < 20 * HOUR; step++) {
                    t += random.nextInt(4) == 0 ? random.nextInt((int) (window * 1000)) : random.nextInt(1_500);
                    TrackerSigner.Claims c = ids.get(random.nextInt(ids.size()));
                    EventType type = EventType.values()[1 + random.nextInt(3)];
                    String id = c.impressionId();
                    BillingEvent.Status expected;
                    if (counted.containsKey(type + id)) {
                        expected = BillingEvent.Status.DUPLICATE;
                    } else if (type == EventType.CLICK) {
                        Long shown = counted.get(EventType.IMPRESSION + id);
                        expected = shown != null && t - shown >= 500 ? BillingEvent.Status.ACCEPTED : BillingEvent.Status.INVALID;
                    } else if (type == EventType.CONVERSION) {
                        Long source = counted.get(EventType.CLICK + id);
                        if (source == null && viewThrough) {
                            source = counted.get(EventType.IMPRESSION + id);
                        }
                        // Sources are kept to the second: the model rounds the same way.
                        expected = source != null && t - source / 1000 * 1000 <= window * 1000 + 999
                                ? BillingEvent.Status.ACCEPTED : BillingEvent.Status.INVALID;
                    } else {
                        expected = BillingEvent.Status.ACCEPTED;
                    }
                    if (expected == BillingEvent.Status.ACCEPTED) {
                        counted.put(type + id, t);
                    }
                    assertThat(publish(p, type, c, t)).as("seed %d step %d: %s of %s at +%d ms", seed, step, type, id, t - NOW)
                            .isEqualTo(expected);
                }
            }
        });
    }
}
