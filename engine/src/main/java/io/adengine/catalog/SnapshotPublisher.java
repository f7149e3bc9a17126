package io.adengine.catalog;

import io.adengine.index.Segment;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.CatalogPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns committed catalog changes into serving snapshots, off the serving threads:
 *
 * <pre>
 *   change committed ──markDirty──▶ publisher thread (every intervalMillis at most)
 *        store.patchSince(base) ─▶ builder.patchTop(snapshot, patch, changed since its first delta) ─▶ holder.publish
 *                                   (builder.patch, everything since the base in one delta, when that part grew)
 *        changes since the base ≥ compactAfter? ──▶ compactor thread: store.catalog() ─▶ builder.build
 *                                                   └── new base handed back, installed on the next round
 * </pre>
 *
 * A publish usually builds only the newest delta (the ad groups changed since the first delta was built,
 * milliseconds), so changes reach serving within about one interval; once that part reaches a quarter of
 * the first delta, the publish folds everything since the base into one first delta again. When the
 * changes since the base reach {@link #compactAfter} ad groups, the compactor builds a new base from a full
 * copy of the store in the background (seconds at 100,000 ad groups); publishes continue on the old base
 * meanwhile, and the first one after it lays the changes since the copy over the new base. Serving
 * threads never wait: they keep reading the previous snapshot until each swap.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);
    /** A delta of at least this many ad groups always triggers a new base. */
    private static final int MIN_COMPACT_AFTER = 1_000;
    /** A newest delta of at least this many ad groups is always folded into the first. */
    private static final int MIN_FOLD_AFTER = 500;

    private final CatalogStore store;
    private final SnapshotBuilder builder;
    private final SnapshotHolder holder;
    private final long intervalMillis;
    private final int minCompactAfter;
    private final Thread thread;
    private final ExecutorService compactor;
    private final AtomicReference<Snapshot> compacted = new AtomicReference<>();
    private boolean dirty;
    private boolean running = true;
    // Set by the publisher thread when it starts a compaction; cleared when it installs the result, or by
    // the compactor when the build failed (so a later publish may try again).
    private volatile boolean compacting;
    private volatile long lastBuildNanos;
    private volatile long lastCompactionNanos;
    private volatile long builds;
    private volatile long compactions;
    private volatile long folds;
    private volatile long maxPublishNanos;
    private volatile long maxFoldNanos;
    private volatile int deltaAdGroups;
    private volatile Runnable afterCompactionCopy = () -> { };

    public SnapshotPublisher(CatalogStore store, SnapshotBuilder builder, SnapshotHolder holder, long intervalMillis) {
        this(store, builder, holder, intervalMillis, MIN_COMPACT_AFTER);
    }

    /** With a smaller compaction floor than {@value #MIN_COMPACT_AFTER} ad groups: tests drive compactions on small catalogs. */
    SnapshotPublisher(CatalogStore store, SnapshotBuilder builder, SnapshotHolder holder, long intervalMillis, int minCompactAfter) {
        this.minCompactAfter = minCompactAfter;
        this.store = store;
        this.builder = builder;
        this.holder = holder;
        this.intervalMillis = intervalMillis;
        this.compactor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "catalog-compactor");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "catalog-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Notes that the catalog changed; a publish follows within the interval plus one delta build. */
    public synchronized void markDirty() {
        dirty = true;
        notifyAll();
    }

    /** How long the last publish took (patch from the store, delta build, preparers, swap), in nanoseconds. */
    public long lastBuildNanos() {
        return lastBuildNanos;
    }

    /** How long the last full build of a new base took (store copy and build), in nanoseconds. */
    public long lastCompactionNanos() {
        return lastCompactionNanos;
    }

    /** How many snapshots this publisher has swapped in. */
    public long builds() {
        return builds;
    }

    /** How many new bases the compactor has built. */
    public long compactions() {
        return compactions;
    }

    /** How many publishes built everything since the base into one delta (folds, and the first on a new base). */
    public long folds() {
        return folds;
    }

    /** The longest publish so far, in nanoseconds. */
    public long longestPublishNanos() {
        return maxPublishNanos;
    }

    /** The longest publish so far of those that folded everything since the base into one delta, in nanoseconds. */
    public long longestFoldNanos() {
        return maxFoldNanos;
    }

    /** Ad groups in the deltas of the last published snapshot. */
    public int deltaAdGroups() {
        return deltaAdGroups;
    }

    /**
     * The delta size at which a new base is built: 5 % of the base, at least {@value #MIN_COMPACT_AFTER} ad groups.
     * Per-publish cost grows with the delta, compaction cost with the base: at 100,000 ad groups and 1,000
     * changes/s this keeps a publish at tens of milliseconds and builds a new base every few seconds.
     */
    int compactAfter(int baseSize) {
        return Math.max(minCompactAfter, baseSize / 20);
    }

    private void run() {
        long lastPublish = 0;
        while (true) {
            synchronized (this) {
                while (running && !dirty) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!running) {
                    return;
                }
            }
            // At least as long idle as the last publish took: this thread then uses at most half a core.
            long wait = lastPublish + Math.max(intervalMillis, lastBuildNanos / 1_000_000) - System.currentTimeMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            synchronized (this) {
                dirty = false;
            }
            lastPublish = System.currentTimeMillis();
            try {
                publishOnce();
            } catch (RuntimeException e) {
                LOG.error("snapshot publish failed; serving keeps the previous snapshot", e);
            }
        }
    }

    private void publishOnce() {
        long start = System.nanoTime();
        Snapshot fresh = compacted.getAndSet(null);
        Snapshot current = holder.current();
        Snapshot base = fresh != null ? fresh : current;
        if (fresh != null) {
            compacting = false;
            store.forgetTouchesUpTo(fresh.version());
        }
        CatalogPatch patch = store.patchSince(base.base().catalog());
        if (fresh == null && patch.version() == current.version()) {
            return;
        }
        Snapshot next = null;
        if (fresh == null && current.segmentCount() >= 2) {
            // Keep the first delta and build only what changed after it, until that part grows to a quarter of it.
            Segment first = current.segment(1);
            Set<Long> recent = patch.adGroupsChangedAfter(first.catalog().version());
            if (recent.size() < Math.max(MIN_FOLD_AFTER, first.size() / 4)) {
                next = builder.patchTop(current, patch, recent);
            }
        }
        boolean fold = next == null;
        if (fold) {
            next = builder.patch(base, patch);
        }
        holder.publish(next);
        builds++;
        deltaAdGroups = next.size() - next.base().size();
        long took = System.nanoTime() - start;
        lastBuildNanos = took;
        maxPublishNanos = Math.max(maxPublishNanos, took);
        if (fold) {
            folds++;
            maxFoldNanos = Math.max(maxFoldNanos, took);
        }
        if (!compacting && patch.adGroups().size() >= compactAfter(base.base().size())) {
            compacting = true;
            compactor.execute(this::compact);
        }
    }

    /** On the compactor thread: a full build of the current store, handed to the publisher thread. */
    private void compact() {
        long start = System.nanoTime();
        try {
            io.adengine.model.Catalog copy = store.catalog();
            afterCompactionCopy.run();
            compacted.set(builder.build(copy));
            compactions++;
            lastCompactionNanos = System.nanoTime() - start;
        } catch (RuntimeException e) {
            LOG.error("full snapshot build failed; serving keeps the previous base and its growing delta", e);
            compacting = false;
        }
        markDirty();
    }

    /** Runs {@code hook} on the compactor thread between its copy of the store and its build: tests change the store there. */
    void afterCompactionCopy(Runnable hook) {
        this.afterCompactionCopy = hook;
    }

    @Override
    public void close() {
        synchronized (this) {
            running = false;
            notifyAll();
        }
        thread.interrupt();
        try {
            // The publisher thread first: it is the one that hands work to the compactor.
            thread.join(5_000);
            compactor.shutdownNow();
            compactor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            compactor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
