package io.adengine.events;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frequency key is the first 64 bits of the JDK's AES over the GAID's bytes (checked against a plain Cipher on
 * UUID bytes); keys are stable, case-insensitive, distinct, never 0, none without a usable GAID; computing one
 * allocates nothing.
 */
class FrequencyKeysTest {

    private static final byte[] TRACKER_KEY = "a-key-of-sixteen-bytes!".getBytes(StandardCharsets.US_ASCII);

    private static String randomGaid(Random r) {
        return String.format("%08x-%04x-4%03x-8%03x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x1000), r.nextInt(0x1000),
                r.nextLong() & 0xFFFFFFFFFFFFL);
    }

    @Test
    void theKeyIsTheFirstHalfOfAesOverTheGaidsBytes() throws Exception {
        FrequencyKeys keys = new FrequencyKeys(TRACKER_KEY);
        Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, keys.derivedKey());
        long seed = Long.getLong("property.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            String gaid = randomGaid(r);
            java.util.UUID uuid = java.util.UUID.fromString(gaid);
            byte[] block = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
            long expected = java.nio.ByteBuffer.wrap(aes.doFinal(block)).getLong();
            assertThat(keys.of(gaid)).as("seed %d, %s", seed, gaid).isEqualTo(expected == 0 ? 1 : expected);
        }
    }

    @Test
    void aGaidHasOneStableKeyAndNoGaidHasNone() {
        FrequencyKeys keys = new FrequencyKeys(TRACKER_KEY);
        String gaid = "38400000-8cf0-11bd-b23e-10b96e40000d";
        long k = keys.of(gaid);
        assertThat(k).isNotZero().isEqualTo(new FrequencyKeys(TRACKER_KEY).of(gaid)).isEqualTo(keys.of(" " + gaid.toUpperCase() + " "));
        assertThat(new FrequencyKeys("another-key-of-16-bytes".getBytes(StandardCharsets.US_ASCII)).of(gaid)).isNotEqualTo(k);
        assertThat(keys.of(null)).isEqualTo(FrequencyKeys.NONE);
        assertThat(keys.of("not-a-gaid")).isEqualTo(FrequencyKeys.NONE);
        assertThat(keys.of("00000000-0000-0000-0000-000000000000")).isEqualTo(FrequencyKeys.NONE);
        Set<Long> seen = new HashSet<>();
        Random r = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            seen.add(keys.of(randomGaid(r)));
        }
        assertThat(seen).hasSize(10_000).doesNotContain(FrequencyKeys.NONE);
    }

    @Test
    void computingAKeyAllocatesNothing() {
        FrequencyKeys keys = new FrequencyKeys(TRACKER_KEY);
        String[] gaids = new String[64];
        Random r = new Random(2);
        for (int i = 0; i < gaids.length; i++) {
            gaids[i] = randomGaid(r);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += keys.of(gaids[i & 63]);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sum += keys.of(gaids[i & 63]);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes for 100,000 keys (checksum %d)", sum).isLessThan(100_000);
    }
}
