package io.adengine.model;

import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Time zones against java.time itself: offsets, local days and hours of the week at random instants,
 * around daylight-saving changes and back and forth across them (the cached period must follow), in
 * zones with whole-hour, half-hour and 45-minute offsets and a half-hour daylight shift.
 */
class LocalZoneTest {

    private static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
            "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "UTC", "+05:30", "-09:45");
    private static final long[] CHANGES = {Instant.parse("2026-03-29T01:00:00Z").toEpochMilli(), Instant.parse("2026-10-25T01:00:00Z").toEpochMilli(),
        Instant.parse("2026-11-01T06:00:00Z").toEpochMilli(), Instant.parse("2027-04-03T15:00:00Z").toEpochMilli()};

    @Test
    void offsetsDaysAndHoursShouldEqualJavaTime() {
        Property.forAll(2_000, gen -> {
            java.util.Random r = gen.random();
            String name = ZONES.get(r.nextInt(ZONES.size()));
            LocalZone zone = LocalZone.parse(name);
            for (int i = 0; i < 50; i++) {
                long t = r.nextBoolean() ? CHANGES[r.nextInt(CHANGES.length)] + (long) ((r.nextDouble() * 2 - 1) * 4 * 3_600_000L)
                        : Instant.parse("2020-01-01T00:00:00Z").toEpochMilli() + (long) (r.nextDouble() * 10 * 365 * 86_400_000L);
                ZonedDateTime local = Instant.ofEpochMilli(t).atZone(ZoneId.of(name));
                assertThat(zone.offsetMillisAt(t)).as("%s at %s", name, Instant.ofEpochMilli(t)).isEqualTo(local.getOffset().getTotalSeconds() * 1000L);
                assertThat(zone.localDay(t)).isEqualTo(local.toLocalDate().toEpochDay());
                assertThat(zone.hourOfWeek(t)).isEqualTo((local.getDayOfWeek().getValue() - 1) * 24 + local.getHour());
                assertThat(zone.sinceLocalMidnight(t)).isEqualTo(local.toLocalTime().toNanoOfDay() / 1_000_000);
            }
        });
    }

    @Test
    void aLocalTimeInTheSpringGapShouldMapToTheInstantJavaTimeGives() {
        LocalZone berlin = LocalZone.parse("Europe/Berlin");
        LocalDateTime gap = LocalDateTime.parse("2026-03-29T02:30");
        assertThat(berlin.epochMillis(gap)).isEqualTo(ZonedDateTime.of(gap, ZoneId.of("Europe/Berlin")).toInstant().toEpochMilli());
    }

    @Test
    void zonesShouldBeOneInstanceEachAndRefuseWhatIsNotAZone() {
        assertThat(LocalZone.parse("Asia/Kolkata")).isSameAs(LocalZone.parse("Asia/Kolkata"));
        assertThat(LocalZone.ofOffsetMinutes(330)).isSameAs(LocalZone.parse("+05:30"));
        assertThatThrownBy(() -> LocalZone.parse("Mars/Olympus")).hasMessageContaining("unknown time zone");
        assertThatThrownBy(() -> LocalZone.ofOffsetMinutes(331)).hasMessageContaining("multiple of 15");
    }

    @Test
    void aFlightShouldStartAndEndOnLocalQuarterHours() {
        LocalZone kolkata = LocalZone.parse("Asia/Kolkata");
        Schedule s = new Schedule(kolkata, LocalDateTime.parse("2026-11-28T09:30"), LocalDateTime.parse("2026-11-28T18:45"), HoursOfWeek.ALL_DAY);
        assertThat(s.startMillis()).isEqualTo(Instant.parse("2026-11-28T04:00:00Z").toEpochMilli());
        assertThat(s.isLive(Instant.parse("2026-11-28T03:59:59.999Z").toEpochMilli())).isFalse();
        assertThat(s.isLive(Instant.parse("2026-11-28T04:00:00Z").toEpochMilli())).isTrue();
        assertThat(s.isLive(Instant.parse("2026-11-28T13:15:00Z").toEpochMilli())).isFalse();
        assertThatThrownBy(() -> new Schedule(kolkata, LocalDateTime.parse("2026-11-28T09:31"), null, HoursOfWeek.ALL_DAY))
                .hasMessageContaining("quarter hour");
    }
}
