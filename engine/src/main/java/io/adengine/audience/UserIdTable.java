package io.adengine.audience;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The in-memory read mirror of the user dictionary: 16-byte {@link GaidKey}s to dense user ids, for
 * lock-free, allocation-free lookups on the serving threads. One writer ({@link UserDictionary}, under its
 * lock), any number of readers that never wait.
 * <pre>
 *   slots  int[2^k]      open addressing, linear probing; 0 = empty, otherwise user id + 1
 *   keys   long[2 × cap] the key of user id i at [2i], [2i + 1] (ids are dense, so the key rows need no
 *                        load-factor slack and the slots stay 4 bytes)
 * </pre>
 * About {@code 16 × 1.06 + 4 / 0.6 ≈ 24} bytes per user: 10,000,000 users take about 240 MB of heap.
 *
 * <p>Publication: the writer fills a user's key row with plain writes, then stores the slot with release
 * semantics; a reader loads the slot with acquire semantics, so a non-empty slot it sees always points at
 * a complete key row. Growth builds new arrays off to the side and publishes them with one volatile write;
 * a reader still on the old arrays sees a consistent, slightly older dictionary.
 */
final class UserIdTable {

    /** What {@link #idOf} answers for an absent key. */
    static final int UNKNOWN = -1;

    private static final VarHandle KEY_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);
    // Above this share of occupied slots linear probing lengthens quickly (an absent key scans
    // (1 + 1/(1-a)^2)/2 slots on average: 5 at 0.7, 3.6 at 0.6), so the slots double first.
    private static final double MAX_LOAD = 0.7;
    private static final int MIN_SLOTS = 1 << 10;

    /** One published generation of the arrays; never modified once replaced. */
    private static final class Arrays {
        final int[] slots;
        final long[] keys;
        final int mask;
        final int growAt;

        Arrays(int slotCount, int keyRows) {
            slots = new int[slotCount];
            keys = new long[2 * keyRows];
            mask = slotCount - 1;
            growAt = (int) (slotCount * MAX_LOAD);
        }

        int keyRows() {
            return keys.length / 2;
        }
    }

    private volatile Arrays arrays;
    // Writer-only state (guarded by the owning dictionary's lock).
    private int size;

    /** An empty table with room for {@code expectedUsers} before its first growth. */
    UserIdTable(int expectedUsers) {
        int rows = Math.max(MIN_SLOTS, expectedUsers + expectedUsers / 16);
        arrays = new Arrays(slotsFor(rows), rows);
    }

    private static int slotsFor(int users) {
        long wanted = (long) Math.ceil(users / MAX_LOAD) + 1;
        if (wanted > 1L << 30) {
            throw new IllegalStateException("more than " + (long) ((1 << 30) * MAX_LOAD) + " users do not fit the in-memory dictionary");
        }
        return Math.max(MIN_SLOTS, Integer.highestOneBit((int) wanted - 1) << 1);
    }

    /** The id of a 16-byte key, or {@link #UNKNOWN}. Lock-free; allocates nothing. */
    int idOf(byte[] key) {
        long hi = (long) KEY_LONGS.get(key, 0);
        long lo = (long) KEY_LONGS.get(key, 8);
        Arrays a = arrays;
        int[] slots = a.slots;
        long[] keys = a.keys;
        int mask = a.mask;
        for (int i = index(hi, lo) & mask; ; i = (i + 1) & mask) {
            int s = (int) SLOTS.getAcquire(slots, i);
            if (s == 0) {
                return UNKNOWN;
            }
            int row = 2 * (s - 1);
            if (keys[row] == hi && keys[row + 1] == lo) {
                return s - 1;
            }
        }
    }

    /**
     * Adds a key that is not in the table under the given id. Single writer; ids must be distinct and below
     * the number of users the caller has assigned (they need not arrive in order, so that a table can be
     * filled from an unordered scan of the persisted map).
     */
    void add(byte[] key, int id) {
        if (id < 0) {
            throw new IllegalArgumentException("user id must be >= 0, was " + id);
        }
        Arrays a = arrays;
        if (size + 1 > a.growAt || id >= a.keyRows()) {
            a = grow(a, size + 1, id + 1);
        }
        long hi = (long) KEY_LONGS.get(key, 0);
        long lo = (long) KEY_LONGS.get(key, 8);
        a.keys[2 * id] = hi;
        a.keys[2 * id + 1] = lo;
        int i = index(hi, lo) & a.mask;
        while (a.slots[i] != 0) {
            if (a.slots[i] == id + 1) {
                throw new IllegalArgumentException("user id " + id + " is already in the table");
            }
            i = (i + 1) & a.mask;
        }
        SLOTS.setRelease(a.slots, i, id + 1);
        size++;
    }

    /** Whether some key is held under {@code id}. Writer side (not on the serving path). */
    boolean holdsId(int id) {
        Arrays a = arrays;
        if (id < 0 || id >= a.keyRows()) {
            return false;
        }
        byte[] key = new byte[16];
        KEY_LONGS.set(key, 0, a.keys[2 * id]);
        KEY_LONGS.set(key, 8, a.keys[2 * id + 1]);
        return idOf(key) == id;
    }

    /** Number of keys held. */
    int size() {
        return size;
    }

    /** Bytes of the arrays (heap). */
    long sizeInBytes() {
        Arrays a = arrays;
        return 4L * a.slots.length + 8L * a.keys.length;
    }

    private Arrays grow(Arrays old, int users, int minRows) {
        int rows = old.keyRows();
        if (minRows > rows) {
            // Grow key rows by half so that a stream of new users copies them O(log n) times.
            rows = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(minRows, rows + (long) rows / 2));
        }
        int slotCount = users > old.growAt ? Math.max(old.slots.length << 1, slotsFor(users)) : old.slots.length;
        Arrays next = new Arrays(slotCount, rows);
        System.arraycopy(old.keys, 0, next.keys, 0, old.keys.length);
        for (int s : old.slots) {
            if (s != 0) {
                int row = 2 * (s - 1);
                int i = index(next.keys[row], next.keys[row + 1]) & next.mask;
                while (next.slots[i] != 0) {
                    i = (i + 1) & next.mask;
                }
                next.slots[i] = s;
            }
        }
        // The volatile write publishes the filled arrays as a whole.
        arrays = next;
        return next;
    }

    private static int index(long hi, long lo) {
        // MD5 output is uniform already; the multiply keeps hand-made test keys (mostly zero bytes) spread too.
        long h = (hi ^ Long.rotateLeft(lo, 32)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }
}
