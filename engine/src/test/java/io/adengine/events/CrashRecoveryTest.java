package io.adengine.events;

import io.adengine.index.SnapshotHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a JVM publishing impressions: after restart every acknowledged impression is in
 * the journal exactly once, and the ledger rebuilt from the journal charges each journaled one once.
 */
class CrashRecoveryTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void killedJvmShouldLoseNoAcknowledgedImpressionAndChargeNoneTwice() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String line : Files.readAllLines(Path.of("..", "config", "jvm.options"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                command.add(line.trim());
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(),
                Long.toString(NOW)));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<String> acked = new HashSet<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String line;
            while (acked.size() < 3_000 && System.nanoTime() < deadline && (line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(line.substring(4));
                }
            }
            // SIGKILL: no shutdown hook, no close; what the child acknowledged and we read is what a client saw.
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(acked).hasSizeGreaterThan(100);

        Map<String, Integer> journaled = new HashMap<>();
        long[] expectedSpend = {0};
        Journal.replay(dir, e -> {
            if (e.type == EventType.IMPRESSION) {
                journaled.merge(String.format("%016x%016x", e.impressionHi, e.impressionLo), 1, Integer::sum);
                expectedSpend[0] += e.chargePerUnit / 1000;
            }
        });
        assertThat(journaled.keySet()).containsAll(acked);
        assertThat(journaled.values()).allMatch(n -> n == 1);

        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPM", 2_000_000, 0, 0, io.adengine.model.Money.MAX_AMOUNT_MICROS, 0));
        try (EventPipeline p = BillingFixture.start(dir, holder, new AtomicLong(NOW))) {
            assertThat(p.ledger().account(BillingFixture.ACCOUNT).spent()).isEqualTo(expectedSpend[0])
                    .isEqualTo(journaled.size() * 2_000L);
            assertThat(p.ledger().account(BillingFixture.ACCOUNT).spent()).isGreaterThanOrEqualTo(acked.size() * 2_000L);
        }
    }
}
