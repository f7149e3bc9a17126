package io.adengine.index;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one place the current snapshot is published. Serving threads read it with one volatile read per
 * request and never lock; a rebuild publishes a new snapshot by one reference swap, so a request sees
 * either the old catalog or the new one, never a mix. Before the swap, the publishing thread runs every
 * registered {@linkplain #beforePublish preparer} (per-snapshot caches of the budget gate, the user
 * filter, the schedule), so that no serving thread pays for them.
 */
public final class SnapshotHolder {

    private final List<Consumer<Snapshot>> preparers = new CopyOnWriteArrayList<>();
    private volatile Snapshot current;

    public SnapshotHolder(Snapshot initial) {
        this.current = initial;
    }

    public Snapshot current() {
        return current;
    }

    /** Runs {@code preparer} on every snapshot about to be published, on the publishing thread. */
    public void beforePublish(Consumer<Snapshot> preparer) {
        preparers.add(preparer);
    }

    /** Publishes a new snapshot; requests already running finish on the one they started with. */
    public void publish(Snapshot next) {
        for (Consumer<Snapshot> p : preparers) {
            p.accept(next);
        }
        current = next;
    }
}
