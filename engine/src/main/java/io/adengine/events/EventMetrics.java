package io.adengine.events;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Locale;

/**
 * What the event pipeline counts, exported with the serving metrics: tracker events by type and
 * outcome (accepted, forged, expired, duplicate, shed, refused, failed, bad_request), served events
 * published or shed, ring-full occurrences, charges by billing model and refused charges (no budget).
 */
public final class EventMetrics {

    /** How a tracker event ended. */
    public enum TrackerOutcome {
        ACCEPTED, FORGED, EXPIRED, DUPLICATE, SHED, REFUSED, FAILED, BAD_REQUEST;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private final Counter trackers;
    private final Counter served;
    private final Counter ringFull;
    private final Counter charges;
    private final Counter chargedMicros;
    private final Counter overBudget;
    private final Counter journalBatches;

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
        journalBatches = Counter.builder().name("adengine_journal_commits_total").help("Journal group commits (write + fsync)").register(registry);
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

    void journalCommit() {
        journalBatches.inc();
    }

    /** Journal group commits so far. */
    public double journalCommits() {
        return journalBatches.get();
    }
}
