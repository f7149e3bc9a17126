package io.adengine.sync;

import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed catalog changes into serving snapshots on one background thread. Changes are
 * coalesced: after a change, the thread waits until {@code intervalMillis} (or, when longer, the
 * duration of its last build) have passed since its last build started, then builds one snapshot of
 * the whole current catalog and swaps it in. Serving threads never
 * wait: they keep reading the previous snapshot until the swap.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final CatalogStore store;
    private final SnapshotBuilder builder;
    private final SnapshotHolder holder;
    private final long intervalMillis;
    private final Thread thread;
    private boolean dirty;
    private boolean running = true;
    private volatile long lastBuildNanos;
    private volatile long builds;

    public SnapshotPublisher(CatalogStore store, SnapshotBuilder builder, SnapshotHolder holder, long intervalMillis) {
        this.store = store;
        this.builder = builder;
        this.holder = holder;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::run, "catalog-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Notes that the catalog changed; a rebuild follows within the interval plus one build time. */
    public synchronized void markDirty() {
        dirty = true;
        notifyAll();
    }

    /** How long the last rebuild took (catalog copy, index build, swap), in nanoseconds. */
    public long lastBuildNanos() {
        return lastBuildNanos;
    }

    /** How many snapshots this publisher has swapped in. */
    public long builds() {
        return builds;
    }

    private void run() {
        long lastBuild = 0;
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
            // At least as long idle as the last build took: the rebuild thread then uses at most half a core,
            // leaving the rest to serving on small machines, at the price of freshness when builds are slow.
            long wait = lastBuild + Math.max(intervalMillis, lastBuildNanos / 1_000_000) - System.currentTimeMillis();
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
            lastBuild = System.currentTimeMillis();
            try {
                long start = System.nanoTime();
                Catalog catalog = store.catalog();
                if (catalog.version() != holder.current().version()) {
                    holder.publish(builder.build(catalog));
                    builds++;
                }
                lastBuildNanos = System.nanoTime() - start;
            } catch (RuntimeException e) {
                LOG.error("snapshot rebuild failed; serving keeps the previous snapshot", e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            running = false;
            notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
