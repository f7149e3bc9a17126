package io.adengine.index;

import org.roaringbitmap.RoaringBitmap;

import java.util.Map;

/**
 * Posting lists of one request-side dimension: for each value named by any ad group, the ordinals that
 * accept it; for any other value (or none) the ordinals that do not restrict the dimension.
 */
final class DimensionIndex {

    private final Map<String, RoaringBitmap> acceptByValue;
    private final RoaringBitmap unrestricted;

    DimensionIndex(Map<String, RoaringBitmap> acceptByValue, RoaringBitmap unrestricted) {
        this.acceptByValue = Map.copyOf(acceptByValue);
        this.unrestricted = unrestricted;
    }

    /** Ordinals accepting a normalised value ({@code null}: the request lacks it). Never modify the result. */
    RoaringBitmap accepting(String value) {
        if (value == null) {
            return unrestricted;
        }
        RoaringBitmap bitmap = acceptByValue.get(value);
        return bitmap != null ? bitmap : unrestricted;
    }
}
