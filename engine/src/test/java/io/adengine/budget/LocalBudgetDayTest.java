package io.adengine.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogJson;
import io.adengine.model.Catalog;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget day is the ad group's own local day, also in a half-hour zone and across daylight saving. */
class LocalBudgetDayTest {

    private static final Path SAMPLE = Path.of("..", "config", "sample-catalog.json");

    /** The sample catalog with group 100 (daily budget 50 USD) in a zone. */
    private static Catalog inZone(String zone) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(SAMPLE.toFile());
        for (var g : root.get("adGroups")) {
            if (g.get("id").asLong() == 100) {
                ObjectNode s = (ObjectNode) g.get("schedule");
                s.remove("utcOffsetHours");
                s.put("timeZone", zone);
            }
        }
        return CatalogJson.read(new ByteArrayInputStream(json.writeValueAsBytes(root)));
    }

    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void theDailyBudgetShouldRenewAtLocalMidnightInKolkata() throws Exception {
        Catalog catalog = inZone("Asia/Kolkata");
        SpendLedger ledger = new SpendLedger(() -> catalog, 60_000);
        long daily = catalog.adGroup(100).budget().dailyMicros();
        // Kolkata is UTC+05:30: its midnight is 18:30 UTC.
        assertThat(ledger.charge(100, 1, daily, millis("2026-11-28T18:29:00Z"))).isEqualTo(daily);
        assertThat(ledger.charge(100, 1, 1, millis("2026-11-28T18:29:59Z"))).as("the local day is spent").isEqualTo(-1);
        assertThat(ledger.charge(100, 1, 1, millis("2026-11-28T18:30:00Z"))).as("a new local day").isEqualTo(1);
    }

    @Test
    void theLocalDayShouldFollowDaylightSavingInBerlin() throws Exception {
        Catalog catalog = inZone("Europe/Berlin");
        SpendLedger ledger = new SpendLedger(() -> catalog, 60_000);
        long daily = catalog.adGroup(100).budget().dailyMicros();
        // Summer time (UTC+2) ended on 2026-10-25: that day's local midnight was 22:00 UTC on the 24th, the next one 23:00 UTC.
        assertThat(ledger.charge(100, 1, daily, millis("2026-10-24T22:00:00Z"))).isEqualTo(daily);
        assertThat(ledger.charge(100, 1, 1, millis("2026-10-25T22:59:00Z"))).as("still 25 October in Berlin").isEqualTo(-1);
        assertThat(ledger.charge(100, 1, 1, millis("2026-10-25T23:00:00Z"))).as("26 October").isEqualTo(1);
    }
}
