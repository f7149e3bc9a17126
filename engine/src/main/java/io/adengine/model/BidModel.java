package io.adengine.model;

/**
 * How an ad group bids and is billed. CPM and CPT are brand models when the campaign's objective is
 * brand (guaranteed volume / a booked time slot); CPC and CPA are performance models (seed 001 §3.1.2).
 */
public enum BidModel {
    /** Price per thousand impressions. */
    CPM,
    /** Price per click. */
    CPC,
    /** Price per conversion. */
    CPA,
    /** Price per booked time slot. */
    CPT
}
