package io.adengine.bench.events;

import io.adengine.bench.BenchMain;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.events.EventPipeline;
import io.adengine.events.EventType;
import io.adengine.events.TrackerSigner;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events per second from publishing threads to the journal, and publish-to-acknowledgement latency
 * (the acknowledgement comes after the event's batch is written and, with {@code fsync=BATCH}, forced).
 * Each publisher keeps at most {@code inflight} events unacknowledged (like that many tracker
 * connections). A timed CLI, not JMH: the quantity is end-to-end through threads and a disk.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.adengine.bench.events.JournalThroughput
 * [--publishers 2] [--seconds 5] [--fsync BATCH|NONE] [--inflight 256] [--wait-strategy SLEEPING|BLOCKING|…]}
 */
@Command(name = "JournalThroughput", mixinStandardHelpOptions = true,
        description = "Tracker events per second into the journal, and publish-to-acknowledgement latency (F6).")
public final class JournalThroughput implements Callable<Integer> {

    private JournalThroughput() {
    }

    @Option(names = "--publishers", description = "publishing threads (default: ${DEFAULT-VALUE})")
    int publishers = 2;

    @Option(names = "--seconds", description = "measured seconds, after one of warm-up (default: ${DEFAULT-VALUE})")
    int seconds = 5;

    @Option(names = "--fsync", description = "BATCH or NONE (default: ${DEFAULT-VALUE})")
    EventsConfig.Fsync fsync = EventsConfig.Fsync.BATCH;

    @Option(names = "--inflight", description = "unacknowledged events per publisher at most (default: ${DEFAULT-VALUE})")
    int inflight = 256;

    @Option(names = "--wait-strategy", description = "the ring's wait strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, the engine's)")
    EventsConfig.WaitStrategy wait = EventsConfig.WAIT_STRATEGY_DEFAULT;

    public static void main(String[] args) {
        BenchMain.runMain(new JournalThroughput(), args);
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("journal-bench");
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(EngineConfig.AuctionConfig.defaults())
                .build(BenchCatalogs.cpm(1, 1_000_000_000L, 1)));
        EventsConfig config = new EventsConfig(dir, 1 << 16, wait, EventsConfig.FullRingPolicy.BLOCK, fsync,
                EventsConfig.JOURNAL_FILE_BYTES_DEFAULT, 86_400, 1 << 24, 60, EventsConfig.Pacing.ASAP, 1_000, false, "", "");
        long now = System.currentTimeMillis();
        Recorder latency = new Recorder(60_000_000_000L, 3);
        AtomicLong acked = new AtomicLong();
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EventPipeline p = EventPipeline.startManualTicks(config, holder, () -> now, registry, EventPipeline.EventSink.NONE)) {
            long warmEnd = System.nanoTime() + 1_000_000_000L;
            long end = warmEnd + seconds * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < publishers; t++) {
                Thread th = new Thread(() -> {
                    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(inflight);
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (System.nanoTime() < end) {
                        window.acquireUninterruptibly();
                        long hi = r.nextLong();
                        long lo = r.nextLong();
                        TrackerSigner.Claims c = new TrackerSigner.Claims(TrackerSigner.Purpose.IMPRESSION, "", 101, 1, 1, 1, "CPM", 2_000_000, now / 1000 + 3600);
                        long start = System.nanoTime();
                        p.publishTracker(EventType.IMPRESSION, c, hi, lo, 1, 7, (short) 0, now, (status, reason) -> {
                            long done = System.nanoTime();
                            if (done > warmEnd) {
                                latency.recordValue(Math.min(60_000_000_000L, done - start));
                                acked.incrementAndGet();
                            }
                            window.release();
                        });
                    }
                    window.acquireUninterruptibly(inflight);
                });
                threads.add(th);
                th.start();
            }
            Thread.sleep(1_000);
            latency.reset();
            double commitsAtStart = p.metrics().journalCommits();
            long t0 = System.nanoTime();
            for (Thread th : threads) {
                th.join();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Histogram h = latency.getIntervalHistogram();
            double commits = p.metrics().journalCommits() - commitsAtStart;
            System.out.printf("publishers=%d fsync=%s wait=%s inflight/publisher=%d measured=%.1fs%n", publishers, fsync, wait, inflight, elapsed);
            System.out.printf("acknowledged events/s: %.0f  (%d events, %.0f group commits, %.1f events per commit)%n",
                    acked.get() / elapsed, acked.get(), commits, acked.get() / Math.max(1, commits));
            System.out.printf("publish->ack latency us: p50=%.0f p99=%.0f p99.9=%.0f max=%.0f%n",
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                    h.getMaxValue() / 1e3);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return 0;
    }
}
