package io.adengine.match;

import io.adengine.model.Creative;

/**
 * The result of one decision, reused across requests by its owning thread. Slot {@code i} (0 until
 * {@link #filled()}) is the i-th ad of the answer, best first.
 */
public final class Decision {

    Outcome outcome = Outcome.NO_FILL;
    int filled;
    final int[] ordinals = new int[AdRequest.MAX_COUNT];
    final long[] ecpm = new long[AdRequest.MAX_COUNT];
    final long[] clearingCpm = new long[AdRequest.MAX_COUNT];
    final long[] charge = new long[AdRequest.MAX_COUNT];
    final int[] ctrPpm = new int[AdRequest.MAX_COUNT];
    final int[] cvrPpm = new int[AdRequest.MAX_COUNT];
    final int[] assets = new int[AdRequest.MAX_COUNT];
    final Creative[] creatives = new Creative[AdRequest.MAX_COUNT];
    final Explain explain = new Explain();
    boolean explained;
    long userKey;

    void reset() {
        outcome = Outcome.NO_FILL;
        filled = 0;
        userKey = FrequencyGate.NO_USER;
        explained = false;
        java.util.Arrays.fill(creatives, null);
    }

    public Outcome outcome() {
        return outcome;
    }

    /**
     * The request's frequency key when one of the answer's ads is frequency-capped (its trackers carry it so the
     * pipeline can count the user's events), else {@link FrequencyGate#NO_USER}.
     */
    public long userKey() {
        return userKey;
    }

    /** Number of ads in the answer. */
    public int filled() {
        return filled;
    }

    /** Snapshot ordinal of the ad group in slot i. */
    public int ordinal(int slot) {
        return ordinals[slot];
    }

    /** eCPM the ad ranked with, micros of the auction currency. */
    public long ecpm(int slot) {
        return ecpm[slot];
    }

    /** The eCPM it clears at (second price for performance ads), micros of the auction currency. */
    public long clearingCpm(int slot) {
        return clearingCpm[slot];
    }

    /** What one billing unit (thousand impressions, click, conversion, slot) costs, account-currency micros. */
    public long chargePerUnit(int slot) {
        return charge[slot];
    }

    /** The pCTR (parts per million) the ad ranked and was priced with: learned, or its placement's prior. */
    public int ctrPpm(int slot) {
        return ctrPpm[slot];
    }

    /** The pCVR (parts per million) the ad ranked and was priced with: learned, or its placement's prior. */
    public int cvrPpm(int slot) {
        return cvrPpm[slot];
    }

    /** The title, description, button and image of slot i's creative, packed as {@link AssetChoice}. */
    public int assets(int slot) {
        return assets[slot];
    }

    /** The creative chosen for slot i. */
    public Creative creative(int slot) {
        return creatives[slot];
    }

    /**
     * Keeps slot {@code slot} alone, as the answer's only ad (a VAST or OpenRTB answer that takes the best ad of a
     * kind, e.g. the best with a video creative); its price stays what the auction set.
     */
    public void keepOnly(int slot) {
        if (slot < 0 || slot >= filled) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + filled);
        }
        ordinals[0] = ordinals[slot];
        ecpm[0] = ecpm[slot];
        clearingCpm[0] = clearingCpm[slot];
        charge[0] = charge[slot];
        creatives[0] = creatives[slot];
        java.util.Arrays.fill(creatives, 1, creatives.length, null);
        filled = 1;
    }

    /** The explanation, when the request asked for one; otherwise {@code null}. */
    public Explain explain() {
        return explained ? explain : null;
    }
}
