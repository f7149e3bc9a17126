package io.adengine.events;

import io.adengine.index.SnapshotHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.adengine.events.BillingFixture.ACCOUNT;
import static io.adengine.events.BillingFixture.GROUP;
import static io.adengine.events.BillingFixture.claims;
import static io.adengine.events.BillingFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints and retention: a pipeline started from a checkpoint plus the journal after it has the same ledger
 * and rollups as one that replays the whole journal (the oracle), also after a crash between checkpoints (a copy
 * of the folder taken while running); a corrupt checkpoint is ignored; files a checkpoint covers are deleted once
 * older than the retention, files it does not cover never are; dedup and validity survive both.
 */
class JournalRetentionTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long FAR = NOW / 1000 + 40L * 86_400;

    @TempDir
    Path dir;

    private static void traffic(EventPipeline p, int n, long t0) {
        for (int i = 0; i < n; i++) {
            TrackerSigner.Claims c = claims("CPC", 10_000 + i, FAR);
            BillingFixture.click(p, c, t0 + 1_000 + i);
            if (i % 3 == 0) {
                publish(p, EventType.CONVERSION, c, t0 + 5_000 + i);
            }
        }
    }

    private static String state(EventPipeline p) {
        ReportRollups.Row total = p.rollups().query(EnumSet.noneOf(ReportRollups.Dimension.class), ReportRollups.Granularity.TOTAL,
                0, Long.MIN_VALUE, Long.MAX_VALUE, Map.of(), a -> io.adengine.model.Currency.USD).get(0);
        return "spent=" + p.ledger().account(ACCOUNT).spent() + " group=" + p.ledger().group(GROUP).totalSpent()
                + " imps=" + total.impressions() + " clicks=" + total.clicks() + " conv=" + total.conversions()
                + " invalid=" + total.invalid() + " cost=" + total.costMicros();
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void aCheckpointPlusTheJournalAfterItEqualsTheWholeJournalAlsoAfterACrash() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
        Path live = dir.resolve("live");
        String atCrash;
        TrackerSigner.Claims clickedBefore = claims("CPC", 12_345, FAR);
        try (EventPipeline p = BillingFixture.start(live, holder, new AtomicLong(NOW))) {
            traffic(p, 30, NOW);
            BillingFixture.click(p, clickedBefore, NOW + 60_000);
            p.checkpoint();
            p.drain();
            assertThat(p.metrics().checkpointCount()).isEqualTo(1);
            traffic(p, 20, NOW + 100_000);
            // A bad event after the checkpoint: an orphan click, journaled invalid.
            publish(p, EventType.CLICK, claims("CPC", 99_999, FAR), NOW + 200_000);
            p.drain();
            atCrash = state(p);
            // kill -9 now: what is on disk is the checkpoint and every acknowledged record after it.
            copy(live, dir.resolve("crashed"));
        }
        Path whole = dir.resolve("whole");
        copy(dir.resolve("crashed"), whole);
        Files.delete(whole.resolve(Checkpoint.NAME));

        try (EventPipeline fromCheckpoint = BillingFixture.start(dir.resolve("crashed"), holder, new AtomicLong(NOW + 300_000));
             EventPipeline fromJournal = BillingFixture.start(whole, holder, new AtomicLong(NOW + 300_000))) {
            assertThat(state(fromCheckpoint)).isEqualTo(atCrash).isEqualTo(state(fromJournal));
            // Dedup and validity were rebuilt from the covered files too: a repeat is refused, a conversion of a click
            // before the checkpoint counts.
            assertThat(publish(fromCheckpoint, EventType.CLICK, clickedBefore, NOW + 301_000)).isEqualTo(BillingEvent.Status.DUPLICATE);
            assertThat(publish(fromCheckpoint, EventType.CONVERSION, clickedBefore, NOW + 302_000)).isEqualTo(BillingEvent.Status.ACCEPTED);
        }
        // A clean close writes a last checkpoint: the next start finds the same state.
        try (EventPipeline again = BillingFixture.start(live, holder, new AtomicLong(NOW + 400_000))) {
            assertThat(state(again)).isEqualTo(atCrash);
        }
    }

    @Test
    void aCorruptCheckpointIsIgnoredAndTheWholeJournalReplayed() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
        String before;
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW))) {
            traffic(p, 25, NOW);
            p.drain();
            before = state(p);
        }
        // The clean close wrote a checkpoint covering every file written so far.
        long lastFile = Journal.NAMING.numberOf(Journal.files(dir).get(Journal.files(dir).size() - 1));
        assertThat(Checkpoint.read(dir).orElseThrow().firstUncovered()).isEqualTo(lastFile);
        byte[] bytes = Files.readAllBytes(dir.resolve(Checkpoint.NAME));
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(dir.resolve(Checkpoint.NAME), bytes);
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW + 100_000))) {
            assertThat(state(p)).isEqualTo(before);
        }
    }

    @Test
    void filesTheCheckpointCoversAreDeletedPastTheRetentionAndNoOthers() throws Exception {
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
        String before;
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW))) {
            traffic(p, 10, NOW);
            p.checkpoint();
            p.drain();
            traffic(p, 10, NOW + 100_000);
            p.drain();
            before = state(p);
        }
        // Age every journal file by a year; the clean close checkpointed all but the file it left open.
        List<Path> files = Journal.files(dir);
        FileTime old = FileTime.from(Instant.ofEpochMilli(NOW).minusSeconds(365L * 86_400));
        for (Path f : files) {
            Files.setLastModifiedTime(f, old);
        }
        long covered = Checkpoint.read(dir).orElseThrow().firstUncovered();
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW))) {
            assertThat(state(p)).isEqualTo(before);
            for (Path f : files) {
                assertThat(Files.exists(f)).as("%s (checkpoint covers below %d)", f.getFileName(), covered)
                        .isEqualTo(Journal.NAMING.numberOf(f) >= covered);
            }
        }
        assertThat(files.stream().filter(f -> Journal.NAMING.numberOf(f) < covered)).isNotEmpty();
    }
}
