package io.adengine.events;

import io.adengine.match.AdRequest;

/**
 * The impressions of one answer, minted after the decision and before rendering: per slot, the
 * impression id (128 random bits, the first 16 of which carry the request's country) and the signed
 * tracker token. Reused by its owning serving thread, like the decision it belongs to.
 */
public final class Impressions {

    int count;
    long expiresEpochSeconds;
    final long[] hi = new long[AdRequest.MAX_COUNT];
    final long[] lo = new long[AdRequest.MAX_COUNT];
    final String[] ids = new String[AdRequest.MAX_COUNT];
    final String[] tokens = new String[AdRequest.MAX_COUNT];

    /** How many impressions (the decision's filled slots). */
    public int count() {
        return count;
    }

    /** When the slots' tracker tokens expire, epoch seconds. */
    public long expiresEpochSeconds() {
        return expiresEpochSeconds;
    }

    /** The high 64 bits of slot i's impression id. */
    public long hi(int slot) {
        return hi[slot];
    }

    /** The low 64 bits of slot i's impression id. */
    public long lo(int slot) {
        return lo[slot];
    }

    /** Slot i's impression id: 32 lower-case hex digits. */
    public String id(int slot) {
        return ids[slot];
    }

    /** Slot i's signed tracker token. */
    public String token(int slot) {
        return tokens[slot];
    }
}
