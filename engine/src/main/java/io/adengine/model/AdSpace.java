package io.adengine.model;

import java.util.Set;

/**
 * A publisher's ad space: its placement type, the creative formats it accepts, its floor price as an eCPM
 * in micros of the auction currency, and the publisher's brand-safety rules: advertiser domains, content
 * categories (a tier-1 category blocks its subcategories) and promoted apps it never shows, and whether it
 * is directed at children (then only contextual targeting serves there, as under COPPA).
 */
public record AdSpace(
        long id,
        long version,
        long publisherId,
        String name,
        PlacementType placement,
        Set<CreativeFormat> formats,
        long floorCpmMicros,
        Set<String> blockedDomains,
        Set<String> blockedCategories,
        Set<String> blockedApps,
        boolean childDirected) {

    /** An ad space with no block list, not child-directed. */
    public AdSpace(long id, long version, long publisherId, String name, PlacementType placement, Set<CreativeFormat> formats,
                   long floorCpmMicros) {
        this(id, version, publisherId, name, placement, formats, floorCpmMicros, Set.of(), Set.of(), Set.of(), false);
    }

    public AdSpace {
        formats = Set.copyOf(formats);
        blockedDomains = Set.copyOf(blockedDomains);
        blockedCategories = Set.copyOf(blockedCategories);
        blockedApps = Set.copyOf(blockedApps);
        if (floorCpmMicros < 0) {
            throw new IllegalArgumentException("floorCpmMicros must not be negative");
        }
    }

    /** Whether any block list is set. */
    public boolean blocksAnything() {
        return !blockedDomains.isEmpty() || !blockedCategories.isEmpty() || !blockedApps.isEmpty();
    }

    /** Whether this space refuses every ad of a campaign's advertiser or of an ad group's promoted app. */
    public boolean blocks(Campaign campaign, AdGroup group) {
        return campaign != null && campaign.advertiserDomain() != null && blockedDomains.contains(campaign.advertiserDomain())
                || group.app() != null && blockedApps.contains(group.app().packageName());
    }

    /** Whether this space refuses a creative for its content categories. */
    public boolean blocks(Creative creative) {
        return ContentCategory.anyBlocked(creative.categories(), blockedCategories);
    }
}
