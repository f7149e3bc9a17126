package io.adengine.match;

import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.CatalogPatch;
import io.adengine.model.Creative;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Later versions of a random catalog and the patches that lead to them, computed by brute force (compare
 * every object of both versions), as an oracle for the store's incremental {@code patchSince}.
 */
public final class CatalogPatches {

    private CatalogPatches() {
    }

    /**
     * A later version of {@code base}: per id, the base's object, the other catalog's (a change), or for ad
     * groups, creatives and ad spaces sometimes none (a delete); ids only the other catalog has are new.
     * Accounts and campaigns are never deleted, so every ad group keeps a campaign.
     */
    public static Catalog mix(Random r, Catalog base, Catalog other) {
        List<AdGroup> groups = pick(r, base.adGroups(), other.adGroups(), AdGroup::id, true);
        java.util.Set<Long> groupIds = new java.util.HashSet<>();
        groups.forEach(g -> groupIds.add(g.id()));
        // Deleting a group deletes its creatives (the store cascades), so no creative outlives its group.
        List<Creative> creatives = new ArrayList<>(pick(r, base.creatives(), other.creatives(), Creative::id, true));
        creatives.removeIf(c -> !groupIds.contains(c.adGroupId()));
        return new Catalog(base.version() + 1 + r.nextInt(100),
                pick(r, base.accounts(), other.accounts(), Account::id, false),
                pick(r, base.campaigns(), other.campaigns(), Campaign::id, false),
                groups, creatives,
                pick(r, base.adSpaces(), other.adSpaces(), AdSpace::id, true));
    }

    private static <T> List<T> pick(Random r, Collection<T> base, Collection<T> other, Function<T, Long> id, boolean deletable) {
        Map<Long, T> a = new HashMap<>();
        base.forEach(t -> a.put(id.apply(t), t));
        Map<Long, T> b = new HashMap<>();
        other.forEach(t -> b.put(id.apply(t), t));
        TreeSet<Long> ids = new TreeSet<>(a.keySet());
        ids.addAll(b.keySet());
        List<T> out = new ArrayList<>();
        for (long i : ids) {
            T mine = a.get(i);
            T theirs = b.get(i);
            int roll = r.nextInt(10);
            T chosen = roll < 6 ? (mine != null ? mine : theirs) : roll < 9 || !deletable ? (theirs != null ? theirs : mine) : null;
            if (chosen != null) {
                out.add(chosen);
            }
        }
        // A catalog must keep at least one ad space: requests are drawn from them.
        if (out.isEmpty() && !base.isEmpty()) {
            out.add(base.iterator().next());
        }
        return out;
    }

    /**
     * Like {@link #diff(Catalog, Catalog)}, plus the ad groups {@code touched} (current state, or deleted) even
     * where they equal the base again: the store's patches keep every group touched since the base.
     */
    public static CatalogPatch diff(Catalog base, Catalog later, java.util.Set<Long> touched) {
        CatalogPatch p = diff(base, later);
        Map<Long, AdGroup> groups = new HashMap<>(p.adGroups());
        Map<Long, List<Creative>> creatives = new HashMap<>(p.creativesByGroup());
        Map<Long, Campaign> campaigns = new HashMap<>(p.campaigns());
        Map<Long, Account> accounts = new HashMap<>(p.accounts());
        Map<Long, Long> changedAt = new HashMap<>(p.changedAt());
        for (long id : touched) {
            AdGroup g = later.adGroup(id);
            groups.put(id, g);
            changedAt.putIfAbsent(id, later.version());
            if (g != null) {
                creatives.put(id, later.creativesOf(id));
                Campaign campaign = later.campaign(g.campaignId());
                campaigns.put(campaign.id(), campaign);
                accounts.put(campaign.accountId(), later.account(campaign.accountId()));
            }
        }
        // Ad spaces are few: count every one as touched (a space deleted and created again is touched, not equal).
        Map<Long, AdSpace> spaces = new HashMap<>(p.adSpaces());
        later.adSpaces().forEach(space -> spaces.put(space.id(), space));
        return new CatalogPatch(later.version(), accounts, campaigns, groups, creatives, spaces, changedAt);
    }

    /** The patch from {@code base} to {@code later}: every ad group whose own, campaign's, account's or creatives' state differs. */
    public static CatalogPatch diff(Catalog base, Catalog later) {
        Map<Long, Account> accounts = changed(base.accounts(), later.accounts(), Account::id, later::account);
        Map<Long, Campaign> campaigns = changed(base.campaigns(), later.campaigns(), Campaign::id, later::campaign);
        Map<Long, AdSpace> spaces = changed(base.adSpaces(), later.adSpaces(), AdSpace::id, later::adSpace);
        Map<Long, AdGroup> groups = new HashMap<>();
        Map<Long, List<Creative>> creatives = new HashMap<>();
        TreeSet<Long> ids = new TreeSet<>();
        base.adGroups().forEach(g -> ids.add(g.id()));
        later.adGroups().forEach(g -> ids.add(g.id()));
        for (long id : ids) {
            AdGroup before = base.adGroup(id);
            AdGroup after = later.adGroup(id);
            if (!Objects.equals(before, after) || !sameContext(base, later, before) || !sameContext(base, later, after)
                    || !base.creativesOf(id).equals(later.creativesOf(id))) {
                groups.put(id, after);
                if (after != null) {
                    creatives.put(id, later.creativesOf(id));
                    Campaign campaign = later.campaign(after.campaignId());
                    campaigns.put(campaign.id(), campaign);
                    accounts.put(campaign.accountId(), later.account(campaign.accountId()));
                }
            }
        }
        Map<Long, Long> changedAt = new HashMap<>();
        groups.keySet().forEach(id -> changedAt.put(id, later.version()));
        return new CatalogPatch(later.version(), accounts, campaigns, groups, creatives, spaces, changedAt);
    }

    /** Whether a group's campaign and account are the same objects in both versions. */
    private static boolean sameContext(Catalog base, Catalog later, AdGroup g) {
        if (g == null) {
            return true;
        }
        Campaign before = base.campaign(g.campaignId());
        Campaign after = later.campaign(g.campaignId());
        return Objects.equals(before, after)
                && (before == null || Objects.equals(base.account(before.accountId()), later.account(after.accountId())));
    }

    private static <T> Map<Long, T> changed(Collection<T> base, Collection<T> later, Function<T, Long> id, LongFunction<T> laterById) {
        Map<Long, T> out = new HashMap<>();
        Map<Long, T> before = new HashMap<>();
        base.forEach(t -> before.put(id.apply(t), t));
        for (T t : later) {
            if (!t.equals(before.get(id.apply(t)))) {
                out.put(id.apply(t), t);
            }
        }
        for (long gone : before.keySet()) {
            if (laterById.apply(gone) == null) {
                out.put(gone, null);
            }
        }
        return out;
    }
}
