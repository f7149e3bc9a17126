package io.adengine.server;

import io.adengine.config.EdgeConfig;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-user token buckets against a plain model: a user gets exactly {@code burst} requests at once,
 * then one per interval; GAIDs are normalised (blanks, case) before hashing; unusable ones share the
 * anonymous bucket; slots stay inside the fixed table.
 */
class UserRequestRateTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    private UserRequestRate limit(int perSecond, int burst) {
        return new UserRequestRate(new EdgeConfig.UserRateLimit(perSecond, burst, 10, 3, 1 << 10, EdgeConfig.WhenExceeded.NO_FILL), nanos::get);
    }

    @Test
    void aUserShouldGetItsBurstThenOneRequestPerInterval() {
        UserRequestRate rate = limit(4, 5);
        String user = "38400000-8cf0-11bd-b23e-10b96e40000d";
        for (int i = 0; i < 5; i++) {
            assertThat(rate.waitNanos(user)).isZero();
        }
        long wait = rate.waitNanos(user);
        assertThat(wait).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));

        nanos.addAndGet(wait - 1);
        assertThat(rate.waitNanos(user)).isEqualTo(1);
        nanos.addAndGet(1);
        assertThat(rate.waitNanos(user)).isZero();
        assertThat(rate.waitNanos(user)).isPositive();
    }

    @Test
    void aRandomStreamShouldPassExactlyWhatAReferenceBucketPasses() {
        UserRequestRate rate = limit(10, 3);
        String user = "aaaaaaaa-8cf0-11bd-b23e-10b96e40000d";
        Random random = new Random(7);
        // Reference: a token bucket holding up to 3 tokens, refilled by one every 100 ms, in exact arithmetic.
        double tokens = 3;
        long last = nanos.get();
        for (int i = 0; i < 2_000; i++) {
            nanos.addAndGet(random.nextInt(60_000_000));
            tokens = Math.min(3, tokens + (nanos.get() - last) / 100_000_000.0);
            last = nanos.get();
            boolean expected = tokens >= 1 - 1e-9;
            if (expected) {
                tokens -= 1;
            }
            assertThat(rate.waitNanos(user) == 0).as("request %d", i).isEqualTo(expected);
        }
    }

    @Test
    void gaidsShouldBeNormalisedAndUnusableOnesAnonymous() {
        UserRequestRate rate = limit(1, 1);
        String gaid = "38400000-8cf0-11bd-b23e-10b96e40000d";
        assertThat(rate.slot(gaid)).isEqualTo(rate.slot(" " + gaid.toUpperCase() + "\t"));
        assertThat(rate.slot(null)).isEqualTo(-1);
        assertThat(rate.slot("")).isEqualTo(-1);
        assertThat(rate.slot("00000000-0000-0000-0000-000000000000")).isEqualTo(-1);
        assertThat(rate.slot("38400000x8cf0-11bd-b23e-10b96e40000d")).isEqualTo(-1);
        assertThat(rate.slot("3840000g-8cf0-11bd-b23e-10b96e40000d")).isEqualTo(-1);
        assertThat(rate.slot("38400000-8cf0-11bd-b23e-10b96e40000d0")).isEqualTo(-1);
    }

    @Test
    void slotsShouldStayInTheTableAndSpreadOverIt() {
        UserRequestRate rate = limit(1, 1);
        Random random = new Random(3);
        Set<Long> used = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String gaid = String.format("%08x-%04x-%04x-%04x-%012x", random.nextInt(), random.nextInt(0x10000), random.nextInt(0x10000),
                    random.nextInt(0x10000), random.nextLong() & 0xFFFFFFFFFFFFL);
            long slot = rate.slot(gaid);
            assertThat(slot).isBetween(0L, 1023L);
            used.add(slot);
        }
        assertThat(used).hasSizeGreaterThan(1_000);
    }

    @Test
    void checkingALimitShouldAllocateNothing() {
        UserRequestRate rate = new UserRequestRate(EdgeConfig.UserRateLimit.DEFAULTS, System::nanoTime);
        String[] users = new String[64];
        Random random = new Random(9);
        for (int i = 0; i < users.length; i++) {
            users[i] = String.format("%08x-%04x-%04x-%04x-%012x", random.nextInt(), random.nextInt(0x10000), random.nextInt(0x10000),
                    random.nextInt(0x10000), random.nextLong() & 0xFFFFFFFFFFFFL);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += rate.waitNanos(users[i & 63]);
        }
        // Zero per call: the bound leaves room for the measurement's own constant few hundred bytes, not for 200,000 objects.
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200_000; i++) {
            sink += rate.waitNanos(i % 3 == 0 ? null : users[i & 63]);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 200,000 checks (sink %d)", sink).isLessThan(4_096);
    }

    @Test
    void theLimitOffShouldPassEverything() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(UserRequestRate.OFF.waitNanos("38400000-8cf0-11bd-b23e-10b96e40000d")).isZero();
        }
    }
}
