package io.adengine.bench.sync;

import io.adengine.bench.BenchMain;
import io.adengine.bench.workload.CatalogGenerator;
import io.adengine.bench.workload.WorkloadSize;
import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.model.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What a compaction adds to the live heap on a workload (default M): the heap used after full GCs with
 * the generated catalog alone, with one more {@link Catalog} over the same objects (what the compactor's
 * copy of the store costs), and with one and then two base indexes built over it. Arguments:
 * {@code [--size S|M|L]}. Run it with the collector of {@code config/jvm.options}; the figures are rough (the
 * JVM's own bookkeeping moves them by a few MB).
 */
@Command(name = "IndexFootprint", mixinStandardHelpOptions = true,
        description = "Live heap of a workload's catalog, of one more Catalog over it, and of one and two base indexes.")
public final class IndexFootprint implements Callable<Integer> {

    private IndexFootprint() {
    }

    @Option(names = "--size", description = "workload: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    WorkloadSize size = WorkloadSize.M;

    public static void main(String[] args) {
        BenchMain.runMain(new IndexFootprint(), args);
    }

    @Override
    public Integer call() throws Exception {
        long empty = usedAfterGc();
        Catalog catalog = new CatalogGenerator(size, 1).generate();
        long withCatalog = usedAfterGc();
        Catalog copy = new Catalog(catalog.version(), catalog.accounts(), catalog.campaigns(), catalog.adGroups(), catalog.creatives(),
                catalog.adSpaces());
        long withCopy = usedAfterGc();
        SnapshotBuilder builder = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults());
        List<Snapshot> kept = new ArrayList<>();
        kept.add(builder.build(copy));
        long withOne = usedAfterGc();
        kept.add(builder.build(catalog));
        long withTwo = usedAfterGc();
        System.out.printf("workload %s: %d ad groups, %d creatives%n", size, catalog.adGroups().size(), catalog.creatives().size());
        System.out.printf("catalog objects and their maps: %d MB%n", withCatalog - empty);
        System.out.printf("one more Catalog over the same objects (maps only): %d MB%n", withCopy - withCatalog);
        System.out.printf("one base index over it: %d MB; a second one: %d MB (%d snapshots kept)%n", withOne - withCopy,
                withTwo - withOne, kept.size());
        return 0;
    }

    /** Heap in use after three full collections, in MB. */
    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }
}
