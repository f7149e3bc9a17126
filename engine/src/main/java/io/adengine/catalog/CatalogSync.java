package io.adengine.catalog;

import io.adengine.config.EngineConfig;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/** The control-plane sync parts of a running engine: the durable store and the snapshot publisher. */
public final class CatalogSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSync.class);

    private final CatalogStore store;
    private final long rebuildIntervalMillis;
    private SnapshotPublisher publisher;

    private CatalogSync(CatalogStore store, long rebuildIntervalMillis) {
        this.store = store;
        this.rebuildIntervalMillis = rebuildIntervalMillis;
    }

    /**
     * Opens the store of {@code catalog.dataDir} (which must be set). An empty store is seeded with {@code seed}
     * and writes its first snapshot at once, so that no later start reads the seed again ({@link CatalogSeed}); a
     * store that holds a catalog ignores {@code seed} (it may then be {@code null}).
     */
    public static CatalogSync open(EngineConfig config, Catalog seed, LongSupplier clock) {
        EngineConfig.SyncConfig s = config.sync();
        if (s == null || s.dataDir() == null) {
            throw new IllegalArgumentException("catalog.dataDir is not set");
        }
        try {
            CatalogRules rules = CatalogRules.load(s.rulesDir());
            boolean empty = CatalogSeed.storeIsEmpty(s.dataDir());
            if (empty && seed == null) {
                throw new IllegalArgumentException("the catalog store in " + s.dataDir() + " is empty and there is no seed catalog");
            }
            CatalogStore store = CatalogStore.open(s.dataDir(), empty ? seed : null, rules, clock, s.snapshotEveryChanges());
            if (empty) {
                store.snapshot();
                CatalogSeed.recordSeeded(s.dataDir(), config.catalogPath());
            } else {
                CatalogSeed.warnIfChanged(s.dataDir(), config.catalogPath());
            }
            return new CatalogSync(store, s.rebuildIntervalMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the catalog store in " + s.dataDir(), e);
        }
    }

    /** Starts rebuilding serving snapshots after each committed change. */
    public void startPublishing(SnapshotBuilder builder, SnapshotHolder holder) {
        publisher = new SnapshotPublisher(store, builder, holder, rebuildIntervalMillis);
        store.onCommit(publisher::markDirty);
    }

    public CatalogStore store() {
        return store;
    }

    public SnapshotPublisher publisher() {
        return publisher;
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        try {
            store.close();
        } catch (IOException e) {
            LOG.error("closing the catalog store failed: {}", e.toString());
        }
    }
}
