package io.adengine.events;

import io.adengine.index.Snapshot;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;

/**
 * Where the serving path reports the ads of an answer once it has rendered: the event pipeline reserves
 * each ad's expected cost and publishes a served event per impression. Called on the serving thread:
 * implementations take no lock and do no I/O.
 */
@FunctionalInterface
public interface ServedAds {

    /** No event pipeline: nothing is reserved or recorded. */
    ServedAds NONE = (snapshot, request, decision, impressions) -> { };

    void served(Snapshot snapshot, AdRequest request, Decision decision, Impressions impressions);
}
