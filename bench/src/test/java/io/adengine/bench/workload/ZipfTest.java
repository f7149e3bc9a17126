package io.adengine.bench.workload;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ZipfTest {

    @Test
    void nextShouldFollowTheZipfProbabilitiesWhenComparedWithTheExactDistribution() {
        int n = 50;
        double s = 1.0;
        Zipf zipf = new Zipf(n, s);
        SplittableRandom random = new SplittableRandom(5);
        int draws = 200_000;
        int[] counts = new int[n];
        for (int i = 0; i < draws; i++) {
            counts[zipf.nextInt(random)]++;
        }
        double norm = 0;
        for (int k = 1; k <= n; k++) {
            norm += Math.pow(k, -s);
        }
        for (int k : new int[] {1, 2, 5, 20, 50}) {
            double expected = Math.pow(k, -s) / norm;
            assertThat(counts[k - 1] / (double) draws).isCloseTo(expected, within(0.1 * expected + 0.001));
        }
    }

    @Test
    void nextShouldStayInRangeWhenPopulationIsHuge() {
        Zipf zipf = new Zipf(100_000_000L, 0.9);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(zipf.next(random)).isBetween(0L, 99_999_999L);
        }
    }
}
