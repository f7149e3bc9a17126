package io.adengine.model;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class MoneyProperties {

    @Property(tries = 5_000)
    void mulDivShouldEqualBigIntegerFloor(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long a,
                                          @ForAll @LongRange(min = 0, max = 2_000_000_000_000L) long b,
                                          @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long c) {
        BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
        long expected = exact.bitLength() < 64 ? exact.longValue() : Long.MAX_VALUE;

        assertThat(Money.mulDiv(a, b, c)).isEqualTo(expected);
    }
}
