package io.adengine.catalog;

/**
 * Audience metadata as the control plane sends it; the member bitmaps are loaded separately.
 *
 * @param regionCluster the region cluster whose users the audience holds (e.g. "in", "sg")
 * @param type          how the audience was built (free text such as UPLOADED, LOOKALIKE, RULE)
 */
public record Audience(long id, long version, String name, String regionCluster, String type) {
}
