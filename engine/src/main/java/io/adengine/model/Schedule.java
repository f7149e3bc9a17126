package io.adengine.model;

import java.time.LocalDate;

/**
 * When an ad group delivers: its time zone (a whole-hour UTC offset, -12..+12), a start date, an
 * optional end date (inclusive), and the hours of the week, all in that time zone (seed 001 §3.1.2).
 */
public record Schedule(int utcOffsetHours, LocalDate start, LocalDate end, HoursOfWeek hours) {

    public Schedule {
        if (utcOffsetHours < -12 || utcOffsetHours > 12) {
            throw new IllegalArgumentException("schedule.utcOffsetHours must be -12..12, was " + utcOffsetHours);
        }
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("schedule.end must not be before schedule.start");
        }
    }

    /** First instant of the flight, epoch millis. */
    public long startMillis() {
        // Local midnight of the start day, as plain arithmetic (no java.time objects: snapshot builds call this per group).
        return (start.toEpochDay() * 86_400L - utcOffsetHours * 3_600L) * 1_000L;
    }

    /** First instant after the flight ({@link Long#MAX_VALUE} without an end date), epoch millis. */
    public long endMillis() {
        if (end == null) {
            return Long.MAX_VALUE;
        }
        return ((end.toEpochDay() + 1) * 86_400L - utcOffsetHours * 3_600L) * 1_000L;
    }

    /** Whether the ad group's schedule is live at this instant. */
    public boolean isLive(long epochMillis) {
        return epochMillis >= startMillis() && epochMillis < endMillis()
                && hours.contains(HoursOfWeek.hourOfWeek(epochMillis, utcOffsetHours));
    }
}
