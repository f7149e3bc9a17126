package io.adengine.match;

import io.adengine.model.NotServedReason;

import java.util.Arrays;

/**
 * Why a decision came out as it did: how many ad groups each filter stage removed (stages run in
 * {@link FilterStage} order), how many candidates reached the auction, and, for one named ad group,
 * the first reason it did not serve ({@code null} when it served).
 */
public final class Explain {

    private final long[] removed = new long[FilterStage.values().length];
    private long totalAdGroups;
    private long auctionCandidates;
    private long adGroupId;
    private NotServedReason reason;

    void reset(long totalAdGroups) {
        Arrays.fill(removed, 0);
        this.totalAdGroups = totalAdGroups;
        auctionCandidates = 0;
        adGroupId = 0;
        reason = null;
    }

    void removed(FilterStage stage, long count) {
        removed[stage.ordinal()] += count;
    }

    void auctionCandidates(long count) {
        auctionCandidates = count;
    }

    void adGroup(long adGroupId, NotServedReason reason) {
        this.adGroupId = adGroupId;
        this.reason = reason;
    }

    /** How many ad groups a stage removed. */
    public long removed(FilterStage stage) {
        return removed[stage.ordinal()];
    }

    public long totalAdGroups() {
        return totalAdGroups;
    }

    /** Candidates that passed every filter and entered the auction. */
    public long auctionCandidates() {
        return auctionCandidates;
    }

    /** The ad group asked about, or {@code 0}. */
    public long adGroupId() {
        return adGroupId;
    }

    /** First reason the asked-about ad group did not serve; {@code null} if it served or none was asked. */
    public NotServedReason reason() {
        return reason;
    }
}
