package io.adengine.model;

/** Prepaid accounts spend their balance; post-paid accounts spend against a credit limit (seed 001 §1.5). */
public enum PaymentMode {
    PREPAID, POSTPAID
}
