package io.adengine.model;

/**
 * An inclusive range of OS versions, each encoded by {@link #encode(String)} so that versions compare
 * as integers. A bound of {@code 0} / {@link Integer#MAX_VALUE} leaves that side open.
 */
public record OsVersionRange(int min, int max) {

    /** Accepts every version, and requests without one. */
    public static final OsVersionRange ANY = new OsVersionRange(0, Integer.MAX_VALUE);

    public OsVersionRange {
        if (min > max) {
            throw new IllegalArgumentException("osVersion.min must not be above osVersion.max");
        }
    }

    /** Whether this range restricts anything. */
    public boolean isAny() {
        return min == 0 && max == Integer.MAX_VALUE;
    }

    /** Whether an encoded request version ({@code -1} when unknown) is inside the range. */
    public boolean accepts(int version) {
        if (isAny()) {
            return true;
        }
        return version >= 0 && version >= min && version <= max;
    }

    /**
     * Encodes "major[.minor[.patch]]" as {@code major * 1_000_000 + minor * 1_000 + patch}; each part
     * must be 0..999. Returns {@code -1} for anything that is not such a version.
     */
    public static int encode(String version) {
        if (version == null || version.isEmpty() || version.length() > 11) {
            return -1;
        }
        int result = 0;
        int part = 0;
        int digits = 0;
        int parts = 0;
        for (int i = 0; i <= version.length(); i++) {
            char c = i == version.length() ? '.' : version.charAt(i);
            if (c == '.') {
                if (digits == 0 || parts == 3) {
                    return -1;
                }
                result = result * 1_000 + part;
                parts++;
                part = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                part = part * 10 + (c - '0');
                digits++;
            } else {
                return -1;
            }
        }
        for (; parts < 3; parts++) {
            result *= 1_000;
        }
        return result;
    }
}
