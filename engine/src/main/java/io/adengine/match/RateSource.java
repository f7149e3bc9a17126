package io.adengine.match;

import io.adengine.index.SegmentRates;
import io.adengine.index.Snapshot;

/**
 * Where the decider finds learned click and conversion rates (the {@code learn} package publishes them).
 * Read on the serving path: implementations must be lock-free and allocation-free.
 */
@FunctionalInterface
public interface RateSource {

    /** No learned rates: every ad ranks with its placement's priors from config. */
    RateSource PRIORS = (snapshot, segment, request) -> null;

    /**
     * The rates segment {@code segment} of {@code snapshot} ranks with for this request (the request's seed
     * may choose an exploring variant), or {@code null} for the placement priors.
     */
    SegmentRates rates(Snapshot snapshot, int segment, AdRequest request);
}
