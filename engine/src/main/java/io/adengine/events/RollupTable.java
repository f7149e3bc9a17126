package io.adengine.events;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The cells of the report rollups, keyed by primitives: an open-addressing table whose slot {@code i}
 * holds {@value #KEY_LONGS} key longs ({@code hour << 16 | country}, account, campaign, ad group, creative,
 * ad space, publisher) in {@code keys[i * KEY_LONGS ..]} and {@value #COUNTERS} counters in
 * {@code counts[i * COUNTERS ..]}. An event costs one hash of its fields and a probe: no key object, no
 * boxing, no allocation (but when the table grows).
 *
 * <p>Single writer (the rollup handler, or the replay before it starts), any number of readers. A new
 * slot's key is written before its {@code used} mark is set with release semantics, and readers read the
 * mark with acquire semantics, so a reader never sees half a key; counters are written and read opaquely
 * (atomic, eventually visible). Growing copies into a new table published by one volatile write; a reader
 * on the old one sees a consistent, slightly older state.
 */
final class RollupTable {

    static final int KEY_LONGS = 7;
    static final int COUNTERS = 18;
    /** The counters of a cell in a version 2 checkpoint (before the other conversions and revenue). */
    static final int COUNTERS_V2 = 15;
    static final int SERVED = 0;
    static final int IMPRESSIONS = 1;
    static final int CLICKS = 2;
    static final int CONVERSIONS = 3;
    static final int COST = 4;
    /** Invalid events, one counter per {@link InvalidReason} but NONE: {@code INVALID + code - 1}. */
    static final int INVALID = 5;
    /** Micros an event would have cost beyond what the budgets had left (not charged). */
    static final int UNCHARGED = 9;
    /** Video playback events: starts, the three quartiles, completions. */
    static final int VIDEO_STARTS = 10;
    static final int VIDEO_FIRST_QUARTILES = 11;
    static final int VIDEO_MIDPOINTS = 12;
    static final int VIDEO_THIRD_QUARTILES = 13;
    static final int VIDEO_COMPLETIONS = 14;
    /** Counted conversions whose event is not a goal of their ad group (never charged; {@link #CONVERSIONS} holds the goals). */
    static final int OTHER_CONVERSIONS = 15;
    /** Revenue micros reported with the goal conversions, and with the other conversions. */
    static final int GOAL_REVENUE = 16;
    static final int OTHER_REVENUE = 17;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    /** One generation of the table; replaced whole when it grows. */
    static final class Table {
        final int mask;
        final long[] keys;
        final long[] counts;
        /** 0: empty; otherwise the slot's hash with the low bit set. */
        final int[] used;

        Table(int slots) {
            mask = slots - 1;
            keys = new long[slots * KEY_LONGS];
            counts = new long[slots * COUNTERS];
            used = new int[slots];
        }

        int slots() {
            return mask + 1;
        }

        /** Whether slot i holds a cell (acquire: its key is then fully visible). */
        boolean used(int i) {
            return (int) INTS.getAcquire(used, i) != 0;
        }

        long key(int i, int k) {
            return keys[i * KEY_LONGS + k];
        }

        long count(int i, int c) {
            return (long) LONGS.getOpaque(counts, i * COUNTERS + c);
        }
    }

    private volatile Table table = new Table(1 << 12);
    private int size;

    /** The current generation, for readers: iterate its slots, skip the unused ones. */
    Table table() {
        return table;
    }

    /** Adds {@code delta} to counter {@code counter} of the cell of this key (writer thread only). */
    void add(long hourCountry, long account, long campaign, long adGroup, long creative, long adSpace, long publisher, int counter,
             long delta) {
        Table t = table;
        // The low bit set: a mark of 0 means empty; the probe starts where growing re-inserts the slot.
        int h = hash(hourCountry, account, campaign, adGroup, creative, adSpace, publisher) | 1;
        int i = h & t.mask;
        while (true) {
            int mark = t.used[i];
            if (mark == 0) {
                if (size + 1 > t.slots() / 2) {
                    grow();
                    add(hourCountry, account, campaign, adGroup, creative, adSpace, publisher, counter, delta);
                    return;
                }
                int k = i * KEY_LONGS;
                long[] keys = t.keys;
                keys[k] = hourCountry;
                keys[k + 1] = account;
                keys[k + 2] = campaign;
                keys[k + 3] = adGroup;
                keys[k + 4] = creative;
                keys[k + 5] = adSpace;
                keys[k + 6] = publisher;
                INTS.setRelease(t.used, i, h);
                size++;
                break;
            }
            if (mark == h && matches(t.keys, i * KEY_LONGS, hourCountry, account, campaign, adGroup, creative, adSpace, publisher)) {
                break;
            }
            i = (i + 1) & t.mask;
        }
        int c = i * COUNTERS + counter;
        LONGS.setOpaque(t.counts, c, t.counts[c] + delta);
    }

    /** Number of cells. */
    int size() {
        return size;
    }

    /** Forgets every cell (before the writer starts). */
    void clear() {
        table = new Table(1 << 12);
        size = 0;
    }

    /** Writes every cell (writer thread, or before it starts): the checkpoint's rollups part. */
    void writeState(java.io.DataOutputStream out) throws java.io.IOException {
        Table t = table;
        out.writeInt(size);
        for (int i = 0; i < t.slots(); i++) {
            if (t.used[i] == 0) {
                continue;
            }
            for (int k = 0; k < KEY_LONGS; k++) {
                out.writeLong(t.keys[i * KEY_LONGS + k]);
            }
            for (int c = 0; c < COUNTERS; c++) {
                out.writeLong(t.counts[i * COUNTERS + c]);
            }
        }
    }

    /** Adds the cells {@link #writeState} wrote (before the writer starts). */
    void readState(java.io.DataInputStream in) throws java.io.IOException {
        readState(in, COUNTERS);
    }

    /** As {@link #readState(java.io.DataInputStream)} for cells of {@code counters} counters (an older checkpoint: the first ones). */
    void readState(java.io.DataInputStream in, int counters) throws java.io.IOException {
        if (counters < 1 || counters > COUNTERS) {
            throw new java.io.IOException("a rollup cell holds 1 to " + COUNTERS + " counters, not " + counters);
        }
        int n = in.readInt();
        long[] k = new long[KEY_LONGS];
        for (int cell = 0; cell < n; cell++) {
            for (int j = 0; j < KEY_LONGS; j++) {
                k[j] = in.readLong();
            }
            for (int c = 0; c < counters; c++) {
                long v = in.readLong();
                if (v != 0) {
                    add(k[0], k[1], k[2], k[3], k[4], k[5], k[6], c, v);
                }
            }
        }
    }

    private static boolean matches(long[] keys, int k, long hourCountry, long account, long campaign, long adGroup, long creative,
                                   long adSpace, long publisher) {
        return keys[k] == hourCountry && keys[k + 3] == adGroup && keys[k + 4] == creative && keys[k + 5] == adSpace
                && keys[k + 1] == account && keys[k + 2] == campaign && keys[k + 6] == publisher;
    }

    private void grow() {
        Table old = table;
        Table next = new Table(old.slots() * 2);
        for (int i = 0; i < old.slots(); i++) {
            int mark = old.used[i];
            if (mark == 0) {
                continue;
            }
            int j = mark & next.mask;
            while (next.used[j] != 0) {
                j = (j + 1) & next.mask;
            }
            System.arraycopy(old.keys, i * KEY_LONGS, next.keys, j * KEY_LONGS, KEY_LONGS);
            System.arraycopy(old.counts, i * COUNTERS, next.counts, j * COUNTERS, COUNTERS);
            next.used[j] = mark;
        }
        table = next;
    }

    /** A hash of the key's fields (64-bit mixing, folded to an int; never relied on to be unique). */
    private static int hash(long hourCountry, long account, long campaign, long adGroup, long creative, long adSpace, long publisher) {
        long h = hourCountry * 0x9E3779B97F4A7C15L;
        h = (h ^ adGroup) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ creative) * 0x165667B19E3779F9L;
        h = (h ^ adSpace) * 0x9E3779B97F4A7C15L;
        h = (h ^ account ^ campaign * 31 ^ publisher * 961) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }
}
