package io.adengine.catalog;

import io.adengine.model.Campaign;
import io.adengine.catalog.CatalogJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Acknowledged changes survive kill -9 and restarts; a torn or corrupt log tail is cut off, not fatal. */
class CatalogStoreDurabilityTest {

    private static final Path CONFIG_DIR = Path.of("..", "config").toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    private CatalogStore open(int snapshotEvery) throws Exception {
        return CatalogStore.open(dataDir, CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")), CatalogRules.load(CONFIG_DIR),
                () -> 1_000L, snapshotEvery);
    }

    private static Campaign renamed(Campaign base, long version) {
        return new Campaign(base.id(), version, base.accountId(), "name-" + version, base.objective(), base.promotion(), base.enabled());
    }

    @Test
    void killedWriterShouldLoseNoAcknowledgedChange() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String line : Files.readAllLines(CONFIG_DIR.resolve("jvm.options"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                command.add(line.trim());
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(),
                dataDir.toString(), CONFIG_DIR.toString()));
        // The child's stdout goes to a file: every acknowledgement it printed before dying is there after the kill.
        Path acks = dataDir.resolve("acks.txt");
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(acks.toFile()).start();
        try {
            // Kill mid-stream once enough changes are acknowledged to have crossed several snapshots (one every 50).
            for (int i = 0; i < 600 && countAcks(acks) < 400 && child.isAlive(); i++) {
                Thread.sleep(50);
            }
            assertThat(child.isAlive()).as("the writer is still writing when killed").isTrue();
            child.destroyForcibly();
            child.waitFor();
        } finally {
            child.destroyForcibly();
        }
        Map<Long, Long> acknowledged = new HashMap<>();
        for (String line : Files.readAllLines(acks)) {
            if (line.startsWith("ACK ")) {
                String[] p = line.split(" ");
                acknowledged.merge(Long.parseLong(p[1]), Long.parseLong(p[2]), Math::max);
            }
        }
        assertThat(acknowledged).containsKeys(1_000_000L, 2_000_000L);

        try (CatalogStore store = open(50)) {
            for (Map.Entry<Long, Long> e : acknowledged.entrySet()) {
                long firstId = e.getKey();
                long lastAcked = e.getValue();
                for (long id = firstId + 1; id <= lastAcked; id++) {
                    assertThat(store.find(ObjectKind.AUDIENCE, id)).as("acknowledged audience " + id).isNotNull();
                }
                // The one change in flight when the process died may or may not have reached the disk; nothing beyond it may exist.
                assertThat(store.find(ObjectKind.AUDIENCE, lastAcked + 2)).isNull();
            }
            assertThat(store.versions(ObjectKind.AUDIENCE).size()).isBetween(
                    (int) acknowledged.values().stream().mapToLong(v -> v % 1_000_000).sum(),
                    (int) acknowledged.values().stream().mapToLong(v -> v % 1_000_000).sum() + acknowledged.size());
            assertThat(store.operations().query("audiences", 0, "CREATE", Long.MIN_VALUE, Long.MAX_VALUE, 1_000_000).size())
                    .isEqualTo(store.versions(ObjectKind.AUDIENCE).size());
        }
    }

    private static long countAcks(Path file) throws java.io.IOException {
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith("ACK ")).count();
        }
    }

    @Test
    void tornLogTailShouldBeCutOffAndTheGoodPrefixKept() throws Exception {
        try (CatalogStore store = open(1_000)) {
            Campaign base = (Campaign) store.find(ObjectKind.CAMPAIGN, 10);
            for (long v = 2; v <= 6; v++) {
                assertThat(store.apply(List.of(CatalogStore.Change.put(renamed(base, v))), "t").status()).isEqualTo(CatalogStore.Status.APPLIED);
            }
        }
        Path log = ChangeLog.list(dataDir).get(ChangeLog.list(dataDir).size() - 1);
        long size = Files.size(log);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            // Tear the last record in half, as a crash in the middle of a write would.
            ch.truncate(size - 20);
        }

        try (CatalogStore store = open(1_000)) {
            assertThat(((Campaign) store.find(ObjectKind.CAMPAIGN, 10)).version()).isEqualTo(5);
            assertThat(store.seq()).as("the seed's version plus the four intact changes").isEqualTo(1 + 4);
            Campaign base = (Campaign) store.find(ObjectKind.CAMPAIGN, 10);
            assertThat(store.apply(List.of(CatalogStore.Change.put(renamed(base, 7))), "t").status()).isEqualTo(CatalogStore.Status.APPLIED);
        }
        try (CatalogStore store = open(1_000)) {
            assertThat(((Campaign) store.find(ObjectKind.CAMPAIGN, 10)).version()).isEqualTo(7);
        }
    }

    @Test
    void corruptRecordShouldBeDetectedByItsChecksum() throws Exception {
        try (CatalogStore store = open(1_000)) {
            Campaign base = (Campaign) store.find(ObjectKind.CAMPAIGN, 10);
            for (long v = 2; v <= 4; v++) {
                store.apply(List.of(CatalogStore.Change.put(renamed(base, v))), "t");
            }
        }
        Path log = ChangeLog.list(dataDir).get(0);
        byte[] bytes = Files.readAllBytes(log);
        // Flip one byte inside the last record's payload: same length, wrong checksum.
        bytes[bytes.length - 5] ^= 0x5a;
        Files.write(log, bytes);

        try (CatalogStore store = open(1_000)) {
            assertThat(((Campaign) store.find(ObjectKind.CAMPAIGN, 10)).version()).isEqualTo(3);
        }
    }

    @Test
    void snapshotShouldCompactTheLogAndKeepEveryChange() throws Exception {
        try (CatalogStore store = open(1_000)) {
            Campaign base = (Campaign) store.find(ObjectKind.CAMPAIGN, 10);
            store.apply(List.of(CatalogStore.Change.put(renamed(base, 2))), "t");
            store.apply(List.of(CatalogStore.Change.delete(ObjectKind.CAMPAIGN, 11, 0)), "t");
            store.snapshot();
            store.apply(List.of(CatalogStore.Change.put(renamed(base, 3))), "t");
        }
        assertThat(ChangeLog.list(dataDir)).hasSize(1);
        assertThat(CatalogJson.read(dataDir.resolve(CatalogStore.SNAPSHOT_FILE)).campaign(10).version()).isEqualTo(2);

        try (CatalogStore store = open(1_000)) {
            assertThat(((Campaign) store.find(ObjectKind.CAMPAIGN, 10)).version()).isEqualTo(3);
            assertThat(store.find(ObjectKind.CAMPAIGN, 11)).isNull();
            assertThat(store.find(ObjectKind.AD_GROUP, 102)).as("cascaded").isNull();
            assertThat(store.deletedVersion(ObjectKind.CAMPAIGN, 11)).isEqualTo(1);
            Campaign late = renamed(CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")).campaign(11), 1);
            assertThat(store.apply(List.of(CatalogStore.Change.put(late)), "t").status()).isEqualTo(CatalogStore.Status.STALE);
        }
    }
}
