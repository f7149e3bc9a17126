/**
 * Learned click and conversion rates: the pure {@link io.adengine.learn.RateEstimator} (exponentially decayed
 * counts of impressions, clicks and conversions per placement type, campaign, ad group and creative, each
 * level shrunk toward the one above it, the config prior at the top), and {@link io.adengine.learn.LearnedRates},
 * which feeds it off the serving threads, publishes per-ordinal rates into the serving side at an interval
 * (a {@link io.adengine.match.RateSource}: lock-free, allocation-free reads), explores, and persists its state.
 * Keyed by catalog id, never by snapshot ordinal.
 */
package io.adengine.learn;
