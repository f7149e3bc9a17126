package io.adengine.catalog;

import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.CatalogPatch;
import io.adengine.model.Creative;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which objects each committed change touched, in commit order ({@code seq[i]} committed {@code kind[i]} /
 * {@code id[i]}), and from it the changes since a base catalog in the terms serving needs
 * ({@link #patchSince}). Serving asks again and again about the same base, so the answer is kept per base
 * and brought up to date with the touches since the last call: a call costs the newest changes, not all
 * of them. Two bases at most are followed at once: the serving one, and the new one a compaction is
 * building. Not thread-safe: the store's lock guards it.
 */
final class TouchLog {

    private final Map<Long, PatchSoFar> patchesSoFar = new HashMap<>();
    private long[] seq = new long[1024];
    private byte[] kind = new byte[1024];
    private long[] id = new long[1024];
    private int size;

    /** {@link #patchSince}'s answer for one base, as of change {@code upTo}. */
    private static final class PatchSoFar {
        long upTo;
        final Map<Long, Account> accounts = new HashMap<>();
        final Map<Long, Campaign> campaigns = new HashMap<>();
        final Map<Long, AdGroup> adGroups = new HashMap<>();
        final Map<Long, List<Creative>> creatives = new HashMap<>();
        final Map<Long, AdSpace> spaces = new HashMap<>();
        final Map<Long, Long> changedAt = new HashMap<>();

        PatchSoFar(long baseVersion) {
            this.upTo = baseVersion;
        }
    }

    /** Notes that the change committed at {@code at} touched one object. */
    void touched(long at, ObjectKind k, long objectId) {
        if (size == seq.length) {
            seq = Arrays.copyOf(seq, size * 2);
            kind = Arrays.copyOf(kind, size * 2);
            id = Arrays.copyOf(id, size * 2);
        }
        seq[size] = at;
        kind[size] = (byte) k.ordinal();
        id[size] = objectId;
        size++;
    }

    /** Drops the records of changes up to {@code upTo}: no base older than that is followed any more. */
    void forgetUpTo(long upTo) {
        int keep = 0;
        while (keep < size && seq[keep] <= upTo) {
            keep++;
        }
        System.arraycopy(seq, keep, seq, 0, size - keep);
        System.arraycopy(kind, keep, kind, 0, size - keep);
        System.arraycopy(id, keep, id, 0, size - keep);
        size -= keep;
    }

    /**
     * Everything serving needs to bring {@code base} (a full catalog copied at change {@code base.version()})
     * to the state of {@code objects} at change {@code current}: the current state of every ad group touched
     * since, directly or through its campaign, account or creatives (a creative that moved affects both of its
     * groups: the store notes the old one when the move commits), with its creatives, campaign and account,
     * plus every touched account, campaign and ad space ({@code null}: deleted). Audience metadata does not
     * reach the snapshot.
     */
    CatalogPatch patchSince(Catalog base, long current, CatalogObjects objects) {
        PatchSoFar p = patchesSoFar.get(base.version());
        if (p == null || p.upTo > current) {
            p = new PatchSoFar(base.version());
            if (patchesSoFar.size() >= 2) {
                patchesSoFar.remove(Collections.min(patchesSoFar.keySet()));
            }
            patchesSoFar.put(base.version(), p);
        }
        Map<Long, Object> accountObjects = objects.all(ObjectKind.ACCOUNT);
        Map<Long, Object> campaignObjects = objects.all(ObjectKind.CAMPAIGN);
        Map<Long, Object> groupObjects = objects.all(ObjectKind.AD_GROUP);
        Map<Long, Object> creativeObjects = objects.all(ObjectKind.CREATIVE);
        // Ad groups affected since the last call → the latest change that affected each.
        Map<Long, Long> fresh = new HashMap<>();
        ObjectKind[] kinds = ObjectKind.values();
        for (int i = firstAfter(Math.max(p.upTo, base.version())); i < size; i++) {
            long objectId = id[i];
            Long at = seq[i];
            switch (kinds[kind[i]]) {
                case ACCOUNT -> {
                    p.accounts.put(objectId, (Account) accountObjects.get(objectId));
                    for (long campaign : objects.children(ObjectKind.CAMPAIGN, objectId)) {
                        objects.children(ObjectKind.AD_GROUP, campaign).forEach(g -> fresh.put(g, at));
                    }
                }
                case CAMPAIGN -> {
                    p.campaigns.put(objectId, (Campaign) campaignObjects.get(objectId));
                    objects.children(ObjectKind.AD_GROUP, objectId).forEach(g -> fresh.put(g, at));
                }
                case AD_GROUP -> fresh.put(objectId, at);
                case CREATIVE -> {
                    Creative now = (Creative) creativeObjects.get(objectId);
                    if (now != null) {
                        fresh.put(now.adGroupId(), at);
                    }
                }
                case AD_SPACE -> p.spaces.put(objectId, (AdSpace) objects.find(ObjectKind.AD_SPACE, objectId));
                case AUDIENCE -> { }
            }
        }
        for (Map.Entry<Long, Long> e : fresh.entrySet()) {
            long groupId = e.getKey();
            p.changedAt.put(groupId, e.getValue());
            AdGroup g = (AdGroup) groupObjects.get(groupId);
            p.adGroups.put(groupId, g);
            p.creatives.remove(groupId);
            if (g == null) {
                continue;
            }
            Set<Long> ids = objects.children(ObjectKind.CREATIVE, groupId);
            if (!ids.isEmpty()) {
                long[] sorted = new long[ids.size()];
                int n = 0;
                for (long c : ids) {
                    sorted[n++] = c;
                }
                Arrays.sort(sorted);
                Creative[] list = new Creative[n];
                for (int k = 0; k < n; k++) {
                    list[k] = (Creative) creativeObjects.get(sorted[k]);
                }
                p.creatives.put(groupId, List.of(list));
            }
            // An untouched campaign or account is the same object it was at the base: only fill the gaps.
            Campaign campaign = (Campaign) campaignObjects.get(g.campaignId());
            if (campaign != null) {
                p.campaigns.putIfAbsent(campaign.id(), campaign);
                Account account = (Account) accountObjects.get(campaign.accountId());
                if (account != null) {
                    p.accounts.putIfAbsent(account.id(), account);
                }
            }
        }
        p.upTo = current;
        return new CatalogPatch(current, new HashMap<>(p.accounts), new HashMap<>(p.campaigns), new HashMap<>(p.adGroups),
                new HashMap<>(p.creatives), new HashMap<>(p.spaces), new HashMap<>(p.changedAt));
    }

    /** The index of the first record of a change after {@code version} (records are in commit order). */
    private int firstAfter(long version) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (seq[mid] <= version) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
