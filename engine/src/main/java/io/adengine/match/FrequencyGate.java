package io.adengine.match;

import io.adengine.index.FrequencyRule;

/**
 * Frequency caps on the serving path: the request's frequency key (a pseudonymous per-user key, never the GAID)
 * and the counts of one user's counters. Read on the serving threads: implementations are lock-free and
 * allocation-free.
 */
public interface FrequencyGate {

    /** What {@link #userKey} answers for a request without a usable user id. */
    long NO_USER = 0;

    /**
     * No counts: nobody has had anything, so a known user passes every cap, and an unknown one passes only
     * groups with {@code capUnknownUsers} (the decider's own rule). Engines without the events pipeline.
     */
    FrequencyGate NONE = new FrequencyGate() {
        @Override
        public long userKey(AdRequest request) {
            return NO_USER;
        }

        @Override
        public int count(long userKey, FrequencyRule rule, long nowMillis) {
            return 0;
        }
    };

    /**
     * The request's frequency key, or {@link #NO_USER} when it has no usable GAID (absent, malformed, all zero).
     * Called only when the request's privacy signals allow user data.
     */
    long userKey(AdRequest request);

    /** How many of the rule's events the user has had in its window (including served ads whose impression may still come). */
    int count(long userKey, FrequencyRule rule, long nowMillis);

    /** Whether every rule of an ordinal lets this user see it once more. */
    default boolean allows(FrequencyRule[] rules, long userKey, long nowMillis) {
        for (FrequencyRule r : rules) {
            if (count(userKey, r, nowMillis) >= r.max()) {
                return false;
            }
        }
        return true;
    }
}
