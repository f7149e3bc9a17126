package io.adengine.index;

import io.adengine.config.EngineConfig;
import io.adengine.model.AdSpace;
import org.roaringbitmap.RoaringBitmap;

/**
 * An ad space as the serving path needs it: the model, the prior of its placement type, the ordinals that
 * may serve there at all (static eligibility, placement, pinning, publisher, format and its block lists),
 * the ordinals its block lists alone removed (for explain), and its effective floor: the larger of its own floor
 * and the network reserve price ({@link EngineConfig.AuctionConfig#reservePriceCpmMicros}).
 */
public record AdSpaceEntry(AdSpace space, EngineConfig.Prior prior, long floorCpmMicros, RoaringBitmap servable, RoaringBitmap blocked) {
    // floorCpmMicros: what a non-booked ad must reach and pays at least here, max(the space's floor, the network reserve price)
}
