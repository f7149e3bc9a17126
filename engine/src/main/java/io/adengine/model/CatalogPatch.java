package io.adengine.model;

import java.util.List;
import java.util.Map;

/**
 * What changed between a full catalog and a later version of it, in the terms serving needs: the
 * current state of every ad group a change touched directly or through its campaign, account or
 * creatives, plus every touched account, campaign and ad space. A {@code null} value means the object
 * was deleted. Laid over the full catalog by {@link Catalog#overlay}.
 *
 * @param version          the catalog version the patch brings the base to
 * @param accounts         touched accounts, and the accounts of the changed ad groups
 * @param campaigns        touched campaigns, and the campaigns of the changed ad groups
 * @param adGroups         every affected ad group, by id ({@code null}: deleted)
 * @param creativesByGroup the current creatives (id order) of every affected ad group that still exists
 * @param adSpaces         touched ad spaces ({@code null}: deleted)
 * @param changedAt        per affected ad group, the version of the latest change that affected it
 */
public record CatalogPatch(long version, Map<Long, Account> accounts, Map<Long, Campaign> campaigns, Map<Long, AdGroup> adGroups,
                           Map<Long, List<Creative>> creativesByGroup, Map<Long, AdSpace> adSpaces, Map<Long, Long> changedAt) {

    /** The affected ad groups whose latest change came after {@code version}. */
    public java.util.Set<Long> adGroupsChangedAfter(long version) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        changedAt.forEach((id, at) -> {
            if (at > version) {
                ids.add(id);
            }
        });
        return ids;
    }
}
