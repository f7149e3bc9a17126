package io.adengine.audience;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class UserIdTableTest {

    private static byte[] randomKey(SplittableRandom r) {
        byte[] k = new byte[16];
        ByteBuffer.wrap(k).putLong(r.nextLong()).putLong(r.nextLong());
        return k;
    }

    @Test
    void idOfShouldAgreeWithAHashMapWhenTheTableGrowsFromTinyAndKeysCollideInTheirHighBytes() {
        SplittableRandom r = new SplittableRandom(7);
        UserIdTable table = new UserIdTable(0);
        Map<ByteBuffer, Integer> oracle = new HashMap<>();
        List<byte[]> keys = new ArrayList<>();
        for (int id = 0; id < 50_000; id++) {
            byte[] k = randomKey(r);
            if (id % 3 == 0) {
                // Hand-made keys share their first 8 bytes: the hash must still spread them.
                ByteBuffer.wrap(k).putLong(0, 42L);
            }
            table.add(k, id);
            oracle.put(ByteBuffer.wrap(k), id);
            keys.add(k);
        }
        assertThat(table.size()).isEqualTo(oracle.size());
        for (byte[] k : keys) {
            assertThat(table.idOf(k)).isEqualTo(oracle.get(ByteBuffer.wrap(k)));
        }
        for (int i = 0; i < 50_000; i++) {
            byte[] k = randomKey(r);
            assertThat(table.idOf(k)).isEqualTo(oracle.getOrDefault(ByteBuffer.wrap(k), UserIdTable.UNKNOWN));
        }
    }

    @Test
    void addShouldAcceptIdsOutOfOrderWhenFilledFromAnUnorderedScan() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 5_000;
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = randomKey(r);
        }
        UserIdTable table = new UserIdTable(16);
        for (int i = n - 1; i >= 0; i--) {
            table.add(keys[i], i);
        }
        for (int i = 0; i < n; i++) {
            assertThat(table.idOf(keys[i])).isEqualTo(i);
        }
    }

    @Test
    void readersShouldOnlyEverSeeTheRightIdWhileOneWriterAddsAndGrows() throws Exception {
        int n = 200_000;
        byte[][] keys = new byte[n][];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            keys[i] = randomKey(r);
        }
        UserIdTable table = new UserIdTable(0);
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            SplittableRandom rr = new SplittableRandom(5);
            long seen = 0;
            while (seen < n && wrong.get() == null) {
                int i = rr.nextInt(n);
                int id = table.idOf(keys[i]);
                // A key is either not yet visible, or visible with exactly its own id (a complete key row).
                if (id != UserIdTable.UNKNOWN && id != i) {
                    wrong.set("key " + i + " resolved to " + id);
                }
                if (id == i) {
                    seen++;
                }
            }
        });
        reader.start();
        for (int i = 0; i < n; i++) {
            table.add(keys[i], i);
        }
        reader.join(60_000);
        assertThat(wrong.get()).isNull();
        for (int i = 0; i < n; i++) {
            assertThat(table.idOf(keys[i])).isEqualTo(i);
        }
    }
}
