package io.adengine.match;

import io.adengine.index.AdSpaceEntry;
import io.adengine.index.Snapshot;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.Eligibility;
import io.adengine.model.NotServedReason;

/**
 * The filters of one ad group, checked directly on the model in the order a decision applies them.
 * Explain uses it to name the first reason a group did not serve; it does not touch the bitmaps, so it
 * also cross-checks them.
 */
final class AdGroupFilters {

    private AdGroupFilters() {
    }

    static NotServedReason firstFilterReason(Snapshot snapshot, AdRequest request, AdSpaceEntry entry, int o,
                                             UserTargeting users, int user, boolean contextualOnly, BudgetGate budget,
                                             long ecpm) {
        AdGroup g = snapshot.group(o);
        NotServedReason statik = Eligibility.check(snapshot.catalog(), g);
        if (statik != null) {
            return statik;
        }
        AdSpace space = entry.space();
        if (!g.placements().contains(space.placement())) {
            return NotServedReason.PLACEMENT;
        }
        if (!g.adSpaceIds().isEmpty() && !g.adSpaceIds().contains(space.id())) {
            return NotServedReason.AD_SPACE;
        }
        if (!g.publisherIds().isEmpty() && !g.publisherIds().contains(space.publisherId())) {
            return NotServedReason.PUBLISHER;
        }
        boolean formatFits = false;
        for (Creative c : snapshot.creatives(o)) {
            formatFits |= space.formats().contains(c.format());
        }
        if (!formatFits) {
            return NotServedReason.FORMAT;
        }
        boolean unblockedFits = false;
        for (Creative c : snapshot.creatives(o)) {
            unblockedFits |= space.formats().contains(c.format()) && !space.blocks(c);
        }
        if (!unblockedFits || space.blocks(snapshot.catalog().campaign(g.campaignId()), g)) {
            return NotServedReason.BLOCKED;
        }
        for (Dimension d : Dimension.values()) {
            if (!g.targeting().rule(d).accepts(request.value(d))) {
                return NotServedReason.valueOf(d.name());
            }
        }
        if (!g.targeting().osVersion().accepts(request.osVersion())) {
            return NotServedReason.OS_VERSION;
        }
        if (contextualOnly && !snapshot.isContextual(o)) {
            return NotServedReason.PRIVACY;
        }
        if (!contextualOnly && !users.accepts(snapshot, user, o)) {
            return NotServedReason.USER;
        }
        if (!g.schedule().isLive(request.nowMillis())) {
            return NotServedReason.SCHEDULE;
        }
        if (snapshot.tier(o) != Snapshot.TIER_CPT
                && ecpm < entry.floorCpmMicros()) {
            return NotServedReason.BELOW_FLOOR;
        }
        if (!budget.allows(snapshot, o)) {
            return NotServedReason.BUDGET;
        }
        return null;
    }
}
