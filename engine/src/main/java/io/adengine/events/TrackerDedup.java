package io.adengine.events;

import java.util.Arrays;

/**
 * Which tracker events were already counted: two generations of an open-addressing set of 64-bit
 * fingerprints (impression id × event type), owned by the journal thread alone (single writer, no
 * locks, no allocation after construction). A generation covers one window of event time; when the
 * window passes, the older generation is cleared and reused, so a key is remembered for between one
 * and two windows. Memory: {@code 2 × capacity × 8} bytes (table sized to the next power of two of
 * 4/3 × capacity). A generation holding {@code capacity} keys refuses new ones (counted, answered 503)
 * rather than forgetting early and risking a double charge.
 *
 * <p>Each key keeps the time of its event (an int: units of {@code unitMillis} since its generation's window
 * began, so a window spans at most 2^31 units), for the event-validity rules: a click needs the time of its
 * impression, a conversion that of its click. Memory is then {@code 2 × slots × 12} bytes.
 */
public final class TrackerDedup {

    private final long windowMillis;
    private final int capacity;
    private final long unitMillis;
    private final long[][] tables;
    private final int[][] times;
    private final int[] sizes = new int[2];
    private final int mask;
    private int current;
    private long currentWindow = Long.MIN_VALUE;

    /** Outcome of {@link #add}. */
    public enum Result { NEW, DUPLICATE, FULL }

    /** A table whose event times are kept to the millisecond. */
    public TrackerDedup(long windowMillis, int capacity) {
        this(windowMillis, capacity, 1);
    }

    public TrackerDedup(long windowMillis, int capacity, long unitMillis) {
        if (unitMillis < 1 || windowMillis < 1 || windowMillis / unitMillis >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a window holds at most 2^31 - 1 time units");
        }
        this.windowMillis = windowMillis;
        this.capacity = capacity;
        this.unitMillis = unitMillis;
        int slots = Integer.highestOneBit(Math.max(16, capacity + capacity / 3) - 1) << 1;
        this.mask = slots - 1;
        this.tables = new long[][]{new long[slots], new long[slots]};
        this.times = new int[][]{new int[slots], new int[slots]};
    }

    /** The fingerprint of one tracker event; never 0. */
    static long key(long hi, long lo, EventType type) {
        // The type goes into the high bits through a golden-ratio multiple, so neighbouring ids of
        // different types cannot meet (id + type would: lo=0 click == lo=1 impression).
        long k = mix(mix(hi) ^ lo ^ type.code * 0x9E3779B97F4A7C15L);
        return k == 0 ? 1 : k;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Adds the event's key at the given event time unless either generation has it. */
    public Result add(long hi, long lo, EventType type, long timeMillis) {
        advance(timeMillis);
        long key = key(hi, lo, type);
        if (contains(tables[current ^ 1], key) || contains(tables[current], key)) {
            return Result.DUPLICATE;
        }
        if (sizes[current] >= capacity) {
            return Result.FULL;
        }
        long[] t = tables[current];
        int i = (int) key & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = key;
        times[current][i] = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (timeMillis - windowStart(current)) / unitMillis));
        sizes[current]++;
        return Result.NEW;
    }

    /** What {@link #timeOf} answers for a key it does not remember. */
    public static final long NOT_SEEN = Long.MIN_VALUE;

    /**
     * The event time (to {@code unitMillis}, rounded down) of a remembered key, or {@link #NOT_SEEN}. Looks as of
     * the last {@link #add}; call {@link #advance} first to look as of a later instant.
     */
    public long timeOf(long hi, long lo, EventType type) {
        long key = key(hi, lo, type);
        int i = slotOf(tables[current], key);
        if (i >= 0) {
            return windowStart(current) + times[current][i] * unitMillis;
        }
        int older = current ^ 1;
        i = slotOf(tables[older], key);
        return i >= 0 ? windowStart(older) + times[older][i] * unitMillis : NOT_SEEN;
    }

    private long windowStart(int generation) {
        return (generation == current ? currentWindow : currentWindow - 1) * windowMillis;
    }

    /** Forgets a key added last (an event that could not be journaled). */
    public void remove(long hi, long lo, EventType type) {
        long key = key(hi, lo, type);
        long[] t = tables[current];
        int i = (int) key & mask;
        while (t[i] != 0) {
            if (t[i] == key) {
                // Re-insert the rest of the probe run so lookups past the hole still find their keys.
                t[i] = 0;
                sizes[current]--;
                int[] ts = times[current];
                int j = (i + 1) & mask;
                while (t[j] != 0) {
                    long moved = t[j];
                    int movedTime = ts[j];
                    t[j] = 0;
                    int k = (int) moved & mask;
                    while (t[k] != 0) {
                        k = (k + 1) & mask;
                    }
                    t[k] = moved;
                    ts[k] = movedTime;
                    j = (j + 1) & mask;
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Moves the generations on to an instant (what {@link #add} does first). */
    public void advance(long timeMillis) {
        long window = Math.floorDiv(timeMillis, windowMillis);
        if (window <= currentWindow) {
            return;
        }
        if (currentWindow != Long.MIN_VALUE && window == currentWindow + 1) {
            current ^= 1;
            Arrays.fill(tables[current], 0);
            sizes[current] = 0;
        } else {
            // A jump of more than one window: nothing remembered is recent enough to matter.
            Arrays.fill(tables[0], 0);
            Arrays.fill(tables[1], 0);
            sizes[0] = 0;
            sizes[1] = 0;
        }
        currentWindow = window;
    }

    private boolean contains(long[] t, long key) {
        return slotOf(t, key) >= 0;
    }

    private int slotOf(long[] t, long key) {
        int i = (int) key & mask;
        while (t[i] != 0) {
            if (t[i] == key) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Keys in the current generation. */
    public int size() {
        return sizes[current];
    }
}
