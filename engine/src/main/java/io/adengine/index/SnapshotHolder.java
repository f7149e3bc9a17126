package io.adengine.index;

/**
 * The one place the current snapshot is published. Serving threads read it with one volatile read per
 * request and never lock; a rebuild publishes a new snapshot by one reference swap, so a request sees
 * either the old catalog or the new one, never a mix.
 */
public final class SnapshotHolder {

    private volatile Snapshot current;

    public SnapshotHolder(Snapshot initial) {
        this.current = initial;
    }

    public Snapshot current() {
        return current;
    }

    /** Publishes a new snapshot; requests already running finish on the one they started with. */
    public void publish(Snapshot next) {
        current = next;
    }
}
