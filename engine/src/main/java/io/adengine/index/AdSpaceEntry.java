package io.adengine.index;

import io.adengine.config.EngineConfig;
import io.adengine.model.AdSpace;
import org.roaringbitmap.RoaringBitmap;

/**
 * An ad space as the serving path needs it: the model, the prior of its placement type, the ordinals that
 * may serve there at all (static eligibility, placement, pinning, publisher, format and its block lists),
 * and the ordinals its block lists alone removed (for explain).
 */
public record AdSpaceEntry(AdSpace space, EngineConfig.Prior prior, RoaringBitmap servable, RoaringBitmap blocked) {
}
