package io.adengine.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.model.LocalZone;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Schedules in catalog JSON: IANA zones, offsets in minutes, local start and end times, and their errors. */
class ScheduleJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLE = Path.of("..", "config", "sample-catalog.json");

    private static ObjectNode group(ObjectNode schedule) throws Exception {
        ObjectNode g = ObjectKind.toJson(CatalogJson.read(SAMPLE).adGroup(100));
        g.set("schedule", schedule);
        return g;
    }

    @Test
    void anIanaZoneAndLocalTimesShouldGiveTheFlightsInstants() throws Exception {
        ObjectNode s = JSON.createObjectNode().put("timeZone", "Asia/Kolkata").put("start", "2026-11-28T09:30").put("end", "2026-12-01");
        AdGroup g = (AdGroup) ObjectKind.AD_GROUP.parse(group(s), "");
        assertThat(g.schedule().zone()).isSameAs(LocalZone.parse("Asia/Kolkata"));
        assertThat(g.schedule().startMillis()).isEqualTo(Instant.parse("2026-11-28T04:00:00Z").toEpochMilli());
        // An end date includes its day: the flight ends at the next local midnight.
        assertThat(g.schedule().endMillis()).isEqualTo(Instant.parse("2026-12-01T18:30:00Z").toEpochMilli());

        Catalog sample = CatalogJson.read(SAMPLE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CatalogJson.write(new Catalog(sample.version(), sample.accounts(), sample.campaigns(), java.util.List.of(g), sample.creatives(),
                sample.adSpaces()), out);
        assertThat(CatalogJson.read(new ByteArrayInputStream(out.toByteArray())).adGroup(100)).isEqualTo(g);
    }

    @Test
    void offsetsInMinutesAndTheOlderHoursShouldStillRead() throws Exception {
        AdGroup minutes = (AdGroup) ObjectKind.AD_GROUP.parse(group(JSON.createObjectNode().put("utcOffsetMinutes", 345).put("start", "2026-11-01")), "");
        assertThat(minutes.schedule().zone()).isSameAs(LocalZone.parse("+05:45"));
        AdGroup hours = (AdGroup) ObjectKind.AD_GROUP.parse(group(JSON.createObjectNode().put("utcOffsetHours", -3).put("start", "2026-11-01")), "");
        assertThat(hours.schedule().startMillis()).isEqualTo(Instant.parse("2026-11-01T03:00:00Z").toEpochMilli());
    }

    @Test
    void badZonesAndTimesShouldNameTheirField() throws Exception {
        assertThat(catchThrowable(() -> ObjectKind.AD_GROUP.parse(group(JSON.createObjectNode().put("timeZone", "Mars/Olympus")
                .put("start", "2026-11-01")), ""))).hasMessageStartingWith("schedule.timeZone: unknown time zone");
        assertThat(catchThrowable(() -> ObjectKind.AD_GROUP.parse(group(JSON.createObjectNode().put("timeZone", "UTC")
                .put("start", "2026-11-01T09:31")), ""))).hasMessageContaining("schedule.start").hasMessageContaining("quarter hour");
        assertThat(catchThrowable(() -> ObjectKind.AD_GROUP.parse(group(JSON.createObjectNode().put("timeZone", "UTC")
                .put("start", "2026-11-01T10:00").put("end", "2026-11-01T10:00")), ""))).hasMessageStartingWith("schedule.end: must come after");
        assertThat(catchThrowable(() -> ObjectKind.AD_GROUP.parse(group(JSON.createObjectNode().put("utcOffsetMinutes", 20)
                .put("start", "2026-11-01")), ""))).hasMessageContaining("schedule.utcOffsetMinutes");
    }
}
