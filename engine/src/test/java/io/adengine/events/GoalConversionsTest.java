package io.adengine.events;

import io.adengine.index.SnapshotHolder;
import io.adengine.model.Currency;
import io.adengine.storage.RecordLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import static io.adengine.events.BillingFixture.ACCOUNT;
import static io.adengine.events.BillingFixture.GROUP;
import static io.adengine.events.BillingFixture.PUBLISHER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conversion goals ({@code conversionEvents}) against a naive model: random clicks and named conversions with random
 * revenue, each verdict, the ledger's CPA spend and the report's goal and other conversions and revenue compared with
 * what the model expects and with what the journal's records add up to; then again after restarts (from the
 * checkpoint, from the whole journal, with the ad group's goals since changed, from a version 2 checkpoint) and for a
 * journal written before conversions had names.
 */
class GoalConversionsTest {

    private static final long NOW = java.time.Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long EXPIRES = NOW / 1000 + 30 * 86_400;
    private static final long BID = 2_000_000;
    /** Event names a partner sends: "" is a conversion without one ({@code POST /v1/events/conversion}). */
    private static final String[] NAMES = {"", "install", "purchase", "Purchase", "level.up", "tutorial_complete"};
    private static final List<List<String>> GOAL_SETS = List.of(List.of(), List.of("purchase"), List.of("install", "purchase"),
            List.of("level.up"));

    @TempDir
    Path dir;

    /** What the model and the journal both add up to (one ad group). */
    record Totals(long goals, long others, long goalRevenue, long otherRevenue, long spent) {
    }

    private static SnapshotHolder holder(List<String> goals) {
        StringBuilder list = new StringBuilder();
        for (String g : goals) {
            list.append(list.length() == 0 ? "" : ", ").append('"').append(g).append('"');
        }
        return BillingFixture.holder(BillingFixture.catalog("CPA", BID, 0, 0, 100_000_000_000L, 0,
                ", \"conversionEvents\": [" + list + "]"));
    }

    static BillingEvent.Status convert(EventPipeline p, TrackerSigner.Claims c, String event, long revenue, long now) {
        long hi = Long.parseUnsignedLong(c.impressionId().substring(0, 16), 16);
        long lo = Long.parseUnsignedLong(c.impressionId().substring(16), 16);
        CompletableFuture<BillingEvent.Status> f = new CompletableFuture<>();
        if (!p.publishTracker(EventType.CONVERSION, c, hi, lo, ACCOUNT, PUBLISHER, (short) 0, now, event.isEmpty() ? null : event, revenue,
                (status, reason) -> f.complete(status))) {
            throw new IllegalStateException("ring full");
        }
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Totals reported(EventPipeline p, long spent) {
        p.drain();
        List<ReportRollups.Row> rows = p.rollups().query(EnumSet.of(ReportRollups.Dimension.AD_GROUP), ReportRollups.Granularity.TOTAL, 0,
                Long.MIN_VALUE, Long.MAX_VALUE, Map.of(), a -> Currency.USD);
        assertThat(rows).hasSize(1);
        ReportRollups.Row r = rows.get(0);
        assertThat(r.costMicros()).as("report cost").isEqualTo(spent);
        return new Totals(r.conversions(), r.attribution().otherConversions(), r.attribution().goalRevenueMicros(),
                r.attribution().otherRevenueMicros(), spent);
    }

    private static Totals fromJournal(Path dir) throws Exception {
        long[] t = new long[5];
        Journal.replay(dir, e -> {
            if (e.type == EventType.CONVERSION && e.invalidReason == InvalidReason.NONE) {
                t[e.goal ? 0 : 1]++;
                t[e.goal ? 2 : 3] += e.revenueMicros;
                // The journal's charge: CPA charges the token's price for a goal only.
                t[4] += e.goal ? e.chargePerUnit : 0;
            }
        });
        return new Totals(t[0], t[1], t[2], t[3], t[4]);
    }

    @Test
    void randomConversionsShouldBeChargedAndReportedAsTheModelSaysAcrossRestarts() throws Exception {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        List<String> goals = GOAL_SETS.get(r.nextInt(GOAL_SETS.size()));
        String why = "seed " + seed + ", goals " + goals;
        SnapshotHolder holder = holder(goals);
        AtomicLong clock = new AtomicLong(NOW);
        List<TrackerSigner.Claims> claims = new ArrayList<>();
        Set<Integer> clicked = new HashSet<>();
        // The model: which (click, event) pairs counted, and the sums they make.
        Set<String> counted = new HashSet<>();
        long[] model = new long[5];
        Map<String, long[]> perName = new HashMap<>();
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            for (int i = 0; i < 40; i++) {
                TrackerSigner.Claims c = BillingFixture.claims("CPA", BID, EXPIRES);
                claims.add(c);
                // A fifth of the ads are never clicked: their conversions are invalid, counted nowhere but by reason.
                if (r.nextInt(5) != 0) {
                    assertThat(BillingFixture.click(p, c, clock.addAndGet(2_000))).isEqualTo(BillingEvent.Status.ACCEPTED);
                    clicked.add(i);
                }
            }
            for (int step = 0; step < 400; step++) {
                if (step == 200) {
                    // Half-way, a checkpoint: the restarts below load it and replay only the later journal files.
                    p.checkpoint();
                    p.drain();
                }
                int i = r.nextInt(claims.size());
                String event = NAMES[r.nextInt(NAMES.length)];
                long revenue = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(50_000_000);
                BillingEvent.Status got = convert(p, claims.get(i), event, revenue, clock.addAndGet(1_000));
                BillingEvent.Status expected;
                if (!clicked.contains(i)) {
                    expected = BillingEvent.Status.INVALID;
                } else if (!counted.add(i + "/" + event)) {
                    expected = BillingEvent.Status.DUPLICATE;
                } else {
                    expected = BillingEvent.Status.ACCEPTED;
                    boolean goal = event.isEmpty() || goals.isEmpty() || goals.contains(event);
                    model[goal ? 0 : 1]++;
                    model[goal ? 2 : 3] += revenue;
                    model[4] += goal ? BID : 0;
                    perName.computeIfAbsent(event, x -> new long[2])[0]++;
                    perName.get(event)[1] += revenue;
                }
                assertThat(got).as(why + ", step " + step + ": ad " + i + " event '" + event + "'").isEqualTo(expected);
            }
            p.drain();
            Totals expected = new Totals(model[0], model[1], model[2], model[3], model[4]);
            assertThat(p.ledger().group(GROUP).totalSpent()).as(why).isEqualTo(expected.spent());
            assertThat(reported(p, p.ledger().group(GROUP).totalSpent())).as(why).isEqualTo(expected);
        }
        Totals expected = new Totals(model[0], model[1], model[2], model[3], model[4]);
        assertThat(fromJournal(dir)).as(why + ": the journal's records").isEqualTo(expected);
        // Each counted conversion is in the journal with its name and revenue.
        Map<String, long[]> journaled = new HashMap<>();
        Journal.replay(dir, e -> {
            if (e.type == EventType.CONVERSION && e.invalidReason == InvalidReason.NONE) {
                journaled.computeIfAbsent(e.eventName(), x -> new long[2])[0]++;
                journaled.get(e.eventName())[1] += e.revenueMicros;
            }
        });
        assertThat(journaled.keySet()).as(why).isEqualTo(perName.keySet());
        perName.forEach((name, v) -> assertThat(journaled.get(name)).as(why + ": " + name).containsExactly(v));

        // From the checkpoint (the close wrote one): same ledger, same report; repeats still refused, new events counted.
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            assertThat(reported(p, p.ledger().group(GROUP).totalSpent())).as(why + ", after a restart").isEqualTo(expected);
            String again = counted.iterator().next();
            int i = Integer.parseInt(again.substring(0, again.indexOf('/')));
            assertThat(convert(p, claims.get(i), again.substring(again.indexOf('/') + 1), 5, clock.addAndGet(1_000)))
                    .isEqualTo(BillingEvent.Status.DUPLICATE);
        }
        // From the whole journal, the ad group's goals changed meanwhile: what was charged stays charged (the goal is
        // journaled), and the report is the same.
        Files.delete(dir.resolve(Checkpoint.NAME));
        SnapshotHolder changed = holder(List.of("never_sent"));
        try (EventPipeline p = BillingFixture.start(dir, changed, clock)) {
            assertThat(p.ledger().group(GROUP).totalSpent()).as(why + ", replayed").isEqualTo(expected.spent());
            assertThat(reported(p, expected.spent())).as(why + ", replayed with other goals").isEqualTo(expected);
            // A new purchase is now an other conversion: journaled and reported, not charged.
            int fresh = clicked.stream().filter(i -> !counted.contains(i + "/purchase")).findFirst().orElse(-1);
            if (fresh >= 0) {
                assertThat(convert(p, claims.get(fresh), "purchase", 7_000_000, clock.addAndGet(1_000))).isEqualTo(BillingEvent.Status.ACCEPTED);
                Totals after = reported(p, p.ledger().group(GROUP).totalSpent());
                assertThat(after).isEqualTo(new Totals(expected.goals(), expected.others() + 1, expected.goalRevenue(),
                        expected.otherRevenue() + 7_000_000, expected.spent()));
            }
        }
    }

    @Test
    void aVersionTwoCheckpointShouldStillLoadItsChargesAndCounts() throws Exception {
        SnapshotHolder holder = holder(List.of("purchase"));
        AtomicLong clock = new AtomicLong(NOW);
        TrackerSigner.Claims c = BillingFixture.claims("CPA", BID, EXPIRES);
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            BillingFixture.click(p, c, clock.addAndGet(2_000));
            assertThat(convert(p, c, "purchase", 3_000_000, clock.addAndGet(1_000))).isEqualTo(BillingEvent.Status.ACCEPTED);
            assertThat(convert(p, c, "install", 1_000_000, clock.addAndGet(1_000))).isEqualTo(BillingEvent.Status.ACCEPTED);
        }
        // Rewrite the checkpoint the close left as version 2 wrote it: 15 counters a cell, nothing after the video ones.
        Checkpoint.Loaded v3 = Checkpoint.read(dir).orElseThrow();
        DataInputStream in = Checkpoint.input(v3.rollups());
        ByteArrayOutputStream cells = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(cells);
        int n = in.readInt();
        out.writeInt(n);
        for (int cell = 0; cell < n; cell++) {
            for (int k = 0; k < RollupTable.KEY_LONGS; k++) {
                out.writeLong(in.readLong());
            }
            for (int k = 0; k < RollupTable.COUNTERS; k++) {
                long v = in.readLong();
                if (k < RollupTable.COUNTERS_V2) {
                    out.writeLong(v);
                }
            }
        }
        writeVersion2(dir, v3.firstUncovered(), v3.takenAtMillis(), v3.ledger(), cells.toByteArray());

        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            // The charge and the goal count come from the old checkpoint; what it did not know is 0, not a failure.
            assertThat(reported(p, BID)).isEqualTo(new Totals(1, 0, 0, 0, BID));
            assertThat(p.ledger().group(GROUP).totalSpent()).isEqualTo(BID);
        }
    }

    private static void writeVersion2(Path dir, long firstUncovered, long takenAt, byte[] ledger, byte[] rollups) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x4144434b);
        out.writeInt(2);
        out.writeLong(firstUncovered);
        out.writeLong(takenAt);
        out.writeInt(ledger.length);
        out.write(ledger);
        out.writeInt(rollups.length);
        out.write(rollups);
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        Files.write(dir.resolve(Checkpoint.NAME), bytes.toByteArray());
    }

    @Test
    void aJournalWrittenBeforeConversionsHadNamesShouldReplayThemAsChargedGoals() throws Exception {
        // Records as the engine wrote them before: an impression, its click and a conversion of a CPA ad, one ad's in
        // version 1 (109 bytes), another's in version 2 (117 bytes, with the frequency key).
        TrackerSigner.Claims[] ads = {BillingFixture.claims("CPA", BID, EXPIRES), BillingFixture.claims("CPA", BID, EXPIRES)};
        Files.createDirectories(dir);
        try (RecordLog log = RecordLog.open(dir, Journal.NAMING, 0, 1 << 20, false, 1 << 16)) {
            for (int version = 1; version <= 2; version++) {
                TrackerSigner.Claims c = ads[version - 1];
                EventType[] types = {EventType.IMPRESSION, EventType.CLICK, EventType.CONVERSION};
                for (int t = 0; t < types.length; t++) {
                    BillingEvent e = new BillingEvent();
                    e.clear();
                    e.type = types[t];
                    e.timeMillis = NOW + t * 2_000L;
                    e.impressionHi = Long.parseUnsignedLong(c.impressionId().substring(0, 16), 16);
                    e.impressionLo = Long.parseUnsignedLong(c.impressionId().substring(16), 16);
                    e.adSpaceId = BillingFixture.AD_SPACE;
                    e.publisherId = PUBLISHER;
                    e.campaignId = BillingFixture.CAMPAIGN;
                    e.adGroupId = GROUP;
                    e.accountId = ACCOUNT;
                    e.creativeId = BillingFixture.CREATIVE;
                    e.billing = io.adengine.model.BidModel.CPA;
                    e.chargePerUnit = BID;
                    e.expiresEpochSeconds = EXPIRES;
                    ByteBuffer b = ByteBuffer.allocate(Journal.MAX_PAYLOAD_BYTES);
                    Journal.encode(e, b);
                    // The same leading fields, the older version byte, nothing after that version's last long.
                    b.put(0, (byte) version);
                    log.append(b.array(), 0, version == 1 ? Journal.V1_PAYLOAD_BYTES : Journal.PAYLOAD_BYTES);
                }
            }
            log.commit();
        }
        SnapshotHolder holder = holder(List.of("purchase"));
        AtomicLong clock = new AtomicLong(NOW + 10_000);
        try (EventPipeline p = BillingFixture.start(dir, holder, clock)) {
            assertThat(p.replayResult().problems()).isEmpty();
            assertThat(p.replayResult().records()).isEqualTo(6);
            assertThat(p.ledger().group(GROUP).totalSpent()).isEqualTo(2 * BID);
            assertThat(reported(p, 2 * BID)).isEqualTo(new Totals(2, 0, 0, 0, 2 * BID));
            // Their dedup key is the nameless conversion's, as before: a repeat without a name is a duplicate; a named one is new.
            for (TrackerSigner.Claims c : ads) {
                assertThat(convert(p, c, "", 0, clock.addAndGet(1_000))).isEqualTo(BillingEvent.Status.DUPLICATE);
                assertThat(convert(p, c, "purchase", 10, clock.addAndGet(1_000))).isEqualTo(BillingEvent.Status.ACCEPTED);
            }
            p.drain();
            assertThat(p.ledger().group(GROUP).totalSpent()).isEqualTo(4 * BID);
        }
    }

    @Test
    void decodeShouldRefuseAConversionRecordWhoseNameDisagreesWithItsLengthOrIsNotAnEventName() {
        BillingEvent e = new BillingEvent();
        e.clear();
        e.type = EventType.CONVERSION;
        e.eventName("install");
        e.revenueMicros = 42;
        e.goal = false;
        ByteBuffer b = ByteBuffer.allocate(Journal.MAX_PAYLOAD_BYTES);
        Journal.encode(e, b);
        int length = b.position();
        assertThat(length).isEqualTo(Journal.CONVERSION_PAYLOAD_BYTES + 7);
        BillingEvent out = new BillingEvent();

        byte[] wrongLength = b.array().clone();
        wrongLength[Journal.CONVERSION_PAYLOAD_BYTES - 1] = 8;
        byte[] badName = b.array().clone();
        badName[Journal.CONVERSION_PAYLOAD_BYTES] = ' ';
        byte[] badGoal = b.array().clone();
        badGoal[Journal.CONVERSION_PAYLOAD_BYTES - 2] = 2;

        assertThat(Journal.decode(ByteBuffer.wrap(wrongLength, 0, length), out)).isFalse();
        assertThat(Journal.decode(ByteBuffer.wrap(badName, 0, length), out)).isFalse();
        assertThat(Journal.decode(ByteBuffer.wrap(badGoal, 0, length), out)).isFalse();
        assertThat(Journal.decode(ByteBuffer.wrap(b.array(), 0, length - 1), out)).as("cut short").isFalse();
        assertThat(Journal.decode(ByteBuffer.wrap(b.array(), 0, length), out)).isTrue();
        assertThat(out.eventName()).isEqualTo("install");
        assertThat(out.revenueMicros()).isEqualTo(42);
        assertThat(out.goal()).isFalse();
    }
}
