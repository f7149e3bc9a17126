package io.adengine.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A time zone as schedules and budget days use it: an IANA zone ({@code Asia/Kolkata}) or a fixed offset
 * ({@code +05:30}), with daylight-saving transitions from the JDK's rules. One instance per zone
 * ({@link #of}), so schedules compare and cache by identity. The serving path asks for offsets without
 * allocating: each instance remembers the period between two transitions the last instant fell in.
 *
 * <p>Every zone in use today has an offset that is a multiple of 15 minutes and changes at a local
 * quarter hour, so local hours and days only change at UTC quarter hours: a per-quarter cache of
 * "what is live" is exact ({@link #QUARTER_MILLIS}). Zones whose offset is not on a quarter hour are refused.
 */
public final class LocalZone {

    /** Fifteen minutes, the grain at which local hours and days can change. */
    public static final long QUARTER_MILLIS = 15 * 60_000L;
    // Before UTC below: static fields initialise in order.
    private static final ConcurrentHashMap<ZoneId, LocalZone> ZONES = new ConcurrentHashMap<>();
    /** UTC. */
    public static final LocalZone UTC = of(ZoneOffset.UTC);

    private final ZoneId id;
    private final ZoneRules rules;
    private volatile Period period;

    /** The offset in force from {@code from} (inclusive) until {@code until} (exclusive), epoch millis. */
    private record Period(long from, long until, long offsetMillis) {
    }

    private LocalZone(ZoneId id) {
        this.id = id;
        this.rules = id.getRules();
        this.period = new Period(Long.MAX_VALUE, Long.MIN_VALUE, 0);
    }

    /** The one instance of a zone. */
    public static LocalZone of(ZoneId id) {
        return ZONES.computeIfAbsent(id.normalized(), LocalZone::new);
    }

    /** A fixed offset in minutes east of UTC (-14:00 .. +14:00, a multiple of 15). */
    public static LocalZone ofOffsetMinutes(int minutes) {
        if (minutes % 15 != 0 || minutes < -14 * 60 || minutes > 14 * 60) {
            throw new IllegalArgumentException("a UTC offset must be a multiple of 15 minutes within -14:00..+14:00, was " + minutes + " minutes");
        }
        return of(ZoneOffset.ofTotalSeconds(minutes * 60));
    }

    /**
     * The zone of an IANA name ({@code Europe/Berlin}) or an offset ({@code +05:30}, {@code UTC}); refuses
     * unknown names and zones whose offsets are not on a quarter hour.
     */
    public static LocalZone parse(String name) {
        ZoneId id;
        try {
            id = ZoneId.of(name);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone \"" + name + "\"; use an IANA name like Asia/Kolkata or an offset like +05:30");
        }
        LocalZone zone = of(id);
        int offset = zone.rules.getOffset(Instant.parse("2026-01-01T00:00:00Z")).getTotalSeconds();
        if (offset % (15 * 60) != 0) {
            throw new IllegalArgumentException("time zone " + name + " has an offset that is not on a quarter hour");
        }
        return zone;
    }

    public ZoneId id() {
        return id;
    }

    /** The offset from UTC at an instant, millis (no allocation unless the instant left the cached period). */
    public long offsetMillisAt(long epochMillis) {
        Period p = period;
        if (epochMillis >= p.from && epochMillis < p.until) {
            return p.offsetMillis;
        }
        p = periodAt(epochMillis);
        period = p;
        return p.offsetMillis;
    }

    private Period periodAt(long epochMillis) {
        Instant t = Instant.ofEpochMilli(epochMillis);
        long offset = rules.getOffset(t).getTotalSeconds() * 1000L;
        if (rules.isFixedOffset()) {
            return new Period(Long.MIN_VALUE, Long.MAX_VALUE, offset);
        }
        ZoneOffsetTransition previous = rules.previousTransition(t.plusMillis(1));
        ZoneOffsetTransition next = rules.nextTransition(t);
        return new Period(previous == null ? Long.MIN_VALUE : previous.toEpochSecond() * 1000L,
                next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000L, offset);
    }

    /** The local day (days since 1970-01-01 in this zone) of an instant. */
    public long localDay(long epochMillis) {
        return Math.floorDiv(epochMillis + offsetMillisAt(epochMillis), 86_400_000L);
    }

    /** Millis since local midnight of an instant. */
    public long sinceLocalMidnight(long epochMillis) {
        return Math.floorMod(epochMillis + offsetMillisAt(epochMillis), 86_400_000L);
    }

    /** The local hour of the week of an instant (0 = Monday 00:00). */
    public int hourOfWeek(long epochMillis) {
        long localHours = Math.floorDiv(epochMillis + offsetMillisAt(epochMillis), 3_600_000L);
        // 1970-01-01 was a Thursday: hour 0 of the epoch is hour 3 * 24 of its week.
        return Math.floorMod(localHours + 3 * 24, HoursOfWeek.HOURS);
    }

    /**
     * The instant of a local date-time: in a gap (clocks moved forward) the instant just after it, in an
     * overlap (clocks moved back) the earlier of the two, as {@link ZonedDateTime#of} decides.
     */
    public long epochMillis(LocalDateTime local) {
        return ZonedDateTime.of(local, id).toInstant().toEpochMilli();
    }

    /** The zone's name as the catalog writes it. */
    @Override
    public String toString() {
        return id.getId();
    }
}
