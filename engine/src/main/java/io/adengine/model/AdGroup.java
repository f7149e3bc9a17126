package io.adengine.model;

import java.util.Set;

/**
 * The unit of targeting, budget and bid (seed 001 §3.1.2).
 *
 * @param app          the promoted app, or {@code null} for non-download campaigns
 * @param installState which users to reach by their install state of {@code app}
 * @param placements   placement types the group may appear on (at least one)
 * @param adSpaceIds   ad spaces it is pinned to (empty: any ad space of its placements)
 * @param publisherIds publishers it is pinned to (empty: any publisher)
 * @param deliveryOn   the delivery switch
 * @param rejectReason why review rejected it, or {@code null}
 */
public record AdGroup(
        long id,
        long version,
        long campaignId,
        String name,
        PromotedApp app,
        InstallStateTarget installState,
        Set<PlacementType> placements,
        Set<Long> adSpaceIds,
        Set<Long> publisherIds,
        Targeting targeting,
        Schedule schedule,
        Budget budget,
        Bid bid,
        ReviewStatus review,
        String rejectReason,
        boolean deliveryOn) {

    public AdGroup {
        placements = Set.copyOf(placements);
        adSpaceIds = Set.copyOf(adSpaceIds);
        publisherIds = Set.copyOf(publisherIds);
        if (placements.isEmpty()) {
            throw new IllegalArgumentException("placements must name at least one placement type");
        }
    }

    /** Whether this group can appear on the given ad space (placement, pinning and publisher; not format). */
    public boolean acceptsAdSpace(AdSpace space) {
        return placements.contains(space.placement())
                && (adSpaceIds.isEmpty() || adSpaceIds.contains(space.id()))
                && (publisherIds.isEmpty() || publisherIds.contains(space.publisherId()));
    }
}
