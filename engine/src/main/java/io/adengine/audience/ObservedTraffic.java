package io.adengine.audience;

import org.roaringbitmap.BitSetUtil;
import org.roaringbitmap.RoaringBitmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Ad requests observed per UTC day, for reach estimates: per ad space, the requests and the requests of
 * known users; and which known users were active (one bit per user id, so the distinct count is exact and
 * the active set can be intersected with an audience). No raw GAIDs: only dense user ids, as bits.
 *
 * <p>Serving threads call {@link #record} once per request: lock-free (atomic increments, and a
 * compare-and-set only the first time a user is seen that day) and allocation-free. One housekeeping
 * thread calls {@link #rollOver} (every minute); it retires the current day when the clock has left it.
 * Serving threads never rotate, so a request in the first minute after midnight may still count toward
 * the day before; reach estimates are insensitive to that. Memory: two days of {@code maxUsers / 8} bytes
 * of bits (2.5 MB each at 20,000,000 users) plus {@value #AD_SPACE_SLOTS} ad-space slots.
 */
public final class ObservedTraffic {

    /** Ad spaces counted separately per day; requests of further ad spaces go to {@link Day#otherRequests}. */
    public static final int AD_SPACE_SLOTS = 1 << 13;
    private static final int MAX_PROBES = 32;
    private static final long DAY_MILLIS = 86_400_000L;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int maxUsers;
    private volatile Day current;
    private volatile Day previous;

    /** Observes users with ids below {@code maxUsers}, starting on the UTC day of {@code nowMillis}. */
    public ObservedTraffic(long maxUsers, long nowMillis) {
        if (maxUsers < 1 || maxUsers > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxUsers must be 1.." + Integer.MAX_VALUE + ", was " + maxUsers);
        }
        this.maxUsers = (int) maxUsers;
        this.current = new Day(day(nowMillis), this.maxUsers);
    }

    private static int day(long millis) {
        return (int) Math.floorDiv(millis, DAY_MILLIS);
    }

    /**
     * Counts one request for an ad space at {@code nowMillis}, from a user id ({@code < 0}: unknown GAID or
     * none). Lock-free and allocation-free.
     */
    public void record(long adSpaceId, int user, long nowMillis) {
        Day d = current;
        d.seen(nowMillis);
        int slot = d.slotOf(adSpaceId);
        boolean known = user >= 0 && user < maxUsers;
        if (slot < 0) {
            d.otherRequests.getAndIncrement();
            if (known) {
                d.otherKnownRequests.getAndIncrement();
            }
        } else {
            d.requests.getAndIncrement(slot);
            if (known) {
                d.knownRequests.getAndIncrement(slot);
            }
        }
        if (known) {
            d.activate(user);
        }
    }

    /** Retires the current day when {@code nowMillis} falls on a later UTC day; housekeeping thread only. */
    public void rollOver(long nowMillis) {
        int today = day(nowMillis);
        Day d = current;
        if (today > d.epochDay) {
            // Yesterday's counts are a complete day only if today directly follows it.
            previous = today == d.epochDay + 1 ? d : null;
            current = new Day(today, maxUsers);
        }
    }

    /**
     * What the estimate should use: the last complete day, else today so far, else {@code null} (nothing
     * observed yet).
     */
    public Window window(long nowMillis) {
        Day p = previous;
        if (p != null) {
            return p.window(DAY_MILLIS, true);
        }
        Day d = current;
        long first = d.firstMillis.get();
        if (first == Long.MIN_VALUE) {
            return null;
        }
        // At least a minute, so that the first requests do not extrapolate to absurd daily rates.
        return d.window(Math.max(60_000L, nowMillis - first), false);
    }

    /**
     * A snapshot of one observed period.
     *
     * @param epochDay        the UTC day
     * @param complete        whether it covers the whole day (else it runs from the first request until now)
     * @param observedMillis  the length of the period the counts cover
     * @param active          the ids of the known users seen in it
     * @param adSpaceIds      the ad spaces counted separately, parallel to the two count arrays
     * @param requests        requests per ad space
     * @param knownRequests   requests of known users per ad space
     * @param otherRequests   requests of ad spaces beyond {@link #AD_SPACE_SLOTS} (all users, known users: [0], [1])
     */
    public record Window(int epochDay, boolean complete, long observedMillis, RoaringBitmap active, long[] adSpaceIds,
                         long[] requests, long[] knownRequests, long[] otherRequests) {

        /** Requests of known users, over every ad space or (non-empty set) only the given ones. */
        public long knownRequests(java.util.Set<Long> adSpaces) {
            long sum = adSpaces.isEmpty() ? otherRequests[1] : 0;
            for (int i = 0; i < adSpaceIds.length; i++) {
                if (adSpaces.isEmpty() || adSpaces.contains(adSpaceIds[i])) {
                    sum += knownRequests[i];
                }
            }
            return sum;
        }

        /** Requests of every user, known or not, over every ad space. */
        public long allRequests() {
            long sum = otherRequests[0];
            for (long r : requests) {
                sum += r;
            }
            return sum;
        }
    }

    /** One day's counters. */
    private static final class Day {
        final int epochDay;
        final long[] active;
        final AtomicLong firstMillis = new AtomicLong(Long.MIN_VALUE);
        // Ad space id + 1 per slot (0: free), claimed by compare-and-set; never released within a day.
        final AtomicLongArray spaces = new AtomicLongArray(AD_SPACE_SLOTS);
        final AtomicLongArray requests = new AtomicLongArray(AD_SPACE_SLOTS);
        final AtomicLongArray knownRequests = new AtomicLongArray(AD_SPACE_SLOTS);
        final AtomicLong otherRequests = new AtomicLong();
        final AtomicLong otherKnownRequests = new AtomicLong();

        Day(int epochDay, int maxUsers) {
            this.epochDay = epochDay;
            this.active = new long[(maxUsers + 63) >>> 6];
        }

        void seen(long nowMillis) {
            // A plain read first: only the day's first request pays for the compare-and-set.
            if (firstMillis.getPlain() == Long.MIN_VALUE) {
                firstMillis.compareAndSet(Long.MIN_VALUE, nowMillis);
            }
        }

        int slotOf(long adSpaceId) {
            long key = adSpaceId + 1;
            if (key == 0) {
                return -1;
            }
            int mask = AD_SPACE_SLOTS - 1;
            int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
            for (int probe = 0; probe < MAX_PROBES; probe++, i = (i + 1) & mask) {
                long k = spaces.get(i);
                if (k == key) {
                    return i;
                }
                if (k == 0) {
                    if (spaces.compareAndSet(i, 0, key)) {
                        return i;
                    }
                    if (spaces.get(i) == key) {
                        return i;
                    }
                }
            }
            return -1;
        }

        void activate(int user) {
            int w = user >>> 6;
            long bit = 1L << user;
            // Most requests come from users already seen today: a plain read avoids the atomic.
            if (((long) WORDS.getOpaque(active, w) & bit) != 0) {
                return;
            }
            WORDS.getAndBitwiseOr(active, w, bit);
        }

        Window window(long observedMillis, boolean complete) {
            int n = 0;
            for (int i = 0; i < AD_SPACE_SLOTS; i++) {
                if (spaces.get(i) != 0) {
                    n++;
                }
            }
            long[] ids = new long[n];
            long[] req = new long[n];
            long[] known = new long[n];
            int j = 0;
            for (int i = 0; i < AD_SPACE_SLOTS && j < n; i++) {
                long k = spaces.get(i);
                if (k != 0) {
                    ids[j] = k - 1;
                    req[j] = requests.get(i);
                    known[j] = knownRequests.get(i);
                    j++;
                }
            }
            long[] words = new long[active.length];
            for (int i = 0; i < words.length; i++) {
                words[i] = (long) WORDS.getOpaque(active, i);
            }
            RoaringBitmap users = BitSetUtil.bitmapOf(words);
            return new Window(epochDay, complete, observedMillis, users, java.util.Arrays.copyOf(ids, j),
                    java.util.Arrays.copyOf(req, j), java.util.Arrays.copyOf(known, j),
                    new long[]{otherRequests.get(), otherKnownRequests.get()});
        }
    }
}
