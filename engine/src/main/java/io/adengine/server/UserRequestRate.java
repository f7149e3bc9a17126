package io.adengine.server;

import io.adengine.config.EdgeConfig;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The per-user rate limit of {@code POST /v1/ads} ({@code server.userRateLimit}): a token bucket per user in
 * the form of the generic cell rate algorithm (one "theoretical arrival time" per bucket: a request at
 * {@code t} passes when that time is at most {@code t + (burst - 1) × interval}, and moves it one interval
 * on). Buckets live in a fixed table indexed by a keyed hash of the GAID's 128 bits, so memory is bounded
 * whatever the number of GAIDs, and no GAID is kept in any form that can be reversed or compared across
 * restarts (the hash key is random per process). Users whose hashes share a slot share a bucket. Requests
 * without a usable GAID (missing, not 8-4-4-4-12 hex, or the all-zero id of limited ad tracking) share one
 * anonymous bucket with its own rate. Lock-free (one compare-and-set per request) and allocation-free.
 */
final class UserRequestRate {

    /** Passes everything. */
    static final UserRequestRate OFF = new UserRequestRate(EdgeConfig.UserRateLimit.OFF, System::nanoTime);

    private final boolean enabled;
    private final long intervalNanos;
    private final long toleranceNanos;
    private final long anonymousIntervalNanos;
    private final long anonymousToleranceNanos;
    private final AtomicLongArray users;
    private final AtomicLong anonymous = new AtomicLong();
    private final int mask;
    private final long keyHi;
    private final long keyLo;
    private final LongSupplier nanoClock;
    private final long origin;

    UserRequestRate(EdgeConfig.UserRateLimit config, LongSupplier nanoClock) {
        this.enabled = config.enabled();
        long second = TimeUnit.SECONDS.toNanos(1);
        this.intervalNanos = enabled ? second / config.requestsPerSecond() : 0;
        this.toleranceNanos = (config.burst() - 1L) * intervalNanos;
        this.anonymousIntervalNanos = second / config.anonymousRequestsPerSecond();
        this.anonymousToleranceNanos = (config.anonymousBurst() - 1L) * anonymousIntervalNanos;
        this.users = new AtomicLongArray(enabled ? config.buckets() : 1);
        this.mask = (enabled ? config.buckets() : 1) - 1;
        SecureRandom random = new SecureRandom();
        this.keyHi = random.nextLong();
        this.keyLo = random.nextLong();
        this.nanoClock = nanoClock;
        // Bucket times count from here, so that an untouched bucket (0) is always in the past.
        this.origin = nanoClock.getAsLong() - 1;
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * Counts one request of the user with this GAID ({@code null}: none). Returns 0 when it is within the
     * limit, otherwise how many nanoseconds until the user's next request would be.
     */
    long waitNanos(CharSequence gaid) {
        if (!enabled) {
            return 0;
        }
        long now = nanoClock.getAsLong() - origin;
        long slot = slot(gaid);
        return slot < 0 ? take(anonymous, now, anonymousIntervalNanos, anonymousToleranceNanos)
                : take(users, (int) slot, now, intervalNanos, toleranceNanos);
    }

    private static long take(AtomicLong bucket, long now, long interval, long tolerance) {
        while (true) {
            long tat = bucket.get();
            long wait = tat - now - tolerance;
            if (wait > 0) {
                return wait;
            }
            if (bucket.compareAndSet(tat, Math.max(tat, now) + interval)) {
                return 0;
            }
        }
    }

    private static long take(AtomicLongArray buckets, int i, long now, long interval, long tolerance) {
        while (true) {
            long tat = buckets.get(i);
            long wait = tat - now - tolerance;
            if (wait > 0) {
                return wait;
            }
            if (buckets.compareAndSet(i, tat, Math.max(tat, now) + interval)) {
                return 0;
            }
        }
    }

    /** The table slot of a usable GAID, or -1 for the anonymous bucket. */
    long slot(CharSequence gaid) {
        if (gaid == null) {
            return -1;
        }
        int start = 0;
        int end = gaid.length();
        while (start < end && gaid.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && gaid.charAt(end - 1) <= ' ') {
            end--;
        }
        if (end - start != 36) {
            return -1;
        }
        long hi = 0;
        long lo = 0;
        int nibbles = 0;
        for (int i = 0; i < 36; i++) {
            char c = gaid.charAt(start + i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return -1;
                }
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 'f') {
                return -1;
            }
            if (nibbles++ < 16) {
                hi = hi << 4 | v;
            } else {
                lo = lo << 4 | v;
            }
        }
        if ((hi | lo) == 0) {
            return -1;
        }
        return (mix(hi ^ keyHi) + 31 * mix(lo ^ keyLo)) & mask;
    }

    /** The SplitMix64 finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
