package io.adengine.bench.sync;

import io.adengine.bench.BenchMain;
import io.adengine.bench.workload.CatalogGenerator;
import io.adengine.bench.workload.RequestGenerator;
import io.adengine.bench.workload.WorkloadSize;
import io.adengine.catalog.Audience;
import io.adengine.catalog.CatalogStore;
import io.adengine.catalog.ObjectKind;
import io.adengine.catalog.SnapshotPublisher;
import io.adengine.config.EngineConfig;
import io.adengine.index.SnapshotBuilder;
import io.adengine.match.BudgetGate;
import io.adengine.model.AdGroup;
import io.adengine.model.Bid;
import io.adengine.model.Catalog;
import io.adengine.server.Engine;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog sync benchmark (F5). In one JVM: generates a catalog of {@code groups} ad groups, times
 * full snapshot rebuilds, starts an engine with sync on, then runs an idle phase (ad requests only, open
 * loop at a fixed rate) and a storm phase (the same requests plus ad-group changes at {@code changesPerSecond}).
 * Reports freshness (a change's 200 → the first ad response whose catalogVersion includes it) and serving
 * p99 storm ÷ idle. Options ({@code --help} lists them with their defaults): {@code --catalog --seconds
 * --changes-per-second --requests-per-second --rebuild-interval-millis --snapshot-every}, where
 * {@code --catalog} is a workload size of BENCHMARKS.md ({@code S}, {@code M}, {@code L}: its catalog and request stream, seed 1)
 * or a number of ad groups for the simpler {@link SyncCatalogGenerator} catalog (FEED only, one creative per group);
 * {@code --external PUBLIC_PORT ADMIN_PORT TOKEN [--pid PID]} aims it at an engine running in another process.
 */
@Command(name = "SyncStormBench", mixinStandardHelpOptions = true,
        description = "Catalog sync under a storm of changes: freshness, and serving p99 storm / idle (F5).")
public final class SyncStormBench implements Callable<Integer> {

    private static final Pattern CATALOG_VERSION = Pattern.compile("\"catalogVersion\":(\\d+)");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    /** Concurrent change senders (and admin worker threads): enough in flight that one fsync covers many changes. */
    private static final int SENDERS = 16;
    /**
     * The storm that warms the change path up, reported apart. With 10 s the C2 compiler still used about half a
     * core in the measured storm (per-thread CPU below); after 30 s it has compiled the change path.
     */
    private static final int WARM_UP_STORM_SECONDS = 30;
    /** The pause after it, for a compaction it started to finish. */
    private static final long SETTLE_MILLIS = 5_000;

    private SyncStormBench() {
    }

    /** Where the requests and changes go: the engine's two ports and the admin token. */
    record Target(int publicPort, int adminPort, String token) {
    }

    @Option(names = "--catalog", description = "S, M or L (that workload's catalog and request stream, seed 1), or a number of ad groups"
            + " for the simpler SyncCatalogGenerator catalog (default: ${DEFAULT-VALUE})")
    String catalogArg = "M";

    @Option(names = "--seconds", description = "seconds of each phase, idle and storm (default: ${DEFAULT-VALUE})")
    int seconds = 10;

    @Option(names = "--changes-per-second", description = "ad-group changes per second in the storm (default: ${DEFAULT-VALUE})")
    int changesPerSecond = 1_000;

    @Option(names = "--requests-per-second", description = "ad requests per second, open loop (default: ${DEFAULT-VALUE})")
    int requestsPerSecond = 500;

    @Option(names = "--rebuild-interval-millis", description = "the publisher's interval between snapshot builds (default: ${DEFAULT-VALUE})")
    long rebuildInterval = 200;

    @Option(names = "--snapshot-every", description = "changes between store snapshots (default: ${DEFAULT-VALUE}, the engine's)")
    int snapshotEvery = EngineConfig.SyncConfig.SNAPSHOT_EVERY_CHANGES_DEFAULT;

    @Option(names = "--external", arity = "3", paramLabel = " PUBLIC_PORT ADMIN_PORT TOKEN", hideParamSyntax = true,
            description = "an engine already running in another process (loopback only), started from the same workload with sync on")
    List<String> externalArgs;

    @Option(names = "--pid", description = "with --external: the engine's process id, to read its threads' CPU from /proc")
    Long pid;

    public static void main(String[] args) {
        BenchMain.runMain(new SyncStormBench(), args);
    }

    @Override
    public Integer call() throws Exception {
        Target external = externalArgs == null ? null
                : new Target(Integer.parseInt(externalArgs.get(0)), Integer.parseInt(externalArgs.get(1)), externalArgs.get(2));
        Path engineTasks = pid == null ? null : Path.of("/proc", Long.toString(pid), "task");
        long t0 = System.nanoTime();
        WorkloadSize workload = catalogArg.matches("[SML]") ? WorkloadSize.valueOf(catalogArg) : null;
        Catalog catalog = workload != null ? new CatalogGenerator(workload, 1).generate()
                : SyncCatalogGenerator.generate(Integer.parseInt(catalogArg), 42);
        int groups = catalog.adGroups().size();
        RequestGenerator requests = workload != null ? new RequestGenerator(workload, 1) : null;
        System.out.printf("generated %d ad groups, %d creatives in %d ms%n", catalog.adGroups().size(), catalog.creatives().size(),
                (System.nanoTime() - t0) / 1_000_000);
        if (external != null) {
            // The engine was started from the same workload's catalog (BenchMain workload, seed 1) with sync on.
            if (workload != null) {
                registerAudiences(external, workload.audiences());
            }
            Path tasks = engineTasks;
            measure(external, catalog, requests, seconds, changesPerSecond, requestsPerSecond,
                    tasks == null ? Map::of : () -> cpuByThreadGroup(tasks), tasks == null ? "no --pid given"
                            : "all threads of the engine process", () -> { }, () -> "");
            return 0;
        }
        SnapshotBuilder builder = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults());
        long[] buildMillis = new long[3];
        for (int i = 0; i < buildMillis.length; i++) {
            long s = System.nanoTime();
            builder.build(catalog);
            buildMillis[i] = (System.nanoTime() - s) / 1_000_000;
        }
        Arrays.sort(buildMillis);
        System.out.printf("full snapshot build of %d ad groups: median %d ms (min %d, max %d) of %d%n", groups, buildMillis[1],
                buildMillis[0], buildMillis[2], buildMillis.length);

        Path dataDir = Files.createTempDirectory("sync-bench");
        Path configDir = Path.of("config").toAbsolutePath();
        EngineConfig config = EngineConfig.defaults(configDir.resolve("sample-catalog.json")).withSync(
                new EngineConfig.SyncConfig(dataDir, configDir, rebuildInterval, snapshotEvery, SENDERS));
        try (Engine engine = Engine.start(config, catalog, System::currentTimeMillis, () -> ThreadLocalRandom.current().nextLong(),
                BudgetGate.UNLIMITED)) {
            if (workload != null) {
                // Ad groups of the workload include and exclude audiences 1..n: the store checks references, so register them.
                List<CatalogStore.Change> audiences = new ArrayList<>();
                for (long id = 1; id <= workload.audiences(); id++) {
                    audiences.add(CatalogStore.Change.put(new Audience(id, 1, "audience " + id, "global", "GAID")));
                }
                engine.sync().orElseThrow().store().apply(audiences, "bench");
            }
            t0 = System.nanoTime();
            engine.sync().orElseThrow().store().catalog();
            System.out.printf("store seeded; catalog copy for a rebuild took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            SnapshotPublisher publisher = engine.sync().orElseThrow().publisher();
            long[] before = new long[3];
            measure(new Target(engine.publicPort(), engine.adminPort(), config.adminToken()), catalog, requests, seconds, changesPerSecond,
                    requestsPerSecond, PROC_TASKS == null ? SyncStormBench::javaThreadCpu : () -> cpuByThreadGroup(PROC_TASKS),
                    PROC_TASKS == null ? "Java threads only" : "all threads of this JVM, JIT and collector included", () -> {
                        before[0] = publisher.builds();
                        before[1] = publisher.compactions();
                        before[2] = publisher.folds();
                    }, () -> String.format("snapshots published: %d (last publish %d ms, delta %d ad groups); new bases built: %d "
                                    + "(last %d ms); folds %d; longest publish %d ms (fold %d ms; both since start-up); ",
                            publisher.builds() - before[0], publisher.lastBuildNanos() / 1_000_000, publisher.deltaAdGroups(),
                            publisher.compactions() - before[1], publisher.lastCompactionNanos() / 1_000_000, publisher.folds() - before[2],
                            publisher.longestPublishNanos() / 1_000_000, publisher.longestFoldNanos() / 1_000_000));
        }
        return 0;
    }

    /** PUTs audiences 1..n through the admin API (ad groups of the workload refer to them), in small batches. */
    private static void registerAudiences(Target target, int n) throws Exception {
        try (KeepAliveClient c = new KeepAliveClient(target.adminPort())) {
            for (int from = 1; from <= n; from += 50) {
                StringBuilder body = new StringBuilder("{\"changes\":[");
                for (int id = from; id < Math.min(n + 1, from + 50); id++) {
                    body.append(id == from ? "" : ",").append("{\"op\":\"PUT\",\"kind\":\"audiences\",\"object\":")
                            .append(ObjectKind.toJson(new Audience(id, 1, "audience " + id, "global", "GAID"))).append('}');
                }
                KeepAliveClient.Answer a = c.send("POST", "/v1/admin/catalog/batch", target.token(),
                        body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
                if (a.status() != 200) {
                    throw new IllegalStateException("audiences refused: " + a.status() + " " + a.body());
                }
            }
        }
    }

    /**
     * The measured sequence against one engine: warm-up (5 s of requests, a 30 s storm, a pause), idle, storm; prints
     * the figures. {@code cpuReader} reads CPU time by thread group; {@code atStormStart} and {@code counters} let the
     * in-process run add the publisher's counters to the summary line.
     */
    private static void measure(Target target, Catalog catalog, RequestGenerator requests, int seconds, int changesPerSecond,
                                int requestsPerSecond, java.util.function.Supplier<Map<String, Long>> cpuReader, String cpuScope,
                                Runnable atStormStart, java.util.function.Supplier<String> counters) throws Exception {
        // Warm-up (JIT), not recorded: requests alone, then requests with changes, so that the change path,
        // the delta builds and a compaction are compiled before anything is measured (an engine that has
        // run for a while has them compiled); then a pause for the compactor to settle.
        List<Sender> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            senders.add(new Sender(catalog, s, SENDERS));
        }
        serve(target, requests, 5, requestsPerSecond, null, null);
        ConcurrentSkipListMap<Long, Long> warmUpPending = new ConcurrentSkipListMap<>();
        Histogram warmUpFreshness = new Histogram(60_000_000_000L, 3);
        Storm warmUp = storm(target, senders, changesPerSecond, warmUpPending, () -> serve(target, requests,
                WARM_UP_STORM_SECONDS, requestsPerSecond, warmUpPending, warmUpFreshness));
        System.out.printf("warm-up storm (%d s, not the figure: the JIT compiles the change path meanwhile): %d changes; "
                        + "freshness ms p50 %.1f p99 %.1f; serving p99 %.2f ms%n", WARM_UP_STORM_SECONDS, warmUp.changes(),
                warmUpFreshness.getValueAtPercentile(50) / 1e6, warmUpFreshness.getValueAtPercentile(99) / 1e6,
                warmUp.serving().getValueAtPercentile(99) / 1e6);
        Thread.sleep(SETTLE_MILLIS);
        Histogram idle = serve(target, requests, seconds, requestsPerSecond, null, null);
        ConcurrentSkipListMap<Long, Long> pending = new ConcurrentSkipListMap<>();
        Histogram freshness = new Histogram(60_000_000_000L, 3);
        atStormStart.run();
        Map<String, Long> cpuBefore = cpuReader.get();
        long stormStart = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<Map<String, Long>> cpuAtEnd = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicLong stormEnd = new AtomicLong();
        Storm measured = storm(target, senders, changesPerSecond, pending, () -> {
            Histogram h = serve(target, requests, seconds, requestsPerSecond, pending, freshness);
            cpuAtEnd.set(cpuReader.get()); // while the senders still run, so that their threads are counted
            stormEnd.set(System.nanoTime());
            return h;
        });
        long changesSent = measured.changes();
        Histogram storm = measured.serving();
        double stormSeconds = (stormEnd.get() - stormStart) / 1e9;
        StringBuilder cpu = new StringBuilder();
        Map<String, Long> used = new java.util.HashMap<>();
        cpuAtEnd.get().forEach((name, nanos) -> used.put(name, nanos - cpuBefore.getOrDefault(name, 0L)));
        used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10).forEach(e -> cpu.append(
                String.format(" %s %.0f%%", e.getKey(), 100.0 * e.getValue() / 1e9 / stormSeconds)));
        cpu.append(String.format("; total %.0f%%", 100.0 * used.values().stream().mapToLong(Long::longValue).sum() / 1e9 / stormSeconds));
        System.out.println("CPU during the storm, % of one core, by thread group (" + cpuScope + "):" + cpu);
        System.out.printf("changes acknowledged: %d in %.1f s (%.0f/s); %spending unresolved %d%n", changesSent, stormSeconds,
                changesSent / stormSeconds, counters.get(), pending.size());
        System.out.printf("freshness (200 -> first ad response with it), ms: p50 %.1f  p99 %.1f  max %.1f  (n=%d)%n",
                freshness.getValueAtPercentile(50) / 1e6, freshness.getValueAtPercentile(99) / 1e6, freshness.getMaxValue() / 1e6,
                freshness.getTotalCount());
        System.out.printf("serving latency idle,  ms: p50 %.2f  p99 %.2f  max %.2f  (n=%d)%n", idle.getValueAtPercentile(50) / 1e6,
                idle.getValueAtPercentile(99) / 1e6, idle.getMaxValue() / 1e6, idle.getTotalCount());
        System.out.printf("serving latency storm, ms: p50 %.2f  p99 %.2f  max %.2f  (n=%d)%n", storm.getValueAtPercentile(50) / 1e6,
                storm.getValueAtPercentile(99) / 1e6, storm.getMaxValue() / 1e6, storm.getTotalCount());
        System.out.printf("serving p99 storm / idle = %.2f%n", (double) storm.getValueAtPercentile(99) / idle.getValueAtPercentile(99));
    }

    /** This JVM's thread folder on Linux (every native thread, JIT compilers and collector included), or empty elsewhere. */
    private static final Path PROC_TASKS = Files.isDirectory(Path.of("/proc/self/task")) ? Path.of("/proc/self/task") : null;
    /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;

    /**
     * CPU nanoseconds by thread name with trailing numbers dropped, from a process's /proc task folder, which sees every
     * thread (names are cut to 15 characters there, and threads that ended are not counted). Empty when unreadable.
     */
    private static Map<String, Long> cpuByThreadGroup(Path tasksDir) {
        Map<String, Long> byGroup = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(tasksDir)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (java.io.IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                byGroup.merge(name.replaceAll("[-#]?\\d+$", "").trim(), ticks * (1_000_000_000L / TICKS_PER_SECOND), Long::sum);
            }
        } catch (java.io.IOException e) {
            byGroup.clear();
        }
        return byGroup;
    }

    /** CPU nanoseconds of this JVM's live Java threads by name with trailing numbers dropped (where /proc is missing). */
    private static Map<String, Long> javaThreadCpu() {
        Map<String, Long> byGroup = new java.util.TreeMap<>();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                byGroup.merge(info.getThreadName().replaceAll("[-#]?\\d+$", ""), cpu, Long::sum);
            }
        }
        return byGroup;
    }

    /**
     * Ad requests at a fixed rate on 2 connections; latency measured from the intended send time (no coordinated
     * omission). Bodies come from the workload's request stream, or (for the simple catalog) a random ad space and country.
     */
    private static Histogram serve(Target target, RequestGenerator requests, int seconds, int rate, ConcurrentSkipListMap<Long, Long> pending,
                                   Histogram freshness) throws Exception {
        Histogram total = new Histogram(60_000_000_000L, 3);
        int threads = 2;
        List<Thread> list = new ArrayList<>();
        List<Histogram> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(60_000_000_000L, 3);
            parts.add(h);
            int id = t;
            Thread th = new Thread(() -> {
                Random r = new Random(id);
                long interval = 1_000_000_000L * threads / rate;
                try (KeepAliveClient c = new KeepAliveClient(target.publicPort())) {
                    long start = System.nanoTime();
                    long end = start + seconds * 1_000_000_000L;
                    for (long next = start; next < end; next += interval) {
                        long now;
                        while ((now = System.nanoTime()) < next) {
                            LockSupport.parkNanos(next - now);
                        }
                        String body = requests != null ? requests.request(r.nextInt(1_000_000)).toJson()
                                : "{\"requestId\":\"b\",\"adSpaceId\":" + (1 + r.nextInt(1_000)) + ",\"count\":1,"
                                + "\"device\":{\"os\":\"android\",\"osVersion\":\"13\",\"language\":\"en\",\"network\":\"wifi\"},"
                                + "\"geo\":{\"country\":\"" + SyncCatalogGenerator.country(r.nextInt(SyncCatalogGenerator.COUNTRIES)) + "\"}}";
                        KeepAliveClient.Answer a = c.send("POST", "/v1/ads", null, body.getBytes(StandardCharsets.UTF_8));
                        long done = System.nanoTime();
                        h.recordValue(Math.min(done - next, 59_000_000_000L));
                        if (pending != null && a.status() == 200) {
                            Matcher m = CATALOG_VERSION.matcher(a.body());
                            if (m.find()) {
                                Map<Long, Long> resolved = pending.headMap(Long.parseLong(m.group(1)), true);
                                for (Map.Entry<Long, Long> e : resolved.entrySet()) {
                                    if (pending.remove(e.getKey()) != null) {
                                        synchronized (freshness) {
                                            freshness.recordValue(Math.max(0, done - e.getValue()));
                                        }
                                    }
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "server-load-" + t);
            list.add(th);
            th.start();
        }
        for (Thread t : list) {
            t.join();
        }
        parts.forEach(total::add);
        return total;
    }

    /** What a storm phase gave: the changes acknowledged and the serving latency meanwhile. */
    private record Storm(long changes, Histogram serving) {
    }

    /** Runs {@code serving} (on this thread) while the senders PUT ad-group changes at {@code changesPerSecond} in total. */
    private static Storm storm(Target target, List<Sender> senders, int changesPerSecond,
                               ConcurrentSkipListMap<Long, Long> pending, java.util.concurrent.Callable<Histogram> serving) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (Sender sender : senders) {
            threads.add(new Thread(() -> sender.run(target, changesPerSecond / senders.size(), stop, pending, sent),
                    "changer-" + sender.senderId));
        }
        threads.forEach(Thread::start);
        Histogram latency;
        try {
            latency = serving.call();
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        return new Storm(sent.get(), latency);
    }

    /**
     * One change sender: PUTs a random ad group of its share (ids ≡ senderId mod senders) with a new version and
     * bid, paced; notes each 200's seq. Keeps the versions it sent, so it can run several phases.
     */
    private static final class Sender {
        private final int senderId;
        private final List<AdGroup> mine = new ArrayList<>();
        private final long[] versions;
        private final Random random;

        Sender(Catalog catalog, int senderId, int senders) {
            this.senderId = senderId;
            for (AdGroup g : catalog.adGroups()) {
                if (g.id() % senders == senderId) {
                    mine.add(g);
                }
            }
            versions = new long[mine.size()];
            Arrays.fill(versions, 1);
            random = new Random(100 + senderId);
        }

        void run(Target target, int rate, AtomicBoolean stop, ConcurrentSkipListMap<Long, Long> pending, AtomicLong sent) {
            long interval = 1_000_000_000L / rate;
            try (KeepAliveClient c = new KeepAliveClient(target.adminPort())) {
                long next = System.nanoTime();
                while (!stop.get()) {
                    long now;
                    while ((now = System.nanoTime()) < next) {
                        LockSupport.parkNanos(next - now);
                    }
                    next += interval;
                    int i = random.nextInt(mine.size());
                    AdGroup g = mine.get(i);
                    versions[i]++;
                    AdGroup changed = new AdGroup(g.id(), versions[i], g.campaignId(), g.name(), g.app(), g.installState(), g.placements(),
                            g.adSpaceIds(), g.publisherIds(), g.targeting(), g.schedule(), g.budget(),
                            new Bid(g.bid().model(), 1_000_000 + random.nextInt(9_000_000)), g.review(), g.rejectReason(), g.deliveryOn());
                    byte[] body = ObjectKind.toJson(changed).toString().getBytes(StandardCharsets.UTF_8);
                    KeepAliveClient.Answer a = c.send("PUT", "/v1/admin/catalog/ad-groups/" + g.id(), target.token(), body);
                    long acked = System.nanoTime();
                    if (a.status() != 200) {
                        throw new IllegalStateException("change refused: " + a.status() + " " + a.body());
                    }
                    Matcher m = SEQ.matcher(a.body());
                    if (m.find()) {
                        pending.put(Long.parseLong(m.group(1)), acked);
                    }
                    sent.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
