package io.adengine.frequency;

import io.adengine.index.FrequencyRule;
import io.adengine.model.FrequencyCap;
import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrequencyCounts} against a model that keeps every counted event's time per (user, counter): over random
 * event sequences (several users and counters, windows from a minute to a year and lifetime, late events, a table
 * that starts at 16 slots and grows), the bucketed count never misses an event of the last window (so a cap is
 * never exceeded) and counts nothing older than eight buckets (the stated over-count: at most a seventh of the
 * window, plus rounding); a lifetime count is exact; a checkpoint round trip reads the same counts.
 */
class FrequencyCountsProperties {

    private static final long[] WINDOWS = {0, 60, 61, 3_600, 86_400, 7 * 86_400L, 30 * 86_400L, FrequencyCap.MAX_WINDOW_SECONDS};
    private static final long START = 1_795_867_200_000L;

    private record Key(long user, long counter) {
    }

    @Test
    void bucketedCountsBracketTheExactSlidingWindow() {
        Property.forAll(300, gen -> check(gen.random(), gen.seed()));
    }

    private static void check(Random r, long seed) throws IOException {
        int userCount = 1 + r.nextInt(40);
        long[] users = new long[userCount];
        for (int i = 0; i < userCount; i++) {
            users[i] = r.nextLong() | 1;
        }
        List<FrequencyRule> rules = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
            long w = WINDOWS[r.nextInt(WINDOWS.length)];
            rules.add(new FrequencyRule(r.nextLong() | 1, 10_000, w, FrequencyCap.Event.IMPRESSION));
        }
        FrequencyCounts counts = new FrequencyCounts(16, 1 << 16);
        Map<Key, List<Long>> model = new HashMap<>();
        long now = START;
        for (int step = 0, steps = 50 + r.nextInt(400); step < steps; step++) {
            // Time moves by anything from nothing to a few windows; some events arrive late.
            long pick = WINDOWS[r.nextInt(WINDOWS.length)];
            now += r.nextInt(3) == 0 ? 0 : (long) (r.nextDouble() * Math.max(60, pick) * 1000 / 3);
            long t = r.nextInt(5) == 0 ? now - (long) (r.nextDouble() * 600_000) : now;
            long user = users[r.nextInt(userCount)];
            FrequencyRule rule = rules.get(r.nextInt(rules.size()));
            counts.count(user, rule, t, false);
            model.computeIfAbsent(new Key(user, rule.counter()), k -> new ArrayList<>()).add(t);
            if (r.nextInt(4) == 0) {
                assertBracketed(counts, model, users, rules, now + (long) (r.nextDouble() * 3_600_000), seed);
            }
        }
        assertBracketed(counts, model, users, rules, now, seed);
        FrequencyCounts read = roundTrip(counts);
        for (long u : users) {
            for (FrequencyRule rule : rules) {
                assertThat(read.count(u, rule, now)).as("seed %d: after a checkpoint round trip", seed).isEqualTo(counts.count(u, rule, now));
            }
        }
        assertThat(counts.dropped()).as("seed %d", seed).isZero();
    }

    private static void assertBracketed(FrequencyCounts counts, Map<Key, List<Long>> model, long[] users, List<FrequencyRule> rules,
                                        long now, long seed) {
        for (long u : users) {
            for (FrequencyRule rule : rules) {
                List<Long> times = model.getOrDefault(new Key(u, rule.counter()), List.of());
                int got = counts.count(u, rule, now);
                long w = rule.windowSeconds();
                if (w == 0) {
                    assertThat(got).as("seed %d: lifetime count", seed).isEqualTo(times.size());
                    continue;
                }
                long nowSeconds = Math.floorDiv(now, 1000);
                long b = FrequencyCounts.bucketSeconds(w);
                long inWindow = times.stream().filter(t -> Math.floorDiv(t, 1000) >= nowSeconds - w && t <= now).count();
                long inEightBuckets = times.stream().filter(t -> Math.floorDiv(t, 1000) > nowSeconds - 8 * b && t <= now).count();
                assertThat((long) got).as("seed %d: window %d s, at least the events of the window", seed, w).isGreaterThanOrEqualTo(inWindow);
                assertThat((long) got).as("seed %d: window %d s, nothing older than eight buckets", seed, w).isLessThanOrEqualTo(inEightBuckets);
                assertThat(8 * b - w).as("the over-count span: a seventh of the window plus rounding").isLessThanOrEqualTo(w / 7 + 8);
            }
        }
    }

    private static FrequencyCounts roundTrip(FrequencyCounts counts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        counts.writeTo(new DataOutputStream(bytes));
        FrequencyCounts read = counts.emptyCopy();
        read.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        return read;
    }

    @Test
    void servedAdsCountAsPendingUntilTheirImpressionOrTheHoldEnds() {
        FrequencyCounts counts = new FrequencyCounts(16, 1 << 10);
        FrequencyRule daily = new FrequencyRule(42, 2, 86_400, FrequencyCap.Event.IMPRESSION);
        long user = 7;
        counts.pending(user, daily, START, START + 5_000);
        counts.pending(user, daily, START + 1_000, START + 6_000);
        assertThat(counts.count(user, daily, START + 1_000)).as("two served, no impression yet").isEqualTo(2);

        counts.count(user, daily, START + 2_000, true);
        assertThat(counts.count(user, daily, START + 2_000)).as("one impression came, one still pending").isEqualTo(2);
        counts.count(user, daily, START + 3_000, true);
        assertThat(counts.count(user, daily, START + 3_000)).as("both impressions came").isEqualTo(2);
        counts.count(user, daily, START + 3_500, true);
        assertThat(counts.count(user, daily, START + 3_500)).as("an impression with nothing pending only counts itself").isEqualTo(3);

        counts.pending(user, daily, START + 10_000, START + 15_000);
        assertThat(counts.count(user, daily, START + 14_999)).isEqualTo(4);
        assertThat(counts.count(user, daily, START + 15_000)).as("the hold ended without an impression").isEqualTo(3);
        assertThat(counts.count(8, daily, START + 15_000)).as("another user").isZero();
    }

    @Test
    void slotsWhoseWindowPassedAreReclaimedSoAFullTableKeepsCounting() {
        // 64 slots at most (44 usable at 70 %): 1,000 users each counted once an hour under an hourly cap fit only because
        // a rehash leaves out the slots whose window passed.
        FrequencyCounts counts = new FrequencyCounts(16, 64);
        FrequencyRule hourly = new FrequencyRule(9, 1, 3_600, FrequencyCap.Event.IMPRESSION);
        FrequencyRule lifetime = new FrequencyRule(10, 1, 0, FrequencyCap.Event.CLICK);
        counts.count(1, lifetime, START, false);
        for (int u = 2; u < 1_002; u++) {
            long t = START + u * 3_600_000L / 20;
            counts.count(u, hourly, t, false);
            assertThat(counts.count(u, hourly, t)).as("user %d", u).isEqualTo(1);
        }
        assertThat(counts.dropped()).isZero();
        assertThat(counts.capacity()).isLessThanOrEqualTo(64);
        assertThat(counts.count(1, lifetime, START + 3_600_000L * 100)).as("a lifetime count is never reclaimed").isEqualTo(1);
    }
}
