package io.adengine.events;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The primitive rollup table against a {@code Map}-keyed model on random adds: few distinct values per
 * field (so keys collide in the hash and differ in one field only) and enough cells to grow the table
 * several times. {@code -Dproperty.seed=N} replays one seed.
 */
class RollupTableTest {

    @Test
    void tableShouldHoldExactlyTheModelsSums() {
        long seed = Long.getLong("property.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int round = 0; round < 20; round++) {
            RollupTable table = new RollupTable();
            Map<List<Long>, long[]> model = new HashMap<>();
            int adds = 1 + r.nextInt(40_000);
            int spread = 1 + r.nextInt(20);
            for (int i = 0; i < adds; i++) {
                long[] k = new long[RollupTable.KEY_LONGS];
                for (int f = 0; f < k.length; f++) {
                    k[f] = r.nextInt(spread) * (f == 0 ? 65_537L : 1L) - (r.nextInt(8) == 0 ? Long.MIN_VALUE : 0);
                }
                int counter = r.nextInt(RollupTable.COUNTERS);
                long delta = 1 + r.nextInt(1_000);
                table.add(k[0], k[1], k[2], k[3], k[4], k[5], k[6], counter, delta);
                model.computeIfAbsent(List.of(k[0], k[1], k[2], k[3], k[4], k[5], k[6]), x -> new long[RollupTable.COUNTERS])[counter] += delta;
            }
            Map<List<Long>, long[]> found = new HashMap<>();
            RollupTable.Table t = table.table();
            for (int i = 0; i < t.slots(); i++) {
                if (t.used(i)) {
                    long[] counts = new long[RollupTable.COUNTERS];
                    for (int c = 0; c < counts.length; c++) {
                        counts[c] = t.count(i, c);
                    }
                    List<Long> key = List.of(t.key(i, 0), t.key(i, 1), t.key(i, 2), t.key(i, 3), t.key(i, 4), t.key(i, 5), t.key(i, 6));
                    assertThat(found.put(key, counts)).as("seed %d: key %s held twice", seed, key).isNull();
                }
            }
            assertThat(found.keySet()).as("seed %d, round %d", seed, round).isEqualTo(model.keySet());
            model.forEach((k, v) -> assertThat(found.get(k)).as("seed %d, key %s", seed, k).containsExactly(v));
            assertThat(table.size()).isEqualTo(model.size());
        }
    }
}
