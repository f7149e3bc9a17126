package io.adengine.model;

import java.util.Arrays;

/**
 * The hours of the week (Monday 00:00 = hour 0 … Sunday 23:00 = hour 167) in which an ad group
 * delivers, in its own time zone. Immutable: 168 bits in three longs.
 */
public final class HoursOfWeek {

    public static final int HOURS = 7 * 24;
    public static final HoursOfWeek ALL_DAY = new HoursOfWeek(new long[] {-1L, -1L, (1L << (HOURS - 128)) - 1});

    private final long[] bits;

    private HoursOfWeek(long[] bits) {
        this.bits = bits;
    }

    /** Builds the set from hour-of-week numbers, each 0..167. */
    public static HoursOfWeek of(int... hours) {
        long[] bits = new long[3];
        for (int h : hours) {
            if (h < 0 || h >= HOURS) {
                throw new IllegalArgumentException("hour of week must be 0..167, was " + h);
            }
            bits[h >>> 6] |= 1L << (h & 63);
        }
        return new HoursOfWeek(bits);
    }

    public boolean contains(int hourOfWeek) {
        return (bits[hourOfWeek >>> 6] & (1L << (hourOfWeek & 63))) != 0;
    }

    public boolean isAllDay() {
        return equals(ALL_DAY);
    }

    public boolean isEmpty() {
        return (bits[0] | bits[1] | bits[2]) == 0;
    }

    /** Hour of the week (0 = Monday 00:00) of an instant, seen at a whole-hour UTC offset. */
    public static int hourOfWeek(long epochMillis, int utcOffsetHours) {
        long localHours = Math.floorDiv(epochMillis, 3_600_000L) + utcOffsetHours;
        // 1970-01-01 was a Thursday: hour 0 of the epoch is hour 3 * 24 of its week.
        return Math.floorMod(localHours + 3 * 24, HOURS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HoursOfWeek other && Arrays.equals(bits, other.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return isAllDay() ? "all-day" : "HoursOfWeek" + Arrays.toString(bits);
    }
}
