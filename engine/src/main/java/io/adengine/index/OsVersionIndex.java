package io.adengine.index;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;

/**
 * OS-version ranges as elementary intervals: the distinct range boundaries cut the version line into
 * intervals, and each interval holds the ordinals whose range covers it (plus the unrestricted ones).
 * A lookup is one binary search.
 */
final class OsVersionIndex {

    private final int[] boundaries;
    private final RoaringBitmap[] acceptByInterval;
    private final RoaringBitmap unrestricted;

    OsVersionIndex(int[] boundaries, RoaringBitmap[] acceptByInterval, RoaringBitmap unrestricted) {
        this.boundaries = boundaries;
        this.acceptByInterval = acceptByInterval;
        this.unrestricted = unrestricted;
    }

    /** Ordinals accepting an encoded version ({@code -1}: unknown, only unrestricted groups accept). */
    RoaringBitmap accepting(int version) {
        if (version < 0) {
            return unrestricted;
        }
        int pos = Arrays.binarySearch(boundaries, version);
        // Interval i spans [boundaries[i-1], boundaries[i]); a version equal to a boundary opens its interval.
        int interval = pos >= 0 ? pos + 1 : -pos - 1;
        return acceptByInterval[interval];
    }
}
