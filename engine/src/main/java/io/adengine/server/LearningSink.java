package io.adengine.server;

import io.adengine.events.BillingEvent;
import io.adengine.events.EventPipeline;
import io.adengine.learn.LearnedRates;
import io.adengine.learn.RateEstimator;

/**
 * Feeds counted (journaled, deduplicated) impressions, clicks and goal conversions to the learned rates, on the
 * event pipeline's last handler thread, before the next sink (Kafka, or none). Never on a serving thread.
 */
final class LearningSink implements EventPipeline.EventSink {

    private final LearnedRates learned;
    private final EventPipeline.EventSink next;

    private LearningSink(LearnedRates learned, EventPipeline.EventSink next) {
        this.learned = learned;
        this.next = next;
    }

    static EventPipeline.EventSink before(LearnedRates learned, EventPipeline.EventSink next) {
        return new LearningSink(learned, next);
    }

    @Override
    public void accept(BillingEvent e, boolean endOfBatch) {
        if (e != null) {
            RateEstimator.Kind kind = switch (e.type()) {
                case IMPRESSION -> RateEstimator.Kind.IMPRESSION;
                case CLICK -> RateEstimator.Kind.CLICK;
                // Only goal conversions teach the conversion rate CPA bids are priced by.
                case CONVERSION -> e.goal() ? RateEstimator.Kind.CONVERSION : null;
                default -> null;
            };
            if (kind != null) {
                learned.observe(kind, e.adSpaceId(), e.campaignId(), e.adGroupId(), e.creativeId(), e.timeMillis(),
                        (int) (e.impressionHi() >>> 32 & 0xffff));
            }
        }
        if (next != EventPipeline.EventSink.NONE) {
            next.accept(e, endOfBatch);
        }
    }

    @Override
    public void close() {
        next.close();
    }
}
