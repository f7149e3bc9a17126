package io.adengine.bench.sync;

import io.adengine.bench.BenchMain;
import io.adengine.bench.workload.CatalogGenerator;
import io.adengine.bench.workload.WorkloadSize;
import io.adengine.catalog.Audience;
import io.adengine.catalog.CatalogRules;
import io.adengine.catalog.CatalogStore;
import io.adengine.catalog.ObjectKind;
import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.model.AdGroup;
import io.adengine.model.Bid;
import io.adengine.model.Catalog;
import io.adengine.model.CatalogPatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * What one snapshot publish costs on workload M, in CPU time of the publishing thread (so a busy
 * machine inflates it less than wall time): a store seeded with M, {@code changed} distinct ad groups
 * changed since the base, of which the last {@code recent} after the first delta was built. Measures,
 * in the same run: {@code patchSince} (the store's side), a one-delta publish over all changes
 * ({@code SnapshotBuilder.patch}, the baseline) and a newest-delta publish over the recent ones
 * ({@code patchTop}), and a full build for scale, each with the bytes the thread allocated. Arguments:
 * {@code [--changed 5000] [--recent 200] [--repetitions 15]}.
 */
@Command(name = "PublishCost", mixinStandardHelpOptions = true,
        description = "CPU time and allocation of one snapshot publish on workload M: patchSince, patch, patchTop, a full build.")
public final class PublishCost implements Callable<Integer> {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The HotSpot view of the same bean, which also counts the bytes a thread allocated. */
    private static final com.sun.management.ThreadMXBean ALLOCATION = (com.sun.management.ThreadMXBean) THREADS;

    private PublishCost() {
    }

    @Option(names = "--changed", description = "distinct ad groups changed since the base (default: ${DEFAULT-VALUE})")
    int changed = 5_000;

    @Option(names = "--recent", description = "of them, changed after the first delta was built (default: ${DEFAULT-VALUE})")
    int recent = 200;

    @Option(names = "--repetitions", description = "timed repetitions of each step (default: ${DEFAULT-VALUE})")
    int repetitions = 15;

    public static void main(String[] args) {
        BenchMain.runMain(new PublishCost(), args);
    }

    @Override
    public Integer call() throws Exception {
        Catalog seed = new CatalogGenerator(WorkloadSize.M, 1).generate();
        Path dir = Files.createTempDirectory("publish-cost");
        SnapshotBuilder builder = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults());
        try (CatalogStore store = CatalogStore.open(dir, seed, CatalogRules.load(Path.of("config")), System::currentTimeMillis, 100_000_000)) {
            List<CatalogStore.Change> audiences = new ArrayList<>();
            for (long id = 1; id <= WorkloadSize.M.audiences(); id++) {
                audiences.add(CatalogStore.Change.put(new Audience(id, 1, "audience " + id, "global", "GAID")));
            }
            store.apply(audiences, "bench");
            Catalog base = store.catalog();
            Snapshot full = builder.build(base);
            List<AdGroup> groups = new ArrayList<>(base.adGroups());
            Random r = new Random(1);
            change(store, groups, changed - recent, r);
            Snapshot withDelta = builder.patch(full, store.patchSince(base));
            long deltaVersion = withDelta.segment(1).catalog().version();
            change(store, groups, recent, r);
            CatalogPatch patch = store.patchSince(base);
            Set<Long> since = patch.adGroupsChangedAfter(deltaVersion);
            // The store keeps its answer per base and adds only the touches since the last call: time the usual
            // call, one more change after the previous one (the change itself is not timed).
            double[] patchSinceMs = new double[repetitions];
            double[] patchSinceMb = new double[repetitions];
            for (int i = 0; i < repetitions; i++) {
                change(store, groups, 1, r);
                long bytes = ALLOCATION.getCurrentThreadAllocatedBytes();
                long start = THREADS.getCurrentThreadCpuTime();
                store.patchSince(base);
                patchSinceMs[i] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
                patchSinceMb[i] = (ALLOCATION.getCurrentThreadAllocatedBytes() - bytes) / 1e6;
            }
            Cost patchSince = new Cost(patchSinceMs, patchSinceMb);
            Cost oneDelta = time(repetitions, () -> builder.patch(withDelta, patch));
            Cost newest = time(repetitions, () -> builder.patchTop(withDelta, patch, since));
            Cost fullBuild = time(Math.max(3, repetitions / 5), () -> builder.build(base));
            System.out.printf("workload M: %d ad-group changes since the base (%d distinct groups in the patch), %d of them after the first delta%n",
                    changed, patch.adGroups().size(), since.size());
            report("patchSince after one more change (store)", patchSince);
            report("one delta over all changes (patch)", oneDelta);
            report("newest delta over the recent ones (patchTop)", newest);
            report("full build of the base", fullBuild);
            System.out.printf("publish with patchTop / with patch (medians, patchSince included): %.2f%n",
                    (median(patchSince.ms()) + median(newest.ms())) / (median(patchSince.ms()) + median(oneDelta.ms())));
        }
        return 0;
    }

    /** PUTs {@code count} distinct ad groups with a new bid, in batches. */
    private static void change(CatalogStore store, List<AdGroup> groups, int count, Random r) throws Exception {
        Set<Long> done = new HashSet<>();
        List<CatalogStore.Change> batch = new ArrayList<>();
        while (done.size() < count) {
            AdGroup g = groups.get(r.nextInt(groups.size()));
            if (!done.add(g.id())) {
                continue;
            }
            AdGroup now = (AdGroup) store.find(ObjectKind.AD_GROUP, g.id());
            batch.add(CatalogStore.Change.put(new AdGroup(g.id(), now.version() + 1, g.campaignId(), g.name(), g.app(), g.installState(),
                    g.placements(), g.adSpaceIds(), g.publisherIds(), g.targeting(), g.schedule(), g.budget(),
                    new Bid(g.bid().model(), g.bid().amountMicros() + 1 + r.nextInt(1_000)), g.review(), g.rejectReason(), g.deliveryOn())));
            if (batch.size() == 500 || done.size() == count) {
                CatalogStore.Outcome o = store.apply(batch, "bench");
                if (!o.accepted()) {
                    throw new IllegalStateException("change refused: " + o);
                }
                batch.clear();
            }
        }
    }

    /** CPU milliseconds of each run (after two untimed warm-up runs). */
    /** CPU milliseconds and allocated megabytes of each run, after two unrecorded ones. */
    private record Cost(double[] ms, double[] mb) {
    }

    private static Cost time(int runs, Supplier<?> work) {
        work.get();
        work.get();
        double[] ms = new double[runs];
        double[] mb = new double[runs];
        for (int i = 0; i < runs; i++) {
            long bytes = ALLOCATION.getCurrentThreadAllocatedBytes();
            long start = THREADS.getCurrentThreadCpuTime();
            if (work.get() == null) {
                throw new IllegalStateException("nothing built");
            }
            ms[i] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
            mb[i] = (ALLOCATION.getCurrentThreadAllocatedBytes() - bytes) / 1e6;
        }
        return new Cost(ms, mb);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void report(String what, Cost cost) {
        double[] sorted = cost.ms().clone();
        Arrays.sort(sorted);
        System.out.printf("%-48s CPU ms: median %.1f (min %.1f, max %.1f, n=%d); allocated MB: median %.1f%n", what, median(cost.ms()),
                sorted[0], sorted[sorted.length - 1], sorted.length, median(cost.mb()));
    }
}
