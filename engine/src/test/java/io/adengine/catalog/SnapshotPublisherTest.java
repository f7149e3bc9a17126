package io.adengine.catalog;

import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.catalog.CatalogJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publisher end to end on a real store: through deltas, compactions (a new base built in the
 * background while deltas keep flowing) and the switch to each new base, every published snapshot
 * decides exactly as a full build of the store at the same version.
 */
class SnapshotPublisherTest {

    private static final Path CONFIG_DIR = Path.of("..", "config").toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    @Test
    void publishedSnapshotShouldEqualAFullBuildThroughDeltasAndCompactions() throws Exception {
        Random r = new Random(7);
        SnapshotBuilder builder = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults());
        try (CatalogStore store = CatalogStore.open(dataDir, CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")),
                CatalogRules.load(CONFIG_DIR), () -> 1_000L, 1_000_000)) {
            SnapshotHolder holder = new SnapshotHolder(builder.build(store.catalog()));
            // A compaction once the delta holds 3 ad groups, so a few changes cross several of them.
            try (SnapshotPublisher publisher = new SnapshotPublisher(store, builder, holder, 1, 3)) {
                store.onCommit(publisher::markDirty);
                // Changes that land between a compaction's copy and its install must reach the new base's delta.
                Object quiet = new Object();
                Random hookRandom = new Random(8);
                int[] duringCompaction = {0};
                boolean[] stopping = {false};
                publisher.afterCompactionCopy(() -> {
                    synchronized (quiet) {
                        if (stopping[0]) {
                            return;
                        }
                        try {
                            if (CatalogPatchProperties.change(store, hookRandom)) {
                                duringCompaction[0]++;
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
                int checked = 0;
                for (int round = 0; round < 100; round++) {
                    // Bursts of changes: publishes and compactions run on their threads while changes keep arriving.
                    for (int i = 0, n = 1 + r.nextInt(12); i < n; i++) {
                        CatalogPatchProperties.change(store, r);
                    }
                    synchronized (quiet) {
                        long target = store.seq();
                        Snapshot published = awaitVersion(holder, target);
                        CatalogPatchProperties.sameDecisions(published, builder.build(store.catalog()), store.catalog(), r);
                        checked++;
                    }
                }
                // No hook may be writing to the store when it closes (closing interrupts the compactor).
                synchronized (quiet) {
                    stopping[0] = true;
                }
                assertThat(checked).isEqualTo(100);
                assertThat(publisher.compactions()).as("new bases built").isGreaterThanOrEqualTo(3);
                assertThat(duringCompaction[0]).as("changes applied while a compaction ran").isGreaterThanOrEqualTo(3);
            }
        }
    }

    /** The first published snapshot at {@code version} or later; gives up after 10 s (the publisher is stuck). */
    private static Snapshot awaitVersion(SnapshotHolder holder, long version) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (holder.current().version() < version) {
            assertThat(System.nanoTime()).as("snapshot version %d published in time", version).isLessThan(deadline);
            Thread.sleep(1);
        }
        return holder.current();
    }
}
