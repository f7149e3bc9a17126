package io.adengine.audience;

import net.openhft.chronicle.core.values.IntValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The user dictionary: a persisted Chronicle Map from a {@link GaidKey} (16 bytes) to a dense {@code int}
 * user id (0, 1, 2, … in order of first sight), and an in-memory read mirror of it ({@link UserIdTable})
 * that answers every lookup. The Chronicle file is the durable copy: it is scanned once when the dictionary
 * opens, written through on every new id, and otherwise not touched, so serving threads take none of
 * Chronicle's segment locks and allocate nothing, and once {@link #releaseFile()} has unmapped it the
 * file's pages are not resident in the process. One writer at a time assigns new ids (the loader, or the
 * engine's admin import; not both on the same file at once: a process sees only the ids that were in the
 * file when it opened it, plus its own).
 */
public final class UserDictionary implements AutoCloseable {

    /** What {@link #idOf} answers for a key the dictionary does not hold. */
    public static final int UNKNOWN = -1;

    static {
        // Chronicle's usage analytics would call out to the internet (and stall on a machine without
        // access) when a launcher forgets config/jvm.options; user data tools never phone home.
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
    }

    private final Path file;
    private final long maxUsers;
    private final UserIdTable table;
    private final IntValue value = Values.newHeapInstance(IntValue.class);
    // Written under the lock, read without it (size() is not on the serving path, but needs no lock).
    private volatile int nextId;
    private ChronicleMap<byte[], IntValue> map;

    private UserDictionary(Path file, long maxUsers, ChronicleMap<byte[], IntValue> map) throws IOException {
        this.file = file;
        this.maxUsers = maxUsers;
        this.map = map;
        long n = map.longSize();
        if (n > Integer.MAX_VALUE) {
            throw new IOException(name() + ": holds " + n + " users, more than int ids can number");
        }
        this.table = new UserIdTable((int) n);
        mirror((int) n);
        this.nextId = (int) n;
    }

    /** Fills the mirror from the map, checking that the ids are exactly 0 … n - 1. */
    private void mirror(int n) throws IOException {
        byte[] key = new byte[16];
        IOException[] bad = new IOException[1];
        map.forEachEntry(e -> {
            if (bad[0] != null) {
                return;
            }
            byte[] k = e.key().getUsing(key);
            int id = e.value().get().getValue();
            if (k.length != 16 || id < 0 || id >= n || table.idOf(k) != UNKNOWN) {
                bad[0] = new IOException(name() + ": entry with user id " + id + " breaks the dictionary's invariant "
                        + "(16-byte keys, distinct dense ids 0.." + (n - 1) + "); rebuild it with the loader");
                return;
            }
            table.add(k, id);
        });
        if (bad[0] != null) {
            throw bad[0];
        }
        if (table.size() != n) {
            throw new IOException(name() + ": scanned " + table.size() + " entries, the map reports " + n);
        }
    }

    private String name() {
        return file == null ? "in-memory user dictionary" : file.getFileName().toString();
    }

    /** Opens the dictionary file (creating it when absent), sized for {@code maxUsers} entries. */
    public static UserDictionary open(Path file, long maxUsers) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ChronicleMap<byte[], IntValue> map = persisted(file, maxUsers);
        try {
            return new UserDictionary(file, maxUsers, map);
        } catch (IOException | RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** A dictionary that lives only in this process (tests, benchmarks of the lookup itself). */
    public static UserDictionary inMemory(long maxUsers) {
        try {
            return new UserDictionary(null, maxUsers, builder(maxUsers).create());
        } catch (IOException e) {
            throw new IllegalStateException("an empty map cannot break the invariant", e);
        }
    }

    private static ChronicleMap<byte[], IntValue> persisted(Path file, long maxUsers) throws IOException {
        return builder(maxUsers).createPersistedTo(file.toFile());
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<byte[], IntValue> builder(long maxUsers) {
        return ChronicleMap.of(byte[].class, IntValue.class)
                .name("users")
                .constantKeySizeBySample(new byte[16])
                .entries(Math.max(1_000, maxUsers))
                .maxBloatFactor(2.0);
    }

    /** The id of a key, or {@link #UNKNOWN}. Lock-free and allocation-free: it reads only the in-memory mirror. */
    public int idOf(byte[] key) {
        return table.idOf(key);
    }

    /**
     * The id of a key, assigning the next dense id when the key is new: the Chronicle file first (it is the
     * durable copy; reopened when {@link #releaseFile()} closed it), then the mirror. One writer at a time.
     */
    public synchronized int idOrAssign(byte[] key) {
        int known = table.idOf(key);
        if (known != UNKNOWN) {
            return known;
        }
        int id = nextId;
        if (map == null) {
            try {
                map = persisted(file, maxUsers);
            } catch (IOException e) {
                throw new UncheckedIOException(name() + ": cannot reopen to add a user", e);
            }
        }
        value.setValue(id);
        map.put(key, value);
        table.add(key, id);
        nextId = id + 1;
        return id;
    }

    /**
     * Closes the Chronicle file so that its pages (every one was read when the mirror was filled) leave the
     * process's resident set; the next new id reopens it. Persisted dictionaries only: an in-memory one
     * keeps its map.
     */
    public synchronized void releaseFile() {
        if (file != null && map != null) {
            map.close();
            map = null;
        }
    }

    /** Number of users (ids run 0 until this). */
    public int size() {
        return nextId;
    }

    /** Heap bytes of the in-memory mirror. */
    public long mirrorSizeInBytes() {
        return table.sizeInBytes();
    }

    @Override
    public synchronized void close() {
        if (map != null) {
            map.close();
            map = null;
        }
    }
}
