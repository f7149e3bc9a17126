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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Start-up time of the event pipeline over a large journal (issue 12, "journal retention"): writes a journal of
 * about {@code --gigabytes} of CPM impressions, then times {@code EventPipeline.start} three ways in the same run:
 * (1) no checkpoint, the whole journal replayed into dedup, validity, ledger and rollups (what every start did
 * before checkpoints); (2) a checkpoint covering it, files still within the retention (read for dedup and validity
 * only); (3) the same files older than the retention (deleted at start). Each start is closed again before the
 * next (a clean close writes a checkpoint, so (1) is timed first).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.adengine.bench.events.JournalStartup [--gigabytes 1]}
 */
@Command(name = "JournalStartup", mixinStandardHelpOptions = true,
        description = "Event pipeline start-up over a large journal: no checkpoint, checkpoint within retention, past retention.")
public final class JournalStartup implements Callable<Integer> {

    private JournalStartup() {
    }

    @Option(names = "--gigabytes", description = "journal size to write (default: ${DEFAULT-VALUE})")
    double gigabytes = 1.0;

    @Option(names = "--dir", description = "folder for the journal (default: a new temporary folder, deleted at the end)")
    Path dir;

    public static void main(String[] args) {
        BenchMain.runMain(new JournalStartup(), args);
    }

    @Override
    public Integer call() throws Exception {
        Path journal = dir != null ? dir : Files.createTempDirectory("journal-startup");
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(EngineConfig.AuctionConfig.defaults())
                .build(BenchCatalogs.cpm(1, 1_000_000_000L, 1)));
        EventsConfig config = EventsConfig.inDirectory(journal).withFsync(EventsConfig.Fsync.NONE).withRingSize(1 << 16)
                .withDedupCapacity(1 << 24).withPacing(EventsConfig.Pacing.ASAP);
        long now = System.currentTimeMillis();
        long records = (long) (gigabytes * (1L << 30)) / 117;
        try {
            long t0 = System.nanoTime();
            try (EventPipeline p = start(config, holder, now)) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                TrackerSigner.Claims c = new TrackerSigner.Claims(TrackerSigner.Purpose.IMPRESSION, "", 101, 1, 1, 1, "CPM", 2_000_000,
                        now / 1000 + 3600);
                for (long i = 0; i < records; i++) {
                    // Spread over the last hours; every impression new (random ids), so the dedup table grows.
                    long t = now - 6 * 3_600_000L + i * (6 * 3_600_000L) / records;
                    while (!p.publishTracker(EventType.IMPRESSION, c, r.nextLong(), r.nextLong(), 1, 7, (short) 0, t, (s, why) -> { })) {
                        Thread.onSpinWait();
                    }
                }
                p.drain();
            }
            System.out.printf("wrote %,d records, %,d bytes in %d files, %.1f s%n", records, size(journal), files(journal).size(),
                    (System.nanoTime() - t0) / 1e9);
            Files.delete(journal.resolve("checkpoint.bin"));
            System.out.printf("1. no checkpoint (every start before):          %,8d ms%n", timeStart(config, holder, now));
            System.out.printf("2. checkpoint, files within the retention:      %,8d ms%n", timeStart(config, holder, now));
            FileTime old = FileTime.from(Instant.ofEpochMilli(now).minusSeconds((config.retention().retentionDays() + 1) * 86_400));
            for (Path f : files(journal)) {
                Files.setLastModifiedTime(f, old);
            }
            System.out.printf("3. checkpoint, files past the retention:        %,8d ms (then %d files, %,d bytes)%n",
                    timeStart(config, holder, now), files(journal).size(), size(journal));
        } finally {
            if (dir == null) {
                try (Stream<Path> s = Files.walk(journal)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return 0;
    }

    private static EventPipeline start(EventsConfig config, SnapshotHolder holder, long now) throws IOException {
        return EventPipeline.startManualTicks(config, holder, () -> now, new PrometheusRegistry(), EventPipeline.EventSink.NONE);
    }

    private static long timeStart(EventsConfig config, SnapshotHolder holder, long now) throws IOException {
        long t = System.nanoTime();
        EventPipeline p = start(config, holder, now);
        long ms = (System.nanoTime() - t) / 1_000_000;
        p.close();
        return ms;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("journal-")).toList();
        }
    }

    private static long size(Path dir) throws IOException {
        long n = 0;
        for (Path f : files(dir)) {
            n += Files.size(f);
        }
        return n;
    }
}
