package io.adengine.events;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Locale;

/**
 * What the event pipeline counts, exported with the serving metrics: tracker events by type and
 * outcome (accepted, forged, wrong_purpose, expired, duplicate, invalid, shed, refused, failed, bad_request), invalid
 * events by reason, served events
 * published or shed, ring-full occurrences, charges by billing model and refused charges (no budget),
 * journal group commits and the time each one's fsync took (a histogram, {@code adengine_journal_fsync_seconds}).
 */
public final class EventMetrics {

    /** How a tracker event ended. */
    public enum TrackerOutcome {
        ACCEPTED, FORGED, WRONG_PURPOSE, EXPIRED, DUPLICATE, INVALID, SHED, REFUSED, FAILED, BAD_REQUEST,
        /** A cluster replica sent the tracker of another replica's ad to its owner (307) or refused it (421). */
        REDIRECTED;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private final Counter trackers;
    private final Counter served;
    private final Counter ringFull;
    private final Counter charges;
    private final Counter chargedMicros;
    private final Counter overBudget;
    private final Counter cappedCharges;
    private final Counter invalid;
    private final Counter journalBatches;
    private final Counter checkpoints;
    private final Counter sourcesFull;
    // Observed by the journal thread alone, off the serving path: the library histogram's scrape-time buffer is fine there.
    private final Histogram journalFsync;

    public EventMetrics(PrometheusRegistry registry) {
        trackers = Counter.builder().name("adengine_tracker_events_total")
                .help("Tracker events (impression, click, conversion) by outcome").labelNames("type", "outcome").register(registry);
        served = Counter.builder().name("adengine_served_events_total")
                .help("Served-ad events by outcome (published into the ring, or shed when it was full)").labelNames("outcome").register(registry);
        ringFull = Counter.builder().name("adengine_event_ring_full_total")
                .help("Times a publisher found the event ring full").labelNames("publisher").register(registry);
        charges = Counter.builder().name("adengine_charges_total").help("Charges made, by billing model").labelNames("billing").register(registry);
        chargedMicros = Counter.builder().name("adengine_charged_micros_total")
                .help("Sum of charges, account-currency micros (all currencies added)").register(registry);
        overBudget = Counter.builder().name("adengine_charges_over_budget_total")
                .help("Billable events not charged because a budget or the account had no room").register(registry);
        cappedCharges = Counter.builder().name("adengine_charges_capped_total")
                .help("Billable events charged less than their cost: only what the budget or the account had left").register(registry);
        invalid = Counter.builder().name("adengine_invalid_events_total")
                .help("Genuine tracker events journaled as invalid and never charged, by reason").labelNames("type", "reason").register(registry);
        for (InvalidReason r : InvalidReason.values()) {
            if (r != InvalidReason.NONE) {
                invalid.labelValues(r.name().startsWith("CLICK") ? "click" : "conversion", r.name().toLowerCase(Locale.ROOT));
            }
        }
        sourcesFull = Counter.builder().name("adengine_conversion_sources_full_total")
                .help("Counted clicks (and view-through impressions) not remembered for conversions: the table generation was full")
                .register(registry);
        checkpoints = Counter.builder().name("adengine_journal_checkpoints_total")
                .help("Ledger and rollup checkpoints written (start-up replays only the journal after the last)").register(registry);
        journalBatches = Counter.builder().name("adengine_journal_commits_total").help("Journal group commits (write + fsync)").register(registry);
        journalFsync = Histogram.builder().name("adengine_journal_fsync_seconds")
                .help("Time of each journal group commit's fsync (FileChannel.force); nothing with events.fsync NONE")
                .classicOnly().classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
                .withoutExemplars().register(registry);
        for (EventType t : EventType.values()) {
            if (t.deduplicated()) {
                for (TrackerOutcome o : TrackerOutcome.values()) {
                    trackers.labelValues(t.name().toLowerCase(Locale.ROOT), o.label);
                }
            }
        }
        served.labelValues("published");
        served.labelValues("shed");
        ringFull.labelValues("served");
        ringFull.labelValues("tracker");
    }

    public void tracker(EventType type, TrackerOutcome outcome) {
        trackers.labelValues(type.name().toLowerCase(Locale.ROOT), outcome.label).inc();
    }

    public double trackerCount(EventType type, TrackerOutcome outcome) {
        return trackers.labelValues(type.name().toLowerCase(Locale.ROOT), outcome.label).get();
    }

    void served(boolean published) {
        served.labelValues(published ? "published" : "shed").inc();
    }

    public double servedCount(boolean published) {
        return served.labelValues(published ? "published" : "shed").get();
    }

    void ringFull(boolean fromServing) {
        ringFull.labelValues(fromServing ? "served" : "tracker").inc();
    }

    void charged(String billing, long micros) {
        charges.labelValues(billing).inc();
        chargedMicros.inc(micros);
    }

    void overBudget() {
        overBudget.inc();
    }

    public double overBudgetCount() {
        return overBudget.get();
    }

    void cappedCharge() {
        cappedCharges.inc();
    }

    public double cappedChargeCount() {
        return cappedCharges.get();
    }

    void invalid(EventType type, InvalidReason reason) {
        invalid.labelValues(type.name().toLowerCase(Locale.ROOT), reason.name().toLowerCase(Locale.ROOT)).inc();
    }

    public double invalidCount(EventType type, InvalidReason reason) {
        return invalid.labelValues(type.name().toLowerCase(Locale.ROOT), reason.name().toLowerCase(Locale.ROOT)).get();
    }

    /** One group commit; {@code fsyncNanos} is what its fsync took, 0 when the journal does not force. */
    void journalCommit(long fsyncNanos) {
        journalBatches.inc();
        if (fsyncNanos > 0) {
            journalFsync.observe(fsyncNanos / 1e9);
        }
    }

    void conversionSourcesFull() {
        sourcesFull.inc();
    }

    void checkpoint() {
        checkpoints.inc();
    }

    public double checkpointCount() {
        return checkpoints.get();
    }

    /** Journal group commits so far. */
    public double journalCommits() {
        return journalBatches.get();
    }
}
