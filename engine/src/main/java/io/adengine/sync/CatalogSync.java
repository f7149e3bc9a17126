package io.adengine.sync;

import io.adengine.config.EngineConfig;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/** The control-plane sync parts of a running engine: the store, the snapshot publisher and the admin API. */
public final class CatalogSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSync.class);

    private final CatalogStore store;
    private final CatalogAdminApi api;
    private final long rebuildIntervalMillis;
    private SnapshotPublisher publisher;

    private CatalogSync(CatalogStore store, CatalogAdminApi api, long rebuildIntervalMillis) {
        this.store = store;
        this.api = api;
        this.rebuildIntervalMillis = rebuildIntervalMillis;
    }

    /**
     * Opens the store of {@code catalog.dataDir} (seeded with {@code seed} when empty), or returns
     * {@code null} when sync is off.
     */
    public static CatalogSync open(EngineConfig config, Catalog seed, LongSupplier clock) {
        EngineConfig.SyncConfig s = config.sync();
        if (s == null || s.dataDir() == null) {
            return null;
        }
        try {
            CatalogRules rules = CatalogRules.load(s.rulesDir());
            CatalogStore store = CatalogStore.open(s.dataDir(), seed, rules, clock, s.snapshotEveryChanges());
            return new CatalogSync(store, new CatalogAdminApi(store, s.adminWorkers()), s.rebuildIntervalMillis());
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

    public CatalogAdminApi api() {
        return api;
    }

    public SnapshotPublisher publisher() {
        return publisher;
    }

    @Override
    public void close() {
        api.close();
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
