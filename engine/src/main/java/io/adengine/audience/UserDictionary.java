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
 *
 * <p>Aliases: a second, smaller key per user, MD5 of the upper-cased GAID, so that an MD5 audience hashed
 * from upper-case GAIDs lands on the user the engine knows by the lower-case key. An alias is indexed only
 * where a writer sees the raw GAID ({@link #idOrAssignRaw}: the profile feed, raw-GAID uploads); raw GAIDs
 * are never stored, only the two hashes. Aliases persist in their own Chronicle file beside the dictionary
 * ({@code NAME-aliases.cm}) and are mirrored in a second {@link UserIdTable}; {@link #idOf} answers from
 * either table. At most one alias per user.
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
    private final Path aliasFile;
    private final long maxUsers;
    private final UserIdTable table;
    private final UserIdTable aliases;
    private final IntValue value = Values.newHeapInstance(IntValue.class);
    // Written under the lock, read without it (size() is not on the serving path, but needs no lock).
    private volatile int nextId;
    private ChronicleMap<byte[], IntValue> map;
    private ChronicleMap<byte[], IntValue> aliasMap;

    private UserDictionary(Path file, long maxUsers, ChronicleMap<byte[], IntValue> map, ChronicleMap<byte[], IntValue> aliasMap)
            throws IOException {
        this.file = file;
        this.aliasFile = file == null ? null : aliasFileOf(file);
        this.maxUsers = maxUsers;
        this.map = map;
        this.aliasMap = aliasMap;
        long n = map.longSize();
        if (n > Integer.MAX_VALUE) {
            throw new IOException(name() + ": holds " + n + " users, more than int ids can number");
        }
        this.table = new UserIdTable((int) n);
        mirror((int) n);
        this.aliases = new UserIdTable((int) Math.min(n, aliasMap.longSize()));
        mirrorAliases((int) n);
        this.nextId = (int) n;
    }

    /** The alias file beside a dictionary file: {@code users.cm} → {@code users-aliases.cm}. */
    static Path aliasFileOf(Path file) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".cm") ? name.substring(0, name.length() - 3) : name;
        return file.resolveSibling(stem + "-aliases.cm");
    }

    /** Fills the alias mirror, checking that every alias names an existing user, once, under a key no user has. */
    private void mirrorAliases(int n) throws IOException {
        byte[] key = new byte[16];
        IOException[] bad = new IOException[1];
        aliasMap.forEachEntry(e -> {
            if (bad[0] != null) {
                return;
            }
            byte[] k = e.key().getUsing(key);
            int id = e.value().get().getValue();
            if (k.length != 16 || id < 0 || id >= n || table.idOf(k) != UNKNOWN || aliases.idOf(k) != UNKNOWN || aliases.holdsId(id)) {
                bad[0] = new IOException(name() + ": alias of user id " + id + " breaks the aliases' invariant "
                        + "(16-byte keys of no user, at most one per user id 0.." + (n - 1) + "); rebuild it with the loader");
                return;
            }
            aliases.add(k, id);
        });
        if (bad[0] != null) {
            throw bad[0];
        }
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
        ChronicleMap<byte[], IntValue> aliasMap = null;
        try {
            aliasMap = persisted(aliasFileOf(file), maxUsers);
            return new UserDictionary(file, maxUsers, map, aliasMap);
        } catch (IOException | RuntimeException e) {
            map.close();
            if (aliasMap != null) {
                aliasMap.close();
            }
            throw e;
        }
    }

    /** A dictionary that lives only in this process (tests, benchmarks of the lookup itself). */
    public static UserDictionary inMemory(long maxUsers) {
        try {
            return new UserDictionary(null, maxUsers, builder(maxUsers).create(), builder(maxUsers).create());
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

    /**
     * The id of a key (a user's key or its alias), or {@link #UNKNOWN}. Lock-free and allocation-free: it reads
     * only the in-memory mirrors.
     */
    public int idOf(byte[] key) {
        int id = table.idOf(key);
        return id != UNKNOWN ? id : aliases.idOf(key);
    }

    /**
     * The id of a key, assigning the next dense id when the key is new: the Chronicle file first (it is the
     * durable copy; reopened when {@link #releaseFile()} closed it), then the mirror. One writer at a time.
     */
    public synchronized int idOrAssign(byte[] key) {
        int known = idOf(key);
        if (known != UNKNOWN) {
            return known;
        }
        int id = nextId;
        reopen();
        value.setValue(id);
        map.put(key, value);
        table.add(key, id);
        nextId = id + 1;
        return id;
    }

    /**
     * The id of a user seen with a raw GAID, given its two keys ({@link GaidKey#ofGaidBothCases}): the user
     * either key already names (the lower-case key first), else a new id under the lower-case key; then the
     * other key is indexed as the user's alias when neither table holds it and the user has no alias yet.
     * When both keys already name different users (an upper-case MD5 upload made a user before the raw GAID
     * was seen) they stay two users: the lower-case one is answered. One writer at a time.
     */
    public synchronized int idOrAssignRaw(byte[] lower, byte[] upper) {
        int id = idOf(lower);
        if (id == UNKNOWN) {
            id = idOf(upper);
            if (id == UNKNOWN) {
                id = idOrAssign(lower);
            } else {
                alias(lower, id);
                return id;
            }
        }
        if (idOf(upper) == UNKNOWN) {
            alias(upper, id);
        }
        return id;
    }

    private void alias(byte[] key, int id) {
        if (aliases.holdsId(id)) {
            return;
        }
        reopen();
        value.setValue(id);
        aliasMap.put(key, value);
        aliases.add(key, id);
    }

    private void reopen() {
        if (map == null) {
            try {
                map = persisted(file, maxUsers);
                aliasMap = persisted(aliasFile, maxUsers);
            } catch (IOException e) {
                throw new UncheckedIOException(name() + ": cannot reopen to add a user", e);
            }
        }
    }

    /** Number of aliases held. */
    public int aliasCount() {
        return aliases.size();
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
            aliasMap.close();
            aliasMap = null;
        }
    }

    /** Number of users (ids run 0 until this). */
    public int size() {
        return nextId;
    }

    /** Heap bytes of the in-memory mirrors (keys and aliases). */
    public long mirrorSizeInBytes() {
        return table.sizeInBytes() + aliases.sizeInBytes();
    }

    /** Heap bytes of the alias mirror alone. */
    public long aliasMirrorSizeInBytes() {
        return aliases.sizeInBytes();
    }

    @Override
    public synchronized void close() {
        if (map != null) {
            map.close();
            map = null;
        }
        if (aliasMap != null) {
            aliasMap.close();
            aliasMap = null;
        }
    }
}
