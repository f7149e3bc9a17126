package io.adengine.model;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One consistent version of the whole catalog. Immutable; lookups by id. Objects are kept in id order
 * so that anything derived from a catalog (ordinals, tie-breaks) is deterministic.
 */
public final class Catalog {

    private final long version;
    private final Map<Long, Account> accounts;
    private final Map<Long, Campaign> campaigns;
    private final Map<Long, AdGroup> adGroups;
    private final Map<Long, Creative> creatives;
    private final Map<Long, AdSpace> adSpaces;
    private final Map<Long, List<Creative>> creativesByAdGroup;

    public Catalog(long version,
                   Collection<Account> accounts,
                   Collection<Campaign> campaigns,
                   Collection<AdGroup> adGroups,
                   Collection<Creative> creatives,
                   Collection<AdSpace> adSpaces) {
        this.version = version;
        this.accounts = byId(accounts, Account::id);
        this.campaigns = byId(campaigns, Campaign::id);
        this.adGroups = byId(adGroups, AdGroup::id);
        this.creatives = byId(creatives, Creative::id);
        this.adSpaces = byId(adSpaces, AdSpace::id);
        this.creativesByAdGroup = this.creatives.values().stream()
                .collect(Collectors.groupingBy(Creative::adGroupId, LinkedHashMap::new, Collectors.toUnmodifiableList()));
    }

    private static <T> Map<Long, T> byId(Collection<T> items, Function<T, Long> id) {
        Map<Long, T> map = new LinkedHashMap<>();
        items.stream().sorted(Comparator.comparing(id)).forEach(item -> {
            if (map.putIfAbsent(id.apply(item), item) != null) {
                throw new IllegalArgumentException("duplicate id " + id.apply(item) + " in " + item.getClass().getSimpleName());
            }
        });
        return java.util.Collections.unmodifiableMap(map);
    }

    public long version() {
        return version;
    }

    public Collection<Account> accounts() {
        return accounts.values();
    }

    public Collection<Campaign> campaigns() {
        return campaigns.values();
    }

    /** Ad groups in id order. */
    public Collection<AdGroup> adGroups() {
        return adGroups.values();
    }

    public Collection<Creative> creatives() {
        return creatives.values();
    }

    public Collection<AdSpace> adSpaces() {
        return adSpaces.values();
    }

    public Account account(long id) {
        return accounts.get(id);
    }

    public Campaign campaign(long id) {
        return campaigns.get(id);
    }

    public AdGroup adGroup(long id) {
        return adGroups.get(id);
    }

    public AdSpace adSpace(long id) {
        return adSpaces.get(id);
    }

    /** The creatives of an ad group in id order (empty when it has none). */
    public List<Creative> creativesOf(long adGroupId) {
        return creativesByAdGroup.getOrDefault(adGroupId, List.of());
    }
}
