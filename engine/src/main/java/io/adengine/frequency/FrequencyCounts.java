package io.adengine.frequency;

import io.adengine.index.FrequencyRule;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-user counts of the events frequency caps count: an open-addressing hash table of slots keyed by
 * (frequency key, counter), written by one thread (the events pipeline's frequency handler) and read by any number
 * of serving threads without locks or allocation.
 *
 * <p><b>Windows are bucketed.</b> A cap over W seconds counts in buckets of {@code b = ceil(W / 7)} seconds, eight
 * of them in a ring: the count at time t is the sum of the buckets from {@code floor(t/b) - 7} to {@code floor(t/b)},
 * which covers every event of the last W seconds plus those of at most b seconds before that. So a cap never lets a
 * user have more than its max in any W seconds, and may hold an ad back up to W/7 (plus a few seconds of rounding)
 * longer than an exact sliding window would: for a daily cap, at most 3.4 hours. A lifetime cap (W = 0) is one counter.
 * Counts saturate at 65,535 (caps are at most 10,000).
 *
 * <p><b>Served ads count until their impression comes.</b> An impression cap also counts the user's served ads whose
 * impression tracker has not arrived yet ("pending"), for the reservation hold after the last of them; each counted
 * impression takes one pending off. So a burst of requests cannot be served past the cap while its impressions are
 * still on their way; a served ad whose impression never comes stops counting when the hold ends.
 *
 * <p><b>Layout.</b> A slot is six longs (48 bytes): frequency key (0: empty), counter, newest bucket number, pending
 * (16 bits) with its end (epoch millis, 48 bits), and eight 16-bit bucket counts. The table grows by rehashing into
 * a new array, published through a volatile field, when it is 70 % full; a rehash leaves out slots whose window has
 * passed (their count is 0). A table at {@code maxSlots} drops the counts of new (user, counter) pairs and counts
 * them ({@link #dropped}): those users are then under-counted, so size it to the users times capped counters a day.
 *
 * <p><b>Reads racing the writer</b> see each long whole (acquire/release accesses); a read between the writer's stores
 * of one event may see the newest bucket number moved before the stale buckets are cleared, which over-counts for
 * that instant (never under-counts): the writer moves the number first.
 */
public final class FrequencyCounts {

    static final int STRIDE = 6;
    private static final int USER = 0;
    private static final int COUNTER = 1;
    private static final int NEWEST = 2;
    private static final int PENDING = 3;
    private static final int COUNTS = 4;
    static final int BUCKETS = 8;
    private static final int MAX = 0xffff;
    private static final double LOAD = 0.7;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int FORMAT = 1;
    // The NEWEST word: the bucket width in seconds (high 24 bits; 0 for a lifetime slot), the newest bucket number (low 40).
    private static final int NUMBER_BITS = 40;
    private static final long NUMBER_MASK = (1L << NUMBER_BITS) - 1;

    private final int minSlots;
    private final int maxSlots;
    private volatile long[] table;
    // Writer-only state.
    private int used;
    private long latestMillis;
    private long dropped;

    /**
     * @param initialSlots slots to start with (rounded up to a power of two, at least 16)
     * @param maxSlots     the most slots the table may grow to (a power of two at least {@code initialSlots}'s)
     */
    public FrequencyCounts(int initialSlots, int maxSlots) {
        this.minSlots = powerOfTwoAtLeast(Math.max(16, initialSlots));
        this.maxSlots = Math.max(minSlots, powerOfTwoAtLeast(maxSlots));
        this.table = new long[minSlots * STRIDE];
    }

    private static int powerOfTwoAtLeast(int n) {
        int p = Integer.highestOneBit(Math.max(1, n));
        return p == n ? p : p << 1;
    }

    /** The bucket width of a window in seconds; 0 for a lifetime cap (one counter). */
    static long bucketSeconds(long windowSeconds) {
        return windowSeconds == 0 ? 0 : (windowSeconds + BUCKETS - 2) / (BUCKETS - 1);
    }

    private static int slotOf(long user, long counter, int mask) {
        long h = user * 0x9E3779B97F4A7C15L ^ counter;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ h >>> 32) & mask;
    }

    // ------------------------------------------------------------------ readers (any thread)

    /** How many of a rule's events this user has had in its window as of {@code nowMillis}, pending served ads included. */
    public int count(long user, FrequencyRule rule, long nowMillis) {
        long[] t = table;
        int mask = t.length / STRIDE - 1;
        long counter = rule.counter();
        for (int i = slotOf(user, counter, mask), probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            int base = i * STRIDE;
            long u = (long) LONGS.getAcquire(t, base + USER);
            if (u == 0) {
                return 0;
            }
            if (u == user && t[base + COUNTER] == counter) {
                return countAt(t, base, bucketSeconds(rule.windowSeconds()), nowMillis);
            }
        }
        return 0;
    }

    private static int countAt(long[] t, int base, long bucketSeconds, long nowMillis) {
        int sum;
        if (bucketSeconds == 0) {
            sum = bucket(t, base, 0);
        } else {
            long now = Math.floorDiv(Math.floorDiv(nowMillis, 1000), bucketSeconds);
            long newest = (long) LONGS.getAcquire(t, base + NEWEST) & NUMBER_MASK;
            sum = 0;
            for (long k = Math.max(newest, now) - (BUCKETS - 1), end = Math.min(newest, now); k <= end; k++) {
                sum += bucket(t, base, Math.floorMod(k, BUCKETS));
            }
        }
        long pending = (long) LONGS.getAcquire(t, base + PENDING);
        if (nowMillis < pending >>> 16) {
            sum += (int) (pending & MAX);
        }
        return sum;
    }

    private static int bucket(long[] t, int base, int k) {
        long word = (long) LONGS.getAcquire(t, base + COUNTS + (k >> 2));
        return (int) (word >>> ((k & 3) << 4) & MAX);
    }

    /** Slots in use (a writer's figure; racy from other threads). */
    public int size() {
        return used;
    }

    /** Slots the table has now. */
    public int capacity() {
        return table.length / STRIDE;
    }

    /** Bytes the table's array takes. */
    public long bytes() {
        return (long) table.length * Long.BYTES;
    }

    /** Counts dropped because the table was full at its largest. */
    public long dropped() {
        return dropped;
    }

    // ------------------------------------------------------------------ the writer (one thread)

    /**
     * Counts one event of a rule's kind for a user at {@code eventMillis}; for an impression, also takes one pending
     * served ad off (when {@code resolvesPending}). Events older than the window's reach are ignored.
     */
    public void count(long user, FrequencyRule rule, long eventMillis, boolean resolvesPending) {
        long b = bucketSeconds(rule.windowSeconds());
        int base = slot(user, rule.counter(), b, eventMillis);
        if (base < 0) {
            return;
        }
        long[] t = table;
        if (b == 0) {
            addToBucket(t, base, 0);
        } else {
            long n = Math.floorDiv(Math.floorDiv(eventMillis, 1000), b);
            long newest = t[base + NEWEST] & NUMBER_MASK;
            if (n > newest) {
                // Move the newest bucket number first (a racing read over-counts, never under-counts), then clear
                // the buckets it passed over.
                LONGS.setRelease(t, base + NEWEST, b << NUMBER_BITS | n);
                for (long k = Math.max(newest + 1, n - (BUCKETS - 1)); k <= n; k++) {
                    setBucket(t, base, Math.floorMod(k, BUCKETS), 0);
                }
                addToBucket(t, base, Math.floorMod(n, BUCKETS));
            } else if (newest - n < BUCKETS) {
                addToBucket(t, base, Math.floorMod(n, BUCKETS));
            }
        }
        if (resolvesPending) {
            long pending = t[base + PENDING];
            if ((pending & MAX) > 0 && eventMillis < pending >>> 16) {
                LONGS.setRelease(t, base + PENDING, pending - 1);
            }
        }
    }

    /** Counts a served ad as pending for an impression rule until {@code untilMillis} (the reservation hold after it). */
    public void pending(long user, FrequencyRule rule, long servedMillis, long untilMillis) {
        int base = slot(user, rule.counter(), bucketSeconds(rule.windowSeconds()), servedMillis);
        if (base < 0) {
            return;
        }
        long[] t = table;
        long pending = t[base + PENDING];
        long until = pending >>> 16;
        long n = servedMillis < until ? Math.min(MAX, (pending & MAX) + 1) : 1;
        LONGS.setRelease(t, base + PENDING, Math.max(until, untilMillis) << 16 | n);
    }

    private void addToBucket(long[] t, int base, int k) {
        int c = bucket(t, base, k);
        if (c < MAX) {
            setBucket(t, base, k, c + 1);
        }
    }

    private static void setBucket(long[] t, int base, int k, int value) {
        int word = base + COUNTS + (k >> 2);
        int shift = (k & 3) << 4;
        long w = t[word];
        LONGS.setRelease(t, word, w & ~((long) MAX << shift) | (long) value << shift);
    }

    /** The slot of (user, counter), inserted when new; -1 when the table is full at its largest. */
    private int slot(long user, long counter, long bucketSeconds, long eventMillis) {
        if (user == 0) {
            throw new IllegalArgumentException("frequency key 0 means no user");
        }
        latestMillis = Math.max(latestMillis, eventMillis);
        int found = find(table, user, counter);
        if (found >= 0) {
            return found;
        }
        if (used + 1 > capacity() * LOAD) {
            rehash();
            if (used + 1 > capacity() * LOAD) {
                dropped++;
                return -1;
            }
        }
        long[] t = table;
        int mask = t.length / STRIDE - 1;
        int i = slotOf(user, counter, mask);
        while (t[i * STRIDE + USER] != 0) {
            i = (i + 1) & mask;
        }
        int base = i * STRIDE;
        t[base + COUNTER] = counter;
        t[base + NEWEST] = bucketSeconds << NUMBER_BITS;
        t[base + PENDING] = 0;
        for (int w = 0; w < BUCKETS / 4; w++) {
            t[base + COUNTS + w] = 0;
        }
        // The key last: a reader that sees it sees the rest.
        LONGS.setRelease(t, base + USER, user);
        used++;
        return base;
    }

    private static int find(long[] t, long user, long counter) {
        int mask = t.length / STRIDE - 1;
        for (int i = slotOf(user, counter, mask); ; i = (i + 1) & mask) {
            int base = i * STRIDE;
            long u = t[base + USER];
            if (u == 0) {
                return -1;
            }
            if (u == user && t[base + COUNTER] == counter) {
                return base;
            }
        }
    }

    /**
     * Rebuilds the table without the slots that can no longer count, at about twice the live slots (at least the
     * initial size, at most {@code maxSlots}).
     */
    private void rehash() {
        long[] old = table;
        int live = 0;
        for (int base = 0; base < old.length; base += STRIDE) {
            if (old[base + USER] != 0 && !dead(old, base)) {
                live++;
            }
        }
        int slots = Math.min(maxSlots, Math.max(minSlots, powerOfTwoAtLeast((int) Math.min(1 << 30, (long) (live / LOAD) * 2))));
        long[] t = new long[slots * STRIDE];
        int mask = slots - 1;
        int kept = 0;
        for (int base = 0; base < old.length; base += STRIDE) {
            if (old[base + USER] == 0 || dead(old, base)) {
                continue;
            }
            if (kept + 1 > slots * LOAD) {
                dropped++;
                continue;
            }
            int i = slotOf(old[base + USER], old[base + COUNTER], mask);
            while (t[i * STRIDE + USER] != 0) {
                i = (i + 1) & mask;
            }
            System.arraycopy(old, base, t, i * STRIDE, STRIDE);
            kept++;
        }
        used = kept;
        table = t;
    }

    /**
     * Whether a slot counts nothing as of the latest event the writer has seen: nothing pending, and its window's
     * buckets all passed (a lifetime slot: its count is 0).
     */
    private boolean dead(long[] t, int base) {
        if ((t[base + PENDING] >>> 16) > latestMillis) {
            return false;
        }
        long b = t[base + NEWEST] >>> NUMBER_BITS;
        if (b == 0) {
            return bucket(t, base, 0) == 0;
        }
        return Math.floorDiv(Math.floorDiv(latestMillis, 1000), b) - (t[base + NEWEST] & NUMBER_MASK) >= BUCKETS;
    }

    // ------------------------------------------------------------------ persistence (the writer's thread)

    /** Writes every slot in use (format 1: int format, long latest, int n, n × six longs). */
    public void writeTo(DataOutput out) throws IOException {
        long[] t = table;
        out.writeInt(FORMAT);
        out.writeLong(latestMillis);
        out.writeInt(used);
        for (int base = 0; base < t.length; base += STRIDE) {
            if (t[base + USER] != 0) {
                for (int k = 0; k < STRIDE; k++) {
                    out.writeLong(t[base + k]);
                }
            }
        }
    }

    /** Replaces the counts with what {@link #writeTo} wrote. */
    public void readFrom(DataInput in) throws IOException {
        if (in.readInt() != FORMAT) {
            throw new IOException("frequency counts: unknown format");
        }
        long latest = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > maxSlots * LOAD) {
            throw new IOException("frequency counts: " + n + " slots do not fit maxSlots " + maxSlots);
        }
        int slots = Math.max(minSlots, powerOfTwoAtLeast((int) Math.ceil(n / LOAD) + 1));
        long[] t = new long[Math.min(slots, maxSlots) * STRIDE];
        int mask = t.length / STRIDE - 1;
        long[] slot = new long[STRIDE];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < STRIDE; k++) {
                slot[k] = in.readLong();
            }
            if (slot[USER] == 0 || find(t, slot[USER], slot[COUNTER]) >= 0) {
                throw new IOException("frequency counts: slot " + j + " is empty or repeated");
            }
            int i = slotOf(slot[USER], slot[COUNTER], mask);
            while (t[i * STRIDE + USER] != 0) {
                i = (i + 1) & mask;
            }
            System.arraycopy(slot, 0, t, i * STRIDE, STRIDE);
        }
        latestMillis = latest;
        used = n;
        table = t;
    }

    /** Takes over another table's counts (start-up, before any reader: a loaded checkpoint). */
    public void copyFrom(FrequencyCounts other) {
        this.used = other.used;
        this.latestMillis = other.latestMillis;
        this.dropped = other.dropped;
        this.table = other.table;
    }

    /** An empty table with the same limits. */
    public FrequencyCounts emptyCopy() {
        return new FrequencyCounts(minSlots, maxSlots);
    }
}
