package io.adengine.index;

import java.util.function.BiFunction;

/**
 * Values derived from one {@link Segment} (per-ordinal arrays of the budget gate, compiled user rules,
 * rendered creatives), kept per segment position (base, first delta, second delta) for the two latest
 * segments seen there: while a new snapshot is prepared and swapped in, requests still running on the
 * previous one find theirs too, so nobody rebuilds on a serving thread in steady state. A value may also
 * depend on a {@code version} object (compared by identity), e.g. the published user data.
 *
 * <p>Lock-free: slots are written without a lock, since a race only costs one more build and each slot
 * holds an immutable record. Filled ahead of each swap by the publishing thread
 * ({@link SnapshotHolder#beforePublish}), read on the serving path without allocation.
 *
 * @param <V> the derived value
 */
public final class SegmentCache<V> {

    private record Entry<V>(Segment segment, Object version, V value) {
    }

    private record Recent<V>(Entry<V> latest, Entry<V> previous) {
    }

    private final BiFunction<Segment, Object, V> build;
    private final Object[] slots = new Object[Snapshot.MAX_SEGMENTS];

    /** A cache whose values {@code build(segment, version)} computes. */
    public SegmentCache(BiFunction<Segment, Object, V> build) {
        this.build = build;
    }

    /** The value of a segment at a position (and version), built now if neither of the two latest there is it. */
    public V get(Segment segment, int position, Object version) {
        @SuppressWarnings("unchecked")
        Recent<V> recent = (Recent<V>) slots[position];
        if (recent != null) {
            Entry<V> e = recent.latest();
            if (e.segment() == segment && e.version() == version) {
                return e.value();
            }
            e = recent.previous();
            if (e != null && e.segment() == segment && e.version() == version) {
                return e.value();
            }
        }
        V value = build.apply(segment, version);
        slots[position] = new Recent<>(new Entry<>(segment, version, value), recent == null ? null : recent.latest());
        return value;
    }

    /** The value of a segment at a position, for values that depend on the segment alone. */
    public V get(Segment segment, int position) {
        return get(segment, position, null);
    }

    /** Builds the values of every segment of a snapshot now (call before publishing it). */
    public void prepare(Snapshot snapshot, Object version) {
        for (int i = 0; i < snapshot.segmentCount(); i++) {
            get(snapshot.segment(i), i, version);
        }
    }
}
