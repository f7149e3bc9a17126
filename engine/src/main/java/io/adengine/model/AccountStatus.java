package io.adengine.model;

/** Review status of an account; only {@link #APPROVED} accounts serve. */
public enum AccountStatus {
    PENDING, APPROVED, REJECTED, SUSPENDED
}
