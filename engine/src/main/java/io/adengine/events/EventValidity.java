package io.adengine.events;

import io.adengine.config.EventsConfig;
import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;

import java.util.function.Supplier;

/**
 * The event-validity rules, applied by the journal thread (single writer, no locks) to a genuine tracker event
 * (signed for its purpose, unexpired, not a repeat) before it is counted:
 * <ul>
 *   <li>a click counts only after its impression was counted, and at least {@code minClickDelayMillis} after it;</li>
 *   <li>a conversion counts only after its click was counted (or, when the ad group has
 *       {@code viewThroughConversions}, its impression), within the ad group's {@code conversionWindowSeconds}
 *       of that click or impression.</li>
 * </ul>
 * Impression times come from the dedup table (it keeps each key's event time); clicks and view-through
 * impressions are also kept in a second table, the conversion sources, whose generations each span the longest
 * conversion window ({@link AdGroup#CONVERSION_WINDOW_MAX_SECONDS}), so a source is remembered for at least that
 * long. Both tables are rebuilt from the journal on start ({@link #counted} of every counted event, in order).
 */
final class EventValidity {

    private final TrackerDedup dedup;
    private final TrackerDedup sources;
    private final long minClickDelayMillis;
    private final Supplier<Catalog> catalog;

    EventValidity(TrackerDedup dedup, EventsConfig.Validity config, Supplier<Catalog> catalog) {
        this.dedup = dedup;
        // Seconds are precise enough for windows of hours to days, and keep a 30-day window in an int.
        this.sources = new TrackerDedup(AdGroup.CONVERSION_WINDOW_MAX_SECONDS * 1000, config.conversionSourceCapacity(), 1000);
        this.minClickDelayMillis = config.minClickDelayMillis();
        this.catalog = catalog;
    }

    /** Why the event must not count, or {@link InvalidReason#NONE}. Call after its own dedup key was added. */
    InvalidReason check(BillingEvent e) {
        switch (e.type) {
            case CLICK -> {
                long shown = dedup.timeOf(e.impressionHi, e.impressionLo, EventType.IMPRESSION);
                if (shown == TrackerDedup.NOT_SEEN) {
                    return InvalidReason.CLICK_WITHOUT_IMPRESSION;
                }
                return e.timeMillis - shown < minClickDelayMillis ? InvalidReason.CLICK_TOO_SOON : InvalidReason.NONE;
            }
            case CONVERSION -> {
                sources.advance(e.timeMillis);
                AdGroup g = catalog.get().adGroup(e.adGroupId);
                long source = sources.timeOf(e.impressionHi, e.impressionLo, EventType.CLICK);
                if (source == TrackerDedup.NOT_SEEN && g != null && g.viewThroughConversions()) {
                    source = sources.timeOf(e.impressionHi, e.impressionLo, EventType.IMPRESSION);
                }
                if (source == TrackerDedup.NOT_SEEN) {
                    return InvalidReason.CONVERSION_WITHOUT_CLICK;
                }
                long window = (g == null ? AdGroup.CONVERSION_WINDOW_DEFAULT_SECONDS : g.conversionWindowSeconds()) * 1000;
                // Sources are kept to the second (rounded down): allow the second they fall in.
                return e.timeMillis - source > window + 999 ? InvalidReason.CONVERSION_OUTSIDE_WINDOW : InvalidReason.NONE;
            }
            default -> {
                return InvalidReason.NONE;
            }
        }
    }

    /**
     * Whether a valid conversion is a goal of its ad group ({@link AdGroup#isGoal}): charged and counted as a conversion.
     * A group no longer in the catalog takes every event as a goal, as it did before it had goals.
     */
    boolean goal(BillingEvent e) {
        AdGroup g = catalog.get().adGroup(e.adGroupId);
        return g == null || g.isGoal(e.eventName, e.eventNameLength);
    }

    /**
     * An event was counted: clicks, and the impressions of view-through ad groups, become conversion sources.
     * Returns false when such a source could not be remembered (its generation is full: its conversions will be refused).
     */
    boolean counted(BillingEvent e) {
        boolean source = e.type == EventType.CLICK;
        if (e.type == EventType.IMPRESSION) {
            AdGroup g = catalog.get().adGroup(e.adGroupId);
            source = g != null && g.viewThroughConversions();
        }
        return !source || sources.add(e.impressionHi, e.impressionLo, e.type, e.timeMillis) != TrackerDedup.Result.FULL;
    }
}
