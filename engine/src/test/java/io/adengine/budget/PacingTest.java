package io.adengine.budget;

import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** One pacing step moves the pass-through rate against the even plan of the group's local day. */
class PacingTest {

    private static final Path SAMPLE = Path.of("..", "config", "sample-catalog.json");

    @Test
    void paceShouldThrottleAGroupAheadOfPlanAndReleaseOneBehindIt() throws IOException {
        Catalog catalog = CatalogJson.read(SAMPLE);
        // Group 100: daily budget 50 USD, UTC+5. 05:00 local = 00:00 UTC, so the plan is ~5/24 of the day.
        long now = Instant.parse("2026-11-28T00:00:00Z").toEpochMilli();
        SpendLedger ledger = new SpendLedger(() -> catalog, 60_000);
        GroupSpend g = ledger.group(100);
        assertThat(ledger.charge(100, 1, 30_000_000, now)).isEqualTo(30_000_000);

        ledger.pace(now, 1_000);
        assertThat(g.passPpm()).as("30 of 50 spent at 5/24 of the day: ahead").isEqualTo(800_000);
        ledger.pace(now, 1_000);
        assertThat(g.passPpm()).isEqualTo(640_000);

        long evening = Instant.parse("2026-11-28T17:00:00Z").toEpochMilli();
        ledger.pace(evening, 1_000);
        assertThat(g.passPpm()).as("30 of 50 at 22/24 of the day: behind").isEqualTo(800_000);
        for (int i = 0; i < 20; i++) {
            ledger.pace(evening, 1_000);
        }
        assertThat(g.passPpm()).isEqualTo(1_000_000);
    }
}
