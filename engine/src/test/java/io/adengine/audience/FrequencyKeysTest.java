package io.adengine.audience;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-composed HMAC equals the JDK's HmacSHA256; keys are stable, case-insensitive, distinct, never 0, none without a GAID. */
class FrequencyKeysTest {

    private static final byte[] TRACKER_KEY = "a-key-of-sixteen-bytes!".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theHmacEqualsTheJdkHmacSha256() throws Exception {
        FrequencyKeys keys = new FrequencyKeys(TRACKER_KEY);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keys.derivedKey(), "HmacSHA256"));
        long seed = Long.getLong("property.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            byte[] data = new byte[r.nextInt(200)];
            r.nextBytes(data);
            assertThat(keys.hmac(data)).as("seed %d, try %d", seed, i).isEqualTo(mac.doFinal(data));
        }
    }

    @Test
    void aGaidHasOneStableKeyAndNoGaidHasNone() {
        FrequencyKeys keys = new FrequencyKeys(TRACKER_KEY);
        String gaid = "38400000-8cf0-11bd-b23e-10b96e40000d";
        long k = keys.of(gaid);
        assertThat(k).isNotZero().isEqualTo(new FrequencyKeys(TRACKER_KEY).of(gaid)).isEqualTo(keys.of(gaid.toUpperCase()));
        assertThat(new FrequencyKeys("another-key-of-16-bytes".getBytes(StandardCharsets.US_ASCII)).of(gaid)).isNotEqualTo(k);
        assertThat(keys.of(null)).isEqualTo(FrequencyKeys.NONE);
        assertThat(keys.of("not-a-gaid")).isEqualTo(FrequencyKeys.NONE);
        assertThat(keys.of("00000000-0000-0000-0000-000000000000")).isEqualTo(FrequencyKeys.NONE);
        Set<Long> seen = new HashSet<>();
        Random r = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            seen.add(keys.of(String.format("%08x-%04x-4%03x-8%03x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x1000), r.nextInt(0x1000),
                    r.nextLong() & 0xFFFFFFFFFFFFL)));
        }
        assertThat(seen).hasSize(10_000).doesNotContain(FrequencyKeys.NONE);
    }
}
