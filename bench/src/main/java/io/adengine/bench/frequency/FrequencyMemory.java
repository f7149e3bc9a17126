package io.adengine.bench.frequency;

import io.adengine.frequency.FrequencyCounts;
import io.adengine.index.FrequencyRule;
import io.adengine.model.FrequencyCap;

import java.util.SplittableRandom;

/**
 * Memory of frequency caps (issue 13): fills a {@link FrequencyCounts} as the pipeline would, with {@code users} users
 * each counted under {@code caps} capped counters (an impression a day of the week for each), then reports the table's
 * bytes per user and per (user, cap), and the time per count and per lookup. Run:
 * {@code java -Xmx8g -cp bench/target/benchmarks.jar io.adengine.bench.frequency.FrequencyMemory 10000000 1}.
 */
public final class FrequencyMemory {

    private FrequencyMemory() {
    }

    public static void main(String[] args) {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int caps = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long pairs = (long) users * caps;
        int maxSlots = Integer.highestOneBit((int) Math.min(1 << 27, pairs * 2)) << 1;
        FrequencyCounts counts = new FrequencyCounts(1 << 16, maxSlots);
        FrequencyRule[] rules = new FrequencyRule[caps];
        for (int c = 0; c < caps; c++) {
            rules[c] = new FrequencyRule(0x5DEECE66DL * (c + 1), 3, 86_400, FrequencyCap.Event.IMPRESSION);
        }
        SplittableRandom r = new SplittableRandom(1);
        long[] keys = new long[users];
        for (int u = 0; u < users; u++) {
            keys[u] = r.nextLong() | 1;
        }
        long now = 1_795_867_200_000L;
        long t0 = System.nanoTime();
        for (int u = 0; u < users; u++) {
            for (FrequencyRule rule : rules) {
                counts.count(keys[u], rule, now + u % 86_400_000, true);
            }
        }
        long t1 = System.nanoTime();
        long found = 0;
        for (int u = 0; u < users; u++) {
            found += counts.count(keys[(int) ((u * 0x9E3779B97F4A7C15L >>> 33) % users)], rules[u % caps], now + 86_400_000L);
        }
        long t2 = System.nanoTime();
        System.out.printf("users %,d, caps per user %d: %,d slots in use of %,d (maxSlots %,d), dropped %,d%n", users, caps, counts.size(),
                counts.capacity(), maxSlots, counts.dropped());
        System.out.printf("table %,d bytes: %.1f bytes per user, %.1f bytes per (user, cap); peak while growing 1.5x that%n",
                counts.bytes(), (double) counts.bytes() / users, (double) counts.bytes() / pairs);
        System.out.printf("count (writer): %.0f ns each; lookup (reader, random users): %.0f ns each (found %,d)%n",
                (double) (t1 - t0) / pairs, (double) (t2 - t1) / users, found);
    }
}
