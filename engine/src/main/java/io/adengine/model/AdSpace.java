package io.adengine.model;

import java.util.Set;

/**
 * A publisher's ad space: its placement type, the creative formats it accepts, and its floor price as
 * an eCPM in micros of the auction currency.
 */
public record AdSpace(
        long id,
        long version,
        long publisherId,
        String name,
        PlacementType placement,
        Set<CreativeFormat> formats,
        long floorCpmMicros) {

    public AdSpace {
        formats = Set.copyOf(formats);
        if (floorCpmMicros < 0) {
            throw new IllegalArgumentException("floorCpmMicros must not be negative");
        }
    }
}
