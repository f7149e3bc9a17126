package io.adengine.model;

import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class MoneyProperties {

    @Test
    void mulDivShouldEqualBigIntegerFloor() {
        Property.forAll(5_000, gen -> {
            long a = gen.longs(0, Long.MAX_VALUE);
            long b = gen.longs(0, 2_000_000_000_000L);
            long c = gen.longs(1, Long.MAX_VALUE);
            BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
            long expected = exact.bitLength() < 64 ? exact.longValue() : Long.MAX_VALUE;

            assertThat(Money.mulDiv(a, b, c)).as("mulDiv(%d, %d, %d)", a, b, c).isEqualTo(expected);
        });
    }
}
