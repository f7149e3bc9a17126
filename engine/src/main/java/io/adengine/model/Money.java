package io.adengine.model;

import java.math.BigInteger;

/** Exact integer arithmetic on micros. */
public final class Money {

    /**
     * The largest amount one money field of the catalog may hold (balances, credit limits, budgets, floors):
     * 10^17 micros, 100 billion currency units. Sums the engine forms (balance + credit, spend + reservations)
     * then stay far inside a long instead of wrapping to a negative spendable amount.
     */
    public static final long MAX_AMOUNT_MICROS = 100_000_000_000_000_000L;

    private Money() {
    }

    /**
     * {@code floor(a * b / c)} for non-negative {@code a}, {@code b} and positive {@code c}, exact even
     * when {@code a * b} does not fit a long (that rare case takes a slower path). Saturates at
     * {@link Long#MAX_VALUE}.
     */
    public static long mulDiv(long a, long b, long c) {
        if (a < 0 || b < 0 || c <= 0) {
            throw new IllegalArgumentException("mulDiv needs a >= 0, b >= 0, c > 0");
        }
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c;
        }
        BigInteger q = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
        return q.bitLength() < 64 ? q.longValue() : Long.MAX_VALUE;
    }
}
