package io.adengine.testing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The property runner itself: failures name a seed that replays them, and the generators reach their edges. */
class PropertyTest {

    @Test
    void forAllShouldRunEveryTryWithItsOwnSeed() {
        assumeFalse(Property.replaying(), "-Dproperty.seed runs one try only");
        Set<Long> seeds = new HashSet<>();

        Property.forAll(500, gen -> seeds.add(gen.seed()));

        assertThat(seeds).hasSize(500);
    }

    @Test
    void aFailureShouldNameTheTryAndASeedThatDrawsTheSameInputs() {
        assumeFalse(Property.replaying(), "-Dproperty.seed runs one try only");
        List<Long> drawn = new ArrayList<>();

        Throwable failure = catchThrowable(() -> Property.forAll(1_000, gen -> {
            long v = gen.longs(0, 1_000_000);
            drawn.add(v);
            assertThat(v % 7).isNotEqualTo(3);
        }));

        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("try " + drawn.size() + " of 1000, seed ")
                .hasMessageContaining("-Dproperty.seed=");
        long seed = Long.parseLong(failure.getMessage().replaceAll("(?s).*-Dproperty\\.seed=(-?[0-9]+).*", "$1"));
        assertThat(new Property.Gen(seed).longs(0, 1_000_000)).isEqualTo(drawn.get(drawn.size() - 1));
    }

    @Test
    void longsShouldStayInTheRangeAndReachItsEndsAndSmallValues() {
        Property.Gen gen = new Property.Gen(42);
        Set<Long> seen = new HashSet<>();
        int small = 0;
        for (int i = 0; i < 2_000; i++) {
            long v = gen.longs(1, Long.MAX_VALUE);
            assertThat(v).isBetween(1L, Long.MAX_VALUE);
            seen.add(v);
            if (v < 1L << 32) {
                small++;
            }
        }
        assertThat(seen).contains(1L, 2L, Long.MAX_VALUE, Long.MAX_VALUE - 1);
        assertThat(small).as("values under 2^32 of 2000").isGreaterThan(400);
    }

    @Test
    void anyLongShouldReachBothEndsOfLong() {
        Property.Gen gen = new Property.Gen(7);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            seen.add(gen.anyLong());
        }
        assertThat(seen).contains(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L);
    }

    @Test
    void listsShouldReachTheShortestAndLongestSizes() {
        Property.Gen gen = new Property.Gen(3);
        Set<Integer> sizes = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int size = gen.lists(0, 400, () -> 1).size();
            assertThat(size).isBetween(0, 400);
            sizes.add(size);
        }
        assertThat(sizes).contains(0, 1, 400);
    }
}
