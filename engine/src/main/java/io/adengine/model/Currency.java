package io.adengine.model;

/** Settlement currencies an account may hold (seed 001 §1.2.1). Amounts are micros of the currency. */
public enum Currency {
    USD, RMB, INR
}
