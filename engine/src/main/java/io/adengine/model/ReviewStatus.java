package io.adengine.model;

/** Review status of an ad group or creative (seed 001 §3.2). Only {@link #APPROVED} serves. */
public enum ReviewStatus {
    TO_BE_SUBMITTED, UNDER_REVIEW, APPROVED, REJECTED
}
