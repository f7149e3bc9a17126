package io.adengine.audience;

import net.openhft.chronicle.core.values.IntValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The user dictionary: a persisted Chronicle Map from a {@link GaidKey} (16 bytes) to a dense {@code int}
 * user id (0, 1, 2, … in order of first sight). Readers on any thread look ids up through Chronicle's
 * off-heap segments with a reused value holder (no allocation); one writer at a time assigns new ids
 * (the loader, or the engine's admin import; not both on the same file at once).
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

    private final ChronicleMap<byte[], IntValue> map;
    private final ThreadLocal<IntValue> holder;
    private int nextId;

    private UserDictionary(ChronicleMap<byte[], IntValue> map) {
        this.map = map;
        this.holder = ThreadLocal.withInitial(() -> Values.newHeapInstance(IntValue.class));
        this.nextId = (int) map.longSize();
    }

    /** Opens the dictionary file (creating it when absent), sized for {@code maxUsers} entries. */
    public static UserDictionary open(Path file, long maxUsers) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new UserDictionary(builder(maxUsers).createPersistedTo(file.toFile()));
    }

    /** A dictionary that lives only in this process (tests, benchmarks of the lookup itself). */
    public static UserDictionary inMemory(long maxUsers) {
        return new UserDictionary(builder(maxUsers).create());
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<byte[], IntValue> builder(long maxUsers) {
        return ChronicleMap.of(byte[].class, IntValue.class)
                .name("users")
                .constantKeySizeBySample(new byte[16])
                .entries(Math.max(1_000, maxUsers))
                .maxBloatFactor(2.0);
    }

    /** The id of a key, or {@link #UNKNOWN}. Allocates nothing once the calling thread has its holder. */
    public int idOf(byte[] key) {
        IntValue v = map.getUsing(key, holder.get());
        return v == null ? UNKNOWN : v.getValue();
    }

    /** The id of a key, assigning the next dense id when the key is new. One writer at a time. */
    public synchronized int idOrAssign(byte[] key) {
        IntValue v = map.getUsing(key, holder.get());
        if (v != null) {
            return v.getValue();
        }
        int id = nextId++;
        IntValue value = holder.get();
        value.setValue(id);
        map.put(key, value);
        return id;
    }

    /** Number of users (ids run 0 until this). */
    public synchronized int size() {
        return nextId;
    }

    @Override
    public void close() {
        map.close();
    }
}
