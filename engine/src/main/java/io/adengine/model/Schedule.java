package io.adengine.model;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * When an ad group delivers (seed 001 §3.1.2): its time zone (an IANA zone such as {@code Asia/Kolkata},
 * with daylight saving, or a fixed offset), the local start of its flight, an optional local end
 * (exclusive), and the hours of the week it runs, all in that zone. The budget day is the zone's day too.
 * Flight bounds fall on a local quarter hour, so that what is live only changes at UTC quarter hours
 * (see {@link LocalZone#QUARTER_MILLIS}). Immutable; the flight's instants are computed once.
 */
public final class Schedule {

    private final LocalZone zone;
    private final LocalDateTime start;
    private final LocalDateTime end;
    private final HoursOfWeek hours;
    private final long startMillis;
    private final long endMillis;

    /**
     * @param start the first local instant of the flight
     * @param end   the first local instant after it, or {@code null}: no end
     */
    public Schedule(LocalZone zone, LocalDateTime start, LocalDateTime end, HoursOfWeek hours) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.start = Objects.requireNonNull(start, "start");
        this.end = end;
        this.hours = Objects.requireNonNull(hours, "hours");
        if (!onQuarter(start) || end != null && !onQuarter(end)) {
            throw new IllegalArgumentException("schedule start and end must fall on a quarter hour (HH:00, :15, :30 or :45)");
        }
        if (end != null && !end.isAfter(start)) {
            throw new IllegalArgumentException("schedule.end must come after schedule.start");
        }
        this.startMillis = zone.epochMillis(start);
        this.endMillis = end == null ? Long.MAX_VALUE : zone.epochMillis(end);
    }

    /** A flight of whole local days: from {@code startDay} 00:00 to the end of {@code lastDay} (inclusive; {@code null}: no end). */
    public static Schedule days(LocalZone zone, LocalDate startDay, LocalDate lastDay, HoursOfWeek hours) {
        return new Schedule(zone, startDay.atStartOfDay(), lastDay == null ? null : lastDay.plusDays(1).atStartOfDay(), hours);
    }

    /** A flight of whole days at a whole-hour UTC offset (-12..+12), as catalogs before time zones said it. */
    public Schedule(int utcOffsetHours, LocalDate start, LocalDate end, HoursOfWeek hours) {
        this(checkedOffset(utcOffsetHours), start.atStartOfDay(), end == null ? null : end.plusDays(1).atStartOfDay(), hours);
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("schedule.end must not be before schedule.start");
        }
    }

    private static LocalZone checkedOffset(int utcOffsetHours) {
        if (utcOffsetHours < -12 || utcOffsetHours > 12) {
            throw new IllegalArgumentException("schedule.utcOffsetHours must be -12..12, was " + utcOffsetHours);
        }
        return LocalZone.of(ZoneOffset.ofHours(utcOffsetHours));
    }

    private static boolean onQuarter(LocalDateTime t) {
        return t.getMinute() % 15 == 0 && t.getSecond() == 0 && t.getNano() == 0;
    }

    public LocalZone zone() {
        return zone;
    }

    /** The flight's first local instant. */
    public LocalDateTime start() {
        return start;
    }

    /** The first local instant after the flight, or {@code null} without an end. */
    public LocalDateTime end() {
        return end;
    }

    public HoursOfWeek hours() {
        return hours;
    }

    /** First instant of the flight, epoch millis. */
    public long startMillis() {
        return startMillis;
    }

    /** First instant after the flight ({@link Long#MAX_VALUE} without an end), epoch millis. */
    public long endMillis() {
        return endMillis;
    }

    /** Whether the ad group's schedule is live at this instant. */
    public boolean isLive(long epochMillis) {
        return epochMillis >= startMillis && epochMillis < endMillis && hours.contains(zone.hourOfWeek(epochMillis));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && zone == s.zone && start.equals(s.start) && Objects.equals(end, s.end) && hours.equals(s.hours);
    }

    @Override
    public int hashCode() {
        return Objects.hash(zone, start, end, hours);
    }

    @Override
    public String toString() {
        return "Schedule[" + zone + ", " + start + " .. " + (end == null ? "open" : end) + ", " + hours + "]";
    }
}
