package io.adengine.events;

import io.adengine.index.SnapshotHolder;
import io.adengine.model.BidModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.adengine.events.BillingFixture.ACCOUNT;
import static io.adengine.events.BillingFixture.GROUP;
import static io.adengine.events.BillingFixture.claims;
import static io.adengine.events.BillingFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/** Restart rebuilds ledger, reports and dedup from the journal; torn and corrupt tails are cut, not fatal. */
class JournalRecoveryTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long EXPIRES = NOW / 1000 + 86_400;

    @TempDir
    Path dir;

    static List<BillingEvent> read(Path dir) throws IOException {
        List<BillingEvent> all = new ArrayList<>();
        Journal.replay(dir, e -> {
            BillingEvent copy = new BillingEvent();
            copy.copyFrom(e);
            all.add(copy);
        });
        return all;
    }

    @Test
    void restartShouldRebuildTheLedgerAndRefuseEventsAlreadyCounted() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
        AtomicLong clock = new AtomicLong(NOW);
        List<TrackerSigner.Claims> clicked = new ArrayList<>();
        long spent;
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            for (int i = 0; i < 20; i++) {
                TrackerSigner.Claims c = claims("CPC", 100_000 + i, EXPIRES);
                clicked.add(c);
                assertThat(BillingFixture.click(p, c, NOW + 1_000 + i)).isEqualTo(BillingEvent.Status.ACCEPTED);
            }
            p.drain();
            spent = p.ledger().account(ACCOUNT).spent();
        }
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(spent);
            assertThat(p.ledger().group(GROUP).totalSpent()).isEqualTo(spent);
            for (TrackerSigner.Claims c : clicked) {
                assertThat(publish(p, EventType.CLICK, c, NOW + 2_000)).isEqualTo(BillingEvent.Status.DUPLICATE);
            }
            // The clicks are conversion sources again after the restart (rebuilt from the journal): a conversion counts.
            assertThat(publish(p, EventType.CONVERSION, clicked.get(0), NOW + 3_000)).isEqualTo(BillingEvent.Status.ACCEPTED);
            p.drain();
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(spent);
        }
        long fromJournal = read(dir).stream().filter(e -> e.type == EventType.CLICK).mapToLong(e -> e.chargePerUnit).sum();
        assertThat(fromJournal).isEqualTo(spent).isEqualTo(20 * 100_000 + 190);
    }

    @Test
    void tornTailShouldBeCutAndReportedAndTheJournalShouldKeepWorking() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPM", 3_000_000, 0, 0, 1_000_000_000, 0));
        AtomicLong clock = new AtomicLong(NOW);
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            for (int i = 0; i < 10; i++) {
                publish(p, EventType.IMPRESSION, claims("CPM", 1_000_000, EXPIRES), NOW);
            }
        }
        // A crash, not a clean close: no last checkpoint (it would hold the charges of the record cut below).
        Files.delete(dir.resolve(Checkpoint.NAME));
        Path file = Journal.files(dir).get(0);
        long size = Files.size(file);
        assertThat(size).isEqualTo(10L * Journal.RECORD_BYTES);
        // A crash in the middle of the 10th record: only part of it reached the disk.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - 30);
        }
        // And a second file whose only record has a flipped bit.
        Path second = dir.resolve("journal-00000000000000000005.log");
        Files.copy(file, second);
        try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.truncate(Journal.RECORD_BYTES);
            ch.write(ByteBuffer.wrap(new byte[]{0x55}), 40);
        }

        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            Journal.ReplayResult r = p.replayResult();
            assertThat(r.records()).isEqualTo(9);
            assertThat(r.problems()).hasSize(2);
            assertThat(r.problems().get(0)).contains("cut short");
            assertThat(r.problems().get(1)).contains("checksum");
            assertThat(p.ledger().account(ACCOUNT).spent()).isEqualTo(9_000);
            publish(p, EventType.IMPRESSION, claims("CPM", 1_000_000, EXPIRES), NOW);
        }
        assertThat(Files.size(file)).isEqualTo(9L * Journal.RECORD_BYTES);
        assertThat(Files.size(second)).isZero();
        assertThat(read(dir)).hasSize(10);
    }

    @Test
    void reportsShouldEqualSumsComputedIndependentlyFromTheJournal() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPM", 3_000_000, 0, 0, 1_000_000_000, 0));
        AtomicLong clock = new AtomicLong(NOW);
        java.util.Random random = new java.util.Random(7);
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            for (int i = 0; i < 300; i++) {
                long t = NOW + random.nextInt(5 * 3_600_000);
                TrackerSigner.Claims c = claims("CPM", 1_000_000 + random.nextInt(3_000_000), EXPIRES + 86_400);
                publish(p, EventType.IMPRESSION, c, t);
                if (random.nextInt(10) == 0) {
                    publish(p, EventType.CLICK, c, t + 1_000);
                    if (random.nextBoolean()) {
                        publish(p, EventType.CONVERSION, c, t + 2_000);
                    }
                }
            }
            p.drain();
            List<ReportRollups.Row> hours = p.rollups().query(EnumSet.of(ReportRollups.Dimension.AD_GROUP),
                    ReportRollups.Granularity.HOUR, 0, Long.MIN_VALUE, Long.MAX_VALUE, Map.of(), account -> io.adengine.model.Currency.USD);
            List<BillingEvent> journal = read(dir);
            for (ReportRollups.Row row : hours) {
                long start = row.periodStart();
                long imps = journal.stream().filter(e -> e.type == EventType.IMPRESSION && e.timeMillis >= start
                        && e.timeMillis < start + 3_600_000).count();
                long clicks = journal.stream().filter(e -> e.type == EventType.CLICK && e.timeMillis >= start
                        && e.timeMillis < start + 3_600_000).count();
                long cost = journal.stream().filter(e -> e.type == EventType.IMPRESSION && e.billing == BidModel.CPM
                        && e.timeMillis >= start && e.timeMillis < start + 3_600_000).mapToLong(e -> e.chargePerUnit / 1000).sum();
                assertThat(row.impressions()).isEqualTo(imps);
                assertThat(row.clicks()).isEqualTo(clicks);
                assertThat(row.costMicros()).isEqualTo(cost);
            }
            assertThat(hours.stream().mapToLong(ReportRollups.Row::impressions).sum()).isEqualTo(300);
            ReportRollups.Row total = p.rollups().query(EnumSet.noneOf(ReportRollups.Dimension.class), ReportRollups.Granularity.TOTAL,
                    0, Long.MIN_VALUE, Long.MAX_VALUE, Map.of(), account -> io.adengine.model.Currency.USD).get(0);
            assertThat(total.costMicros()).isEqualTo(p.ledger().account(ACCOUNT).spent());
            assertThat(total.ecpmMicros()).isEqualTo(total.costMicros() * 1000 / 300);
        }
    }
}
