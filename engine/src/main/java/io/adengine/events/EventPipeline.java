package io.adengine.events;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;
import io.adengine.budget.BillingRules;
import io.adengine.budget.LedgerBudgetGate;
import io.adengine.budget.SpendLedger;
import io.adengine.config.EventsConfig;
import io.adengine.index.AdSpaceEntry;
import io.adengine.frequency.FrequencyCounts;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.model.AdGroup;
import io.adengine.model.BidModel;
import io.adengine.model.Dimension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import com.lmax.disruptor.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The event pipeline: a Disruptor ring of preallocated {@link BillingEvent}s, published by serving
 * threads (served ads) and tracker threads, handled in order by the journal (dedup, append, group
 * commit, then acknowledgement of tracker events), the spend ledger, the report rollups and, when
 * configured, the Kafka sink. Publishing claims a slot, fills it and publishes: no lock, no I/O.
 * On start the ledger, rollups and dedup table are rebuilt by replaying the journal.
 */
public final class EventPipeline implements ServedAds, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

    private final EventsConfig config;
    private final SnapshotHolder snapshots;
    private final LongSupplier clock;
    private final SpendLedger ledger;
    private final LedgerBudgetGate gate;
    private final ReportRollups rollups;
    private final FrequencyCounts frequency;
    private final EventMetrics metrics;
    private final Journal.ReplayResult replayed;
    private final Disruptor<BillingEvent> disruptor;
    private final RingBuffer<BillingEvent> ring;
    private final ScheduledExecutorService ticker;
    private final JournalHandler journalHandler;
    private final EventSink sink;
    private boolean closed;

    /** A later stage fed with every accepted event after the rollups (the Kafka sink). */
    public interface EventSink extends AutoCloseable {

        /** No later stage (the pipeline then runs none). */
        EventSink NONE = new EventSink() {
            @Override
            public void accept(BillingEvent e, boolean endOfBatch) {
            }

            @Override
            public void close() {
            }
        };

        void accept(BillingEvent e, boolean endOfBatch);

        @Override
        void close();
    }

    private EventPipeline(EventsConfig config, SnapshotHolder snapshots, LongSupplier clock, PrometheusRegistry registry,
                          EventSink sink, boolean startTicker) throws IOException {
        this.config = config;
        this.snapshots = snapshots;
        this.clock = clock;
        this.sink = sink;
        this.metrics = new EventMetrics(registry);
        this.ledger = new SpendLedger(() -> snapshots.current().catalog(), config.reservationSeconds() * 1000);
        this.gate = new LedgerBudgetGate(ledger, clock, config.pacing() == EventsConfig.Pacing.EVEN);
        this.rollups = new ReportRollups();
        TrackerDedup dedup = new TrackerDedup(config.dedupWindowSeconds() * 1000, config.dedupCapacity());
        EventValidity validity = new EventValidity(dedup, config.validity(), () -> snapshots.current().catalog());
        LedgerHandler ledgerHandler = new LedgerHandler(ledger, metrics, config.pacingPeriodMillis());
        this.frequency = new FrequencyCounts(FREQUENCY_INITIAL_SLOTS, config.frequencyMaxSlots());
        FrequencyCounting counting = new FrequencyCounting(frequency, snapshots, config.reservationSeconds() * 1000);
        long start = System.nanoTime();
        long covered = loadCheckpoint(config.journalDir(), ledger, rollups);
        long frequencyCovered = loadFrequency(config.journalDir(), counting, frequency);
        int deleted = deleteExpired(config.journalDir(), covered, clock.getAsLong(), config.retention().retentionDays());
        long[] file = {0};
        this.replayed = Journal.replay(config.journalDir(), n -> file[0] = n, e -> {
            // Journaled events were all new when accepted; a table now full (smaller dedupCapacity) must not
            // drop their charges, so only a true repeat (a journal written twice) is skipped.
            if (e.type.deduplicated() && dedup.add(e.impressionHi, e.dedupLo(), e.type, e.timeMillis) == TrackerDedup.Result.DUPLICATE) {
                return;
            }
            if (e.invalidReason != InvalidReason.NONE) {
                // As when it was journaled: an invalid event holds no dedup key (a valid retry may still count).
                dedup.remove(e.impressionHi, e.dedupLo(), e.type);
                e.status = BillingEvent.Status.INVALID;
            } else {
                e.status = BillingEvent.Status.ACCEPTED;
                validity.counted(e);
            }
            if (file[0] >= frequencyCovered) {
                counting.apply(e);
            }
            if (file[0] < covered) {
                // The checkpoint holds this file's charges and counts: it only rebuilds the dedup and validity tables.
                return;
            }
            ledgerHandler.apply(e, true);
            rollups.apply(e);
        });
        ledger.expire(clock.getAsLong());
        LOG.info("journal replayed: {} records from {} files in {} ms (checkpoint covers files below {}; {} expired files deleted){}",
                replayed.records(), replayed.files(), (System.nanoTime() - start) / 1_000_000, covered, deleted,
                replayed.problems().isEmpty() ? "" : "; cut " + replayed.bytesCut() + " bytes of torn tail");
        Journal journal = new Journal(config.journalDir(), config.journalFileBytes(), config.fsync() == EventsConfig.Fsync.BATCH);
        this.journalHandler = new JournalHandler(journal, dedup, validity, metrics, config.ringSize());
        Path dir = config.journalDir();
        long retentionDays = config.retention().retentionDays();
        this.disruptor = new Disruptor<>(BillingEvent::new, config.ringSize(), r -> {
            Thread t = new Thread(r, "events-handler");
            t.setDaemon(true);
            return t;
        }, ProducerType.MULTI, waitStrategy(config.waitStrategy()));
        EventHandler<BillingEvent> frequencyHandler = (e, seq, end) -> {
            if (e.type == EventType.CHECKPOINT) {
                writeFrequency(dir, counting, e.checkpointFile);
            } else {
                counting.apply(e);
            }
        };
        EventHandlerGroup<BillingEvent> chain = disruptor.handleEventsWith(journalHandler)
                .then(ledgerHandler, frequencyHandler)
                .then((e, seq, end) -> {
                    if (e.type == EventType.CHECKPOINT) {
                        finishCheckpoint(dir, e, rollups, retentionDays);
                    } else {
                        rollups.apply(e);
                    }
                });
        if (sink != EventSink.NONE) {
            chain.then((e, seq, end) -> {
                if (e.type != EventType.TICK && e.status == BillingEvent.Status.ACCEPTED) {
                    sink.accept(e, end);
                } else if (end) {
                    sink.accept(null, true);
                }
            });
        }
        this.ring = disruptor.start();
        if (startTicker) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "events-ticker");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(() -> tick(clock.getAsLong()), config.pacingPeriodMillis(), config.pacingPeriodMillis(),
                    TimeUnit.MILLISECONDS);
            long every = config.retention().checkpointIntervalSeconds();
            ticker.scheduleAtFixedRate(this::checkpoint, every, every, TimeUnit.SECONDS);
        } else {
            ticker = null;
        }
    }

    /** Replays the journal and starts the handlers and the pacing ticker. */
    public static EventPipeline start(EventsConfig config, SnapshotHolder snapshots, LongSupplier clock, PrometheusRegistry registry,
                                      EventSink sink) throws IOException {
        return new EventPipeline(config, snapshots, clock, registry, sink, true);
    }

    /** As {@link #start} without the ticker thread: the caller drives {@link #tick} (simulations, tests). */
    public static EventPipeline startManualTicks(EventsConfig config, SnapshotHolder snapshots, LongSupplier clock,
                                                 PrometheusRegistry registry, EventSink sink) throws IOException {
        return new EventPipeline(config, snapshots, clock, registry, sink, false);
    }

    private static final int SLEEPING_RETRIES = 200;
    private static final long SLEEPING_NAP_NANOS = 1_000_000;

    private static WaitStrategy waitStrategy(EventsConfig.WaitStrategy w) {
        return switch (w) {
            case BLOCKING -> new BlockingWaitStrategy();
            // 200 spins and yields, then naps of 1 ms: the library default of 100 ns
            // kept four idle handler threads at 58 % of a core; 1 ms costs 6 % idle and delays
            // only the first event after a quiet spell.
            case SLEEPING -> new SleepingWaitStrategy(SLEEPING_RETRIES, SLEEPING_NAP_NANOS);
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }

    public LedgerBudgetGate budgetGate() {
        return gate;
    }

    public SpendLedger ledger() {
        return ledger;
    }

    public ReportRollups rollups() {
        return rollups;
    }

    /** The per-user frequency-cap counts this pipeline feeds (read them on any thread). */
    public FrequencyCounts frequencyCounts() {
        return frequency;
    }

    public EventMetrics metrics() {
        return metrics;
    }

    public Journal.ReplayResult replayResult() {
        return replayed;
    }

    public SnapshotHolder snapshots() {
        return snapshots;
    }

    public LongSupplier clock() {
        return clock;
    }

    /** Ring slots still free. */
    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    private long claim(boolean fromServing) {
        if (config.fullRingPolicy() == EventsConfig.FullRingPolicy.BLOCK) {
            if (!ring.hasAvailableCapacity(1)) {
                metrics.ringFull(fromServing);
            }
            return ring.next();
        }
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException e) {
            metrics.ringFull(fromServing);
            return -1;
        }
    }

    /** Serving thread: the answer holding these impressions has rendered; reserves and publishes each one. */
    @Override
    public void served(Snapshot snapshot, AdRequest request, Decision decision, Impressions impressions) {
        String country = request.value(Dimension.COUNTRY);
        for (int i = 0; i < impressions.count(); i++) {
            publishServed(snapshot, decision.ordinal(i), request.adSpaceId(), country, decision.chargePerUnit(i), decision.creative(i).id(),
                    impressions.hi(i), impressions.lo(i), impressions.expiresEpochSeconds(), request.nowMillis(),
                    TrackerMint.userKeyOf(snapshot, decision, i));
        }
    }

    /**
     * Serving thread: the ad of a decision slot was put in an answer. Reserves its expected cost and
     * publishes a SERVED event; when the ring is full (SHED) the reservation is given back and the
     * loss of this served record is counted (it carries no money: impressions are charged from their
     * own tracker events).
     */
    public void publishServed(Snapshot snapshot, int ordinal, long adSpaceId, String country, long chargePerUnit, long creativeId,
                              long impressionHi, long impressionLo, long expiresEpochSeconds, long nowMillis) {
        publishServed(snapshot, ordinal, adSpaceId, country, chargePerUnit, creativeId, impressionHi, impressionLo, expiresEpochSeconds,
                nowMillis, 0);
    }

    /** As above, for a frequency-capped ad: {@code userKey} is the user's frequency key (0: none). */
    public void publishServed(Snapshot snapshot, int ordinal, long adSpaceId, String country, long chargePerUnit, long creativeId,
                              long impressionHi, long impressionLo, long expiresEpochSeconds, long nowMillis, long userKey) {
        AdGroup g = snapshot.group(ordinal);
        AdSpaceEntry space = snapshot.adSpace(adSpaceId);
        BidModel billing = g.bid().model();
        long reserved = space == null ? 0 : gate.reserveServed(snapshot, ordinal, billing, chargePerUnit, space.prior());
        long seq = claim(true);
        if (seq < 0) {
            if (reserved > 0) {
                gate.unreserve(snapshot, ordinal, reserved);
            }
            metrics.served(false);
            return;
        }
        BillingEvent e = ring.get(seq);
        e.clear();
        e.type = EventType.SERVED;
        e.timeMillis = nowMillis;
        e.impressionHi = impressionHi;
        e.impressionLo = impressionLo;
        e.adSpaceId = adSpaceId;
        e.publisherId = space == null ? 0 : space.space().publisherId();
        e.campaignId = g.campaignId();
        e.adGroupId = g.id();
        e.accountId = gate.accountId(snapshot, ordinal);
        e.creativeId = creativeId;
        e.billing = billing;
        e.chargePerUnit = chargePerUnit;
        e.reservedMicros = reserved;
        e.expiresEpochSeconds = expiresEpochSeconds;
        e.country = BillingEvent.packCountry(country);
        e.userKey = userKey;
        ring.publish(seq);
        metrics.served(true);
    }

    /**
     * Tracker thread: publishes a verified, unexpired tracker event. The acknowledger is called on the
     * journal thread once the event's batch is forced to disk (or found duplicate, refused or failed).
     * Returns false when the ring is full and the policy is SHED (the caller answers 503).
     */
    public boolean publishTracker(EventType type, TrackerSigner.Claims c, long impressionHi, long impressionLo, long accountId,
                                  long publisherId, short country, long nowMillis, BillingEvent.Acknowledger ack) {
        return publishTracker(type, c, impressionHi, impressionLo, accountId, publisherId, country, nowMillis, null, 0, ack);
    }

    /**
     * As {@link #publishTracker(EventType, TrackerSigner.Claims, long, long, long, long, short, long, BillingEvent.Acknowledger)}
     * for a conversion with its event name ({@code null}: none; else as {@link AdGroup#EVENT_NAME}, checked by the caller)
     * and revenue micros (0: none). The journal thread decides whether the event is a goal of its ad group.
     */
    public boolean publishTracker(EventType type, TrackerSigner.Claims c, long impressionHi, long impressionLo, long accountId,
                                  long publisherId, short country, long nowMillis, String eventName, long revenueMicros,
                                  BillingEvent.Acknowledger ack) {
        long seq = claim(false);
        if (seq < 0) {
            metrics.tracker(type, EventMetrics.TrackerOutcome.SHED);
            return false;
        }
        BillingEvent e = ring.get(seq);
        e.clear();
        e.type = type;
        e.timeMillis = nowMillis;
        e.impressionHi = impressionHi;
        e.impressionLo = impressionLo;
        e.adSpaceId = c.adSpaceId();
        e.publisherId = publisherId;
        e.campaignId = c.campaignId();
        e.adGroupId = c.adGroupId();
        e.accountId = accountId;
        e.creativeId = c.creativeId();
        e.billing = BidModel.valueOf(c.billing());
        e.chargePerUnit = c.chargeMicros();
        e.expiresEpochSeconds = c.expiresEpochSeconds();
        e.country = country;
        e.userKey = c.userKey();
        if (type == EventType.CONVERSION) {
            e.eventName(eventName);
            e.revenueMicros = revenueMicros;
        }
        e.ack = ack;
        ring.publish(seq);
        return true;
    }

    /**
     * Publishes a checkpoint event: as it passes, the journal starts a new file and the ledger and rollups are
     * written with that position ({@link Checkpoint}); dropped when the ring is full (the next one comes).
     */
    public void checkpoint() {
        publishControl(EventType.CHECKPOINT, clock.getAsLong());
    }

    /** Publishes a control event (no ids, no money) unless the ring is full. */
    private void publishControl(EventType type, long nowMillis) {
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException e) {
            return;
        }
        BillingEvent e = ring.get(seq);
        e.clear();
        e.type = type;
        e.timeMillis = nowMillis;
        ring.publish(seq);
    }

    /** The first journal file a checkpoint does not cover (0: none, replay everything); its state loaded. */
    private static long loadCheckpoint(Path dir, SpendLedger ledger, ReportRollups rollups) {
        try {
            java.util.Optional<Checkpoint.Loaded> c = Checkpoint.read(dir);
            if (c.isEmpty()) {
                return 0;
            }
            ledger.readState(Checkpoint.input(c.get().ledger()));
            rollups.readState(Checkpoint.input(c.get().rollups()), c.get().rollupCounters());
            return c.get().firstUncovered();
        } catch (IOException | RuntimeException e) {
            // A half-read state could be in the ledger: that is a bug or a corrupt file the CRC missed; either way
            // refuse to guess and start over from the whole journal.
            LOG.warn("journal checkpoint ignored, replaying every journal file: {}", e.toString());
            ledger.clearState();
            rollups.clearState();
            return 0;
        }
    }

    /** Slots the frequency table starts with (48 bytes each: 3 MiB); it doubles as it fills. */
    static final int FREQUENCY_INITIAL_SLOTS = 1 << 16;

    /** The first journal file the frequency checkpoint does not cover (0: none, replay every file into the counts). */
    private static long loadFrequency(Path dir, FrequencyCounting counting, FrequencyCounts counts) {
        try {
            return counting.loadCheckpoint(dir, counts::emptyCopy);
        } catch (IOException | RuntimeException e) {
            LOG.warn("frequency checkpoint ignored, counting from every journal file kept: {}", e.toString());
            return 0;
        }
    }

    /** Frequency thread: the checkpoint event passed the journal; write the counts as of its position. */
    private void writeFrequency(Path dir, FrequencyCounting counting, long firstUncovered) {
        if (firstUncovered <= 0) {
            return;
        }
        try {
            counting.writeCheckpoint(dir, firstUncovered);
        } catch (IOException ex) {
            LOG.warn("frequency checkpoint failed (the next one retries): {}", ex.toString());
        }
    }

    /** Deletes journal files a checkpoint covers whose last write is older than the retention; returns how many. */
    static int deleteExpired(Path dir, long covered, long nowMillis, long retentionDays) {
        int deleted = 0;
        try {
            long before = nowMillis - retentionDays * 86_400_000L;
            for (Path f : Journal.files(dir)) {
                if (Journal.NAMING.numberOf(f) < covered && Files.getLastModifiedTime(f).toMillis() < before) {
                    Files.delete(f);
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("journal retention: {}", e.toString());
        }
        return deleted;
    }

    /** Rollup thread: the checkpoint event passed every earlier handler; write the checkpoint and apply retention. */
    private void finishCheckpoint(Path dir, BillingEvent e, ReportRollups rollups, long retentionDays) {
        if (e.checkpointLedger == null || e.checkpointFile <= 0) {
            return;
        }
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            rollups.writeState(new java.io.DataOutputStream(bytes));
            Checkpoint.write(dir, e.checkpointFile, e.timeMillis, e.checkpointLedger, bytes.toByteArray());
            metrics.checkpoint();
            deleteExpired(dir, e.checkpointFile, e.timeMillis, retentionDays);
        } catch (IOException ex) {
            LOG.warn("journal checkpoint failed (the next one retries; start-up replays more until then): {}", ex.toString());
        } finally {
            e.checkpointLedger = null;
        }
    }

    /** Publishes a clock tick (reservation expiry, pacing step); dropped when the ring is full. */
    public void tick(long nowMillis) {
        publishControl(EventType.TICK, nowMillis);
    }

    /** Waits until every event published so far has passed every handler (tests, simulations). */
    public void drain() {
        long target = ring.getCursor();
        for (int i = 0; i < 100_000 && ring.getMinimumGatingSequence() < target; i++) {
            Thread.onSpinWait();
            if (i > 1000) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        // A last checkpoint, so that a clean restart replays nothing into the ledger and rollups. Drained here: the
        // Disruptor's shutdown only waits for handlers already running, and a just-started one may not be yet.
        checkpoint();
        drain();
        try {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("event handlers did not drain in 10 s; halting them");
            disruptor.halt();
        }
        journalHandler.close();
        sink.close();
    }

    /** First handler: dedup, append, group commit, acknowledge. */
    static final class JournalHandler implements EventHandler<BillingEvent> {
        private final Journal journal;
        private final TrackerDedup dedup;
        private final EventValidity validity;
        private final EventMetrics metrics;
        private final BillingEvent[] batch;
        private int pending;
        private boolean broken;

        JournalHandler(Journal journal, TrackerDedup dedup, EventValidity validity, EventMetrics metrics, int ringSize) {
            this.journal = journal;
            this.dedup = dedup;
            this.validity = validity;
            this.metrics = metrics;
            this.batch = new BillingEvent[ringSize];
        }

        @Override
        public void onEvent(BillingEvent e, long sequence, boolean endOfBatch) {
            if (e.type == EventType.CHECKPOINT) {
                // Everything before this event is in files below the new one: the checkpoint's position.
                commit();
                try {
                    e.checkpointFile = broken ? 0 : journal.roll();
                } catch (IOException ex) {
                    fail(ex);
                    e.checkpointFile = 0;
                }
            } else if (e.type != EventType.TICK) {
                if (e.type.deduplicated()) {
                    TrackerDedup.Result r = dedup.add(e.impressionHi, e.dedupLo(), e.type, e.timeMillis);
                    e.status = r == TrackerDedup.Result.NEW ? BillingEvent.Status.ACCEPTED
                            : r == TrackerDedup.Result.DUPLICATE ? BillingEvent.Status.DUPLICATE : BillingEvent.Status.REFUSED;
                    if (e.status == BillingEvent.Status.ACCEPTED) {
                        InvalidReason why = validity.check(e);
                        if (why != InvalidReason.NONE) {
                            // Journaled as invalid, but without its dedup key: a retry that has become valid (the
                            // impression arrived after all) still counts once.
                            dedup.remove(e.impressionHi, e.dedupLo(), e.type);
                            e.invalidReason = why;
                            e.status = BillingEvent.Status.INVALID;
                            metrics.invalid(e.type, why);
                        } else if (e.type == EventType.CONVERSION) {
                            e.goal = validity.goal(e);
                        }
                    }
                } else {
                    e.status = BillingEvent.Status.ACCEPTED;
                }
                if (e.status == BillingEvent.Status.ACCEPTED || e.status == BillingEvent.Status.INVALID) {
                    try {
                        journal.append(e);
                        if (e.status == BillingEvent.Status.ACCEPTED && !validity.counted(e)) {
                            metrics.conversionSourcesFull();
                        }
                    } catch (IOException ex) {
                        fail(ex);
                        e.status = BillingEvent.Status.FAILED;
                    }
                }
                if (pending < batch.length) {
                    batch[pending++] = e;
                }
            }
            if (endOfBatch) {
                commit();
            }
        }

        private void commit() {
            try {
                metrics.journalCommit(journal.commit());
            } catch (IOException ex) {
                fail(ex);
                for (int i = 0; i < pending; i++) {
                    if (batch[i].status == BillingEvent.Status.ACCEPTED || batch[i].status == BillingEvent.Status.INVALID) {
                        batch[i].status = BillingEvent.Status.FAILED;
                    }
                }
            }
            for (int i = 0; i < pending; i++) {
                BillingEvent e = batch[i];
                batch[i] = null;
                BillingEvent.Acknowledger ack = e.ack;
                if (ack != null) {
                    e.ack = null;
                    try {
                        ack.acknowledged(e.status, e.invalidReason);
                    } catch (RuntimeException ex) {
                        LOG.warn("tracker acknowledgement failed: {}", ex.getClass().getName());
                    }
                }
            }
            pending = 0;
        }

        private void fail(IOException ex) {
            if (!broken) {
                LOG.error("journal write failed; events are refused until it works again: {}", ex.toString());
            }
            broken = true;
        }

        void close() {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.error("journal close failed: {}", e.toString());
            }
        }
    }

    /** Second handler: charges billable events and keeps reservations and pacing. */
    static final class LedgerHandler implements EventHandler<BillingEvent> {
        private final SpendLedger ledger;
        private final EventMetrics metrics;
        private final long pacingPeriodMillis;
        private long lastPace = Long.MIN_VALUE;

        LedgerHandler(SpendLedger ledger, EventMetrics metrics, long pacingPeriodMillis) {
            this.ledger = ledger;
            this.metrics = metrics;
            this.pacingPeriodMillis = pacingPeriodMillis;
        }

        @Override
        public void onEvent(BillingEvent e, long sequence, boolean endOfBatch) {
            apply(e, false);
        }

        void apply(BillingEvent e, boolean replay) {
            if (e.type == EventType.CHECKPOINT) {
                try {
                    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                    ledger.writeState(new java.io.DataOutputStream(bytes));
                    e.checkpointLedger = bytes.toByteArray();
                } catch (IOException ex) {
                    LOG.warn("ledger checkpoint failed: {}", ex.toString());
                }
                return;
            }
            if (e.type == EventType.TICK) {
                ledger.expire(e.timeMillis);
                if (e.timeMillis - lastPace >= pacingPeriodMillis || lastPace == Long.MIN_VALUE) {
                    ledger.pace(e.timeMillis, pacingPeriodMillis);
                    lastPace = e.timeMillis;
                }
                return;
            }
            if (e.status != BillingEvent.Status.ACCEPTED) {
                if (e.type == EventType.SERVED && !replay) {
                    // Never journaled: its reservation would otherwise be held forever.
                    ledger.unreserve(ledger.group(e.adGroupId), ledger.account(e.accountId), e.reservedMicros);
                }
                return;
            }
            long cost = switch (e.type) {
                case SERVED -> {
                    ledger.track(e.impressionLo, e.adGroupId, e.accountId, e.reservedMicros, e.timeMillis, !replay);
                    yield 0;
                }
                case IMPRESSION -> {
                    if (e.billing == BidModel.CPM) {
                        ledger.release(e.impressionLo);
                    }
                    boolean firstOfDay = e.billing == BidModel.CPT && ledger.firstCptImpressionOfDay(e.adGroupId, e.timeMillis);
                    yield BillingRules.impressionCost(e.billing, e.chargePerUnit, firstOfDay);
                }
                case CLICK -> BillingRules.clickCost(e.billing, e.chargePerUnit);
                // Only a goal of its ad group is charged: other conversion events are reported, never billed.
                case CONVERSION -> e.goal ? BillingRules.conversionCost(e.billing, e.chargePerUnit) : 0;
                case TICK, CHECKPOINT, VIDEO_START, VIDEO_FIRST_QUARTILE, VIDEO_MIDPOINT, VIDEO_THIRD_QUARTILE, VIDEO_COMPLETE,
                     VIDEO_SKIP, VIDEO_CLOSE -> 0;
            };
            if (cost > 0) {
                long charged = ledger.charge(e.adGroupId, e.accountId, cost, e.timeMillis);
                if (charged < 0) {
                    e.overBudget = true;
                    e.chargedMicros = 0;
                    e.unchargedMicros = cost;
                    if (!replay) {
                        metrics.overBudget();
                    }
                } else {
                    // Budgets are hard limits: a late click or conversion is charged at most what was left.
                    e.chargedMicros = charged;
                    e.unchargedMicros = cost - charged;
                    if (!replay) {
                        metrics.charged(e.billing.name(), charged);
                        if (charged < cost) {
                            metrics.cappedCharge();
                        }
                    }
                }
            }
            ledger.expire(e.timeMillis);
        }
    }
}
