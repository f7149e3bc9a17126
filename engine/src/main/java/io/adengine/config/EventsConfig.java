package io.adengine.config;

import java.nio.file.Path;

/**
 * The {@code events:} section: the Disruptor ring, the journal, tracker dedup, budget reservation,
 * pacing and the optional Kafka sink.
 *
 * @param journalDir          folder of the journal files; {@code null} turns the whole pipeline off
 *                            (trackers answer 503, budgets are not enforced)
 * @param ringSize            slots in the ring (power of two)
 * @param waitStrategy        how the handler threads wait for events
 * @param fullRingPolicy      what a publisher does when the ring is full
 * @param fsync               when the journal is forced to disk
 * @param journalFileBytes    a journal file is rotated after it grows past this size
 * @param dedupWindowSeconds  a tracker event is remembered (refused when repeated) for at least this long
 * @param dedupCapacity       keys remembered per dedup generation (two generations are kept)
 * @param reservationSeconds  how long the expected cost of a served ad stays reserved against its budget
 * @param pacing              EVEN (pass-through rate against a spend plan) or ASAP
 * @param pacingPeriodMillis  how often pass-through rates are adjusted
 * @param kafkaEnabled        whether the Kafka sink runs
 * @param kafkaBootstrap      Kafka bootstrap servers
 * @param kafkaTopic          topic the event stream is written to
 * @param validity            the event-validity rules' settings
 * @param retention           checkpoints and journal retention
 * @param frequencyMaxSlots   the most (user, frequency-cap counter) slots the frequency counts may hold (48 bytes each; the
 *                            table starts small and doubles as it fills to 70 %)
 */
public record EventsConfig(
        Path journalDir,
        int ringSize,
        WaitStrategy waitStrategy,
        FullRingPolicy fullRingPolicy,
        Fsync fsync,
        long journalFileBytes,
        long dedupWindowSeconds,
        int dedupCapacity,
        long reservationSeconds,
        Pacing pacing,
        long pacingPeriodMillis,
        boolean kafkaEnabled,
        String kafkaBootstrap,
        String kafkaTopic,
        Validity validity,
        Retention retention,
        int frequencyMaxSlots) {

    public static final int FREQUENCY_MAX_SLOTS_DEFAULT = 1 << 24;

    /** With the default frequency table limit. */
    public EventsConfig(Path journalDir, int ringSize, WaitStrategy waitStrategy, FullRingPolicy fullRingPolicy, Fsync fsync,
                        long journalFileBytes, long dedupWindowSeconds, int dedupCapacity, long reservationSeconds, Pacing pacing,
                        long pacingPeriodMillis, boolean kafkaEnabled, String kafkaBootstrap, String kafkaTopic, Validity validity,
                        Retention retention) {
        this(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds, dedupCapacity,
                reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention,
                FREQUENCY_MAX_SLOTS_DEFAULT);
    }

    /**
     * Checkpoints and journal retention: every {@code checkpointIntervalSeconds} (and on a clean close) the ledger and
     * rollups are written with the journal position they cover, so start-up replays only what came after into them;
     * journal files before the checkpoint and older than {@code retentionDays} are deleted (at start and at each
     * checkpoint). The retention must cover what the dedup and validity tables rebuild from (two dedup windows, two
     * 30-day conversion-source generations): at least {@value #RETENTION_DAYS_MIN} days.
     */
    public record Retention(long checkpointIntervalSeconds, long retentionDays) {
        public static final long CHECKPOINT_INTERVAL_SECONDS_DEFAULT = 600;
        public static final long RETENTION_DAYS_MIN = 60;
        public static final long RETENTION_DAYS_DEFAULT = 62;
        public static final Retention DEFAULTS = new Retention(CHECKPOINT_INTERVAL_SECONDS_DEFAULT, RETENTION_DAYS_DEFAULT);
    }

    /**
     * Event validity: a click counts only after its impression was counted, and at least {@code minClickDelayMillis}
     * after it; a conversion only after its click (or, for view-through ad groups, its impression) within the ad
     * group's conversion window.
     *
     * @param minClickDelayMillis      least time from a counted impression to its click (0: none)
     * @param conversionSourceCapacity clicks (and view-through impressions) remembered per generation, for conversions
     *                                 (two generations of {@link io.adengine.model.AdGroup#CONVERSION_WINDOW_MAX_SECONDS} each)
     */
    public record Validity(long minClickDelayMillis, int conversionSourceCapacity) {
        public static final long MIN_CLICK_DELAY_MILLIS_DEFAULT = 500;
        public static final int CONVERSION_SOURCE_CAPACITY_DEFAULT = 1 << 21;
        public static final Validity DEFAULTS = new Validity(MIN_CLICK_DELAY_MILLIS_DEFAULT, CONVERSION_SOURCE_CAPACITY_DEFAULT);
    }

    /** With the default validity settings. */
    public EventsConfig(Path journalDir, int ringSize, WaitStrategy waitStrategy, FullRingPolicy fullRingPolicy, Fsync fsync,
                        long journalFileBytes, long dedupWindowSeconds, int dedupCapacity, long reservationSeconds, Pacing pacing,
                        long pacingPeriodMillis, boolean kafkaEnabled, String kafkaBootstrap, String kafkaTopic) {
        this(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds, dedupCapacity,
                reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, Validity.DEFAULTS, Retention.DEFAULTS);
    }

    public static final int RING_SIZE_DEFAULT = 1 << 16;
    public static final long JOURNAL_FILE_BYTES_DEFAULT = 64L << 20;
    public static final long DEDUP_WINDOW_SECONDS_DEFAULT = 86_400;
    public static final int DEDUP_CAPACITY_DEFAULT = 1 << 22;
    public static final long RESERVATION_SECONDS_DEFAULT = 5;
    public static final long PACING_PERIOD_MILLIS_DEFAULT = 1_000;

    /**
     * Handler wait strategies. SLEEPING (the default) spins briefly, yields, then naps 1 ms at a time, also while a handler waits
     * for the handler before it in the chain. BLOCKING parks only while the ring is empty: a later handler busy-spins
     * while an earlier one works on a batch (a known trait of the Disruptor's BlockingWaitStrategy), which cost about
     * half a core under load. YIELDING and BUSY_SPIN pin a core.
     */
    public enum WaitStrategy { BLOCKING, SLEEPING, YIELDING, BUSY_SPIN }

    /** The wait strategy when the configuration names none. */
    public static final WaitStrategy WAIT_STRATEGY_DEFAULT = WaitStrategy.SLEEPING;

    /** SHED: refuse the event (503 for trackers, counted); BLOCK: the publisher waits for a free slot. */
    public enum FullRingPolicy { SHED, BLOCK }

    /** BATCH: fsync at the end of every handler batch before acknowledging; NONE: never (benchmarks only). */
    public enum Fsync { BATCH, NONE }

    /** EVEN: spread spend over the local day; ASAP: serve while money lasts. */
    public enum Pacing { EVEN, ASAP }

    /** The pipeline off: what {@link EngineConfig#defaults} uses so tests of other features need no journal. */
    public static EventsConfig disabled() {
        return new EventsConfig(null, RING_SIZE_DEFAULT, WAIT_STRATEGY_DEFAULT, FullRingPolicy.SHED, Fsync.BATCH,
                JOURNAL_FILE_BYTES_DEFAULT, DEDUP_WINDOW_SECONDS_DEFAULT, DEDUP_CAPACITY_DEFAULT, RESERVATION_SECONDS_DEFAULT,
                Pacing.EVEN, PACING_PERIOD_MILLIS_DEFAULT, false, "127.0.0.1:9092", "adengine-events");
    }

    /**
     * Defaults with a journal in the given folder; small tables for tests (dedup, ring, conversion sources: the default
     * 2^21 conversion sources alone take about 64 MiB per pipeline, and a test run starts hundreds of pipelines).
     */
    public static EventsConfig inDirectory(Path journalDir) {
        return disabled().withJournalDir(journalDir).withDedupCapacity(1 << 14).withRingSize(1 << 12)
                .withValidity(new Validity(Validity.MIN_CLICK_DELAY_MILLIS_DEFAULT, 1 << 14));
    }

    public boolean enabled() {
        return journalDir != null;
    }

    public EventsConfig withJournalDir(Path dir) {
        return new EventsConfig(dir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention, frequencyMaxSlots);
    }

    public EventsConfig withRingSize(int size) {
        return new EventsConfig(journalDir, size, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention, frequencyMaxSlots);
    }

    public EventsConfig withDedupCapacity(int capacity) {
        return new EventsConfig(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds,
                capacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention, frequencyMaxSlots);
    }

    public EventsConfig withPacing(Pacing p) {
        return new EventsConfig(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, p, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention, frequencyMaxSlots);
    }

    public EventsConfig withFsync(Fsync f) {
        return new EventsConfig(journalDir, ringSize, waitStrategy, fullRingPolicy, f, journalFileBytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention, frequencyMaxSlots);
    }

    public EventsConfig withValidity(Validity v) {
        return new EventsConfig(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, v, retention, frequencyMaxSlots);
    }

    public EventsConfig withRetention(Retention r) {
        return new EventsConfig(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, r, frequencyMaxSlots);
    }

    public EventsConfig withFrequencyMaxSlots(int slots) {
        return new EventsConfig(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, journalFileBytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention, slots);
    }

    public EventsConfig withJournalFileBytes(long bytes) {
        return new EventsConfig(journalDir, ringSize, waitStrategy, fullRingPolicy, fsync, bytes, dedupWindowSeconds,
                dedupCapacity, reservationSeconds, pacing, pacingPeriodMillis, kafkaEnabled, kafkaBootstrap, kafkaTopic, validity, retention, frequencyMaxSlots);
    }
}
