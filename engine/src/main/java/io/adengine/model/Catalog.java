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
 *
 * <p>A catalog is either full (built from collections) or an {@linkplain #overlay overlay}: a full
 * catalog with a {@link CatalogPatch} laid over it, so that following a change costs the size of the
 * change, not of the catalog. Lookups on an overlay answer from the patch first; the collections of an
 * overlay are merged on first use.
 */
public final class Catalog {

    private final long version;
    private final Map<Long, Account> accounts;
    private final Map<Long, Campaign> campaigns;
    private final Map<Long, AdGroup> adGroups;
    private final Map<Long, Creative> creatives;
    private final Map<Long, AdSpace> adSpaces;
    private final Map<Long, List<Creative>> creativesByAdGroup;
    private final Catalog base;
    private final CatalogPatch patch;
    private volatile Catalog merged;

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
        this.base = null;
        this.patch = null;
    }

    private Catalog(Catalog base, CatalogPatch patch) {
        this.version = patch.version();
        this.accounts = null;
        this.campaigns = null;
        this.adGroups = null;
        this.creatives = null;
        this.adSpaces = null;
        this.creativesByAdGroup = null;
        this.base = base;
        this.patch = patch;
    }

    /** A full catalog with a patch laid over it (an overlay of an overlay lays both patches over the full one). */
    public static Catalog overlay(Catalog full, CatalogPatch patch) {
        if (full.base != null) {
            throw new IllegalArgumentException("an overlay needs a full catalog below it, not another overlay");
        }
        return new Catalog(full, patch);
    }

    /** The catalog as collections: itself when full, otherwise the overlay merged once. */
    private Catalog full() {
        if (base == null) {
            return this;
        }
        Catalog m = merged;
        if (m == null) {
            m = new Catalog(version, mergedValues(base.accounts, patch.accounts()), mergedValues(base.campaigns, patch.campaigns()),
                    mergedValues(base.adGroups, patch.adGroups()), mergedCreatives(), mergedValues(base.adSpaces, patch.adSpaces()));
            merged = m;
        }
        return m;
    }

    private static <T> Collection<T> mergedValues(Map<Long, T> below, Map<Long, T> over) {
        Map<Long, T> all = new LinkedHashMap<>(below);
        over.forEach((id, value) -> {
            if (value == null) {
                all.remove(id);
            } else {
                all.put(id, value);
            }
        });
        return all.values();
    }

    private Collection<Creative> mergedCreatives() {
        List<Creative> all = new java.util.ArrayList<>();
        for (Creative c : base.creatives.values()) {
            if (!patch.adGroups().containsKey(c.adGroupId())) {
                all.add(c);
            }
        }
        patch.creativesByGroup().values().forEach(all::addAll);
        return all;
    }

    private static <T> T lookup(Map<Long, T> over, long id, Function<Long, T> below) {
        T value = over.get(id);
        if (value != null || !over.containsKey(id)) {
            return value != null ? value : below.apply(id);
        }
        return null;
    }

    private static <T> Map<Long, T> byId(Collection<T> items, Function<T, Long> id) {
        Map<Long, T> map = new LinkedHashMap<>(Math.max(16, items.size() * 4 / 3 + 1));
        // The store hands its objects over already in id order: then there is nothing to sort.
        long previous = Long.MIN_VALUE;
        boolean sorted = true;
        for (T item : items) {
            long key = id.apply(item);
            if (key <= previous) {
                sorted = false;
                break;
            }
            previous = key;
        }
        Iterable<T> ordered = sorted ? items : items.stream().sorted(Comparator.comparing(id))::iterator;
        for (T item : ordered) {
            if (map.putIfAbsent(id.apply(item), item) != null) {
                throw new IllegalArgumentException("duplicate id " + id.apply(item) + " in " + item.getClass().getSimpleName());
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    public long version() {
        return version;
    }

    public Collection<Account> accounts() {
        return full().accounts.values();
    }

    public Collection<Campaign> campaigns() {
        return full().campaigns.values();
    }

    /** Ad groups in id order. */
    public Collection<AdGroup> adGroups() {
        return full().adGroups.values();
    }

    public Collection<Creative> creatives() {
        return full().creatives.values();
    }

    public Collection<AdSpace> adSpaces() {
        return full().adSpaces.values();
    }

    public Account account(long id) {
        return base == null ? accounts.get(id) : lookup(patch.accounts(), id, base::account);
    }

    public Campaign campaign(long id) {
        return base == null ? campaigns.get(id) : lookup(patch.campaigns(), id, base::campaign);
    }

    public AdGroup adGroup(long id) {
        return base == null ? adGroups.get(id) : lookup(patch.adGroups(), id, base::adGroup);
    }

    public AdSpace adSpace(long id) {
        return base == null ? adSpaces.get(id) : lookup(patch.adSpaces(), id, base::adSpace);
    }

    /** The creatives of an ad group in id order (empty when it has none). */
    public List<Creative> creativesOf(long adGroupId) {
        if (base != null) {
            return patch.adGroups().containsKey(adGroupId) ? patch.creativesByGroup().getOrDefault(adGroupId, List.of())
                    : base.creativesOf(adGroupId);
        }
        return creativesByAdGroup.getOrDefault(adGroupId, List.of());
    }
}
