package io.adengine.model;

import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class OsVersionAndHoursTest {

    @Test
    void encodeShouldOrderVersionsNumericallyAndRejectGarbage() {
        assertThat(OsVersionRange.encode("9")).isLessThan(OsVersionRange.encode("10"));
        assertThat(OsVersionRange.encode("12.1")).isGreaterThan(OsVersionRange.encode("12"));
        assertThat(OsVersionRange.encode("12.0.0")).isEqualTo(OsVersionRange.encode("12"));
        assertThat(OsVersionRange.encode("12.1.3")).isEqualTo(12_001_003);
        for (String bad : new String[] {"", "x", "1..2", "1.2.3.4", "1234", "-1", "12.", ".5", "1 2"}) {
            assertThat(OsVersionRange.encode(bad)).as(bad).isEqualTo(-1);
        }
        assertThat(OsVersionRange.encode(null)).isEqualTo(-1);
    }

    @Test
    void hourOfWeekShouldMatchJavaTime() {
        Property.forAll(2_000, gen -> {
            long millis = gen.longs(0, 4_000_000_000_000L);
            int offset = gen.ints(-12, 12);
            LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.ofHours(offset));
            int expected = (local.getDayOfWeek().getValue() - 1) * 24 + local.getHour();

            assertThat(HoursOfWeek.hourOfWeek(millis, offset)).as("hourOfWeek(%d, %d)", millis, offset).isEqualTo(expected);
        });
    }

    @Test
    void allDayShouldContainEveryHourAndOfShouldContainOnlyItsHours() {
        for (int h = 0; h < HoursOfWeek.HOURS; h++) {
            assertThat(HoursOfWeek.ALL_DAY.contains(h)).isTrue();
        }
        HoursOfWeek some = HoursOfWeek.of(0, 63, 64, 167);
        assertThat(some.contains(63)).isTrue();
        assertThat(some.contains(62)).isFalse();
        assertThat(some.contains(167)).isTrue();
        assertThat(some.isAllDay()).isFalse();
    }

    @Test
    void scheduleShouldBeLiveFromLocalMidnightOfStartUntilAfterEnd() {
        Schedule s = new Schedule(8, java.time.LocalDate.of(2026, 11, 1), java.time.LocalDate.of(2026, 11, 30), HoursOfWeek.ALL_DAY);

        assertThat(s.isLive(Instant.parse("2026-10-31T15:59:59Z").toEpochMilli())).isFalse();
        assertThat(s.isLive(Instant.parse("2026-10-31T16:00:00Z").toEpochMilli())).isTrue();
        assertThat(s.isLive(Instant.parse("2026-11-30T15:59:59Z").toEpochMilli())).isTrue();
        assertThat(s.isLive(Instant.parse("2026-11-30T16:00:00Z").toEpochMilli())).isFalse();
    }
}
