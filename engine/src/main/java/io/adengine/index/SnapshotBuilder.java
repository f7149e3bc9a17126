package io.adengine.index;

import io.adengine.config.EngineConfig;
import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.BidModel;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.CatalogPatch;
import io.adengine.model.ContentCategory;
import io.adengine.model.Creative;
import io.adengine.model.CreativeFormat;
import io.adengine.model.Dimension;
import io.adengine.model.Eligibility;
import io.adengine.model.HoursOfWeek;
import io.adengine.model.IncludeExclude;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.LocalZone;
import io.adengine.model.Objective;
import io.adengine.model.OsVersionRange;
import io.adengine.model.PlacementType;
import io.adengine.model.Targeting;
import io.adengine.model.Money;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a {@link Snapshot} from a {@link Catalog}. Runs on background threads; nothing here is on the
 * serving path. Holds only its configuration, so one builder may run several builds at once.
 */
public final class SnapshotBuilder {

    private final EngineConfig.AuctionConfig auction;

    public SnapshotBuilder(EngineConfig.AuctionConfig auction) {
        this.auction = auction;
    }

    /** Builds the snapshot of a whole catalog (one base segment, no delta). */
    public Snapshot build(Catalog catalog) {
        return Snapshot.of(buildSegment(catalog));
    }

    /**
     * The snapshot of {@code snapshot}'s base with a patch (every change since the base) laid over it: the
     * patch's ad groups become one fresh delta segment and their base ordinals are hidden; changed ad
     * spaces are folded again over the base. Costs the size of the patch, not of the catalog. Any delta
     * {@code snapshot} already has is replaced, so the patch must cover everything since the base.
     */
    public Snapshot patch(Snapshot snapshot, CatalogPatch patch) {
        return assemble(snapshot, 1, patch, patch.adGroups().keySet());
    }

    /**
     * Like {@link #patch}, but keeps {@code snapshot}'s first delta and puts only {@code changedSinceDelta}
     * (the patch's ad groups changed after that delta was built) into a new, newest delta: the cost is
     * that of the latest changes, however large the first delta has grown.
     */
    public Snapshot patchTop(Snapshot snapshot, CatalogPatch patch, Collection<Long> changedSinceDelta) {
        if (snapshot.segmentCount() < 2) {
            throw new IllegalArgumentException("patchTop needs a snapshot with a delta to keep");
        }
        if (!patch.adGroups().keySet().containsAll(changedSinceDelta)) {
            throw new IllegalArgumentException("the patch must hold every ad group changed since the delta");
        }
        return assemble(snapshot, 2, patch, changedSinceDelta);
    }

    /**
     * Keeps the first {@code keep} segments of {@code snapshot}, hides in each what a later one supersedes,
     * and builds the groups {@code fresh} (current state from the patch) into a newest segment.
     */
    private Snapshot assemble(Snapshot snapshot, int keep, CatalogPatch patch, Collection<Long> fresh) {
        Segment base = snapshot.base();
        Catalog current = Catalog.overlay(base.catalog(), patch);
        Map<Long, Account> accounts = new HashMap<>();
        Map<Long, Campaign> campaigns = new HashMap<>();
        List<AdGroup> groups = new ArrayList<>();
        List<Creative> creatives = new ArrayList<>();
        for (long id : fresh) {
            AdGroup g = patch.adGroups().get(id);
            if (g == null) {
                continue;
            }
            groups.add(g);
            creatives.addAll(current.creativesOf(g.id()));
            Campaign campaign = current.campaign(g.campaignId());
            if (campaign != null) {
                campaigns.put(campaign.id(), campaign);
                Account account = current.account(campaign.accountId());
                if (account != null) {
                    accounts.put(account.id(), account);
                }
            }
        }
        List<Segment> segments = new ArrayList<>();
        List<RoaringBitmap> hidden = new ArrayList<>();
        List<Map<Long, AdSpaceEntry>> spaces = new ArrayList<>();
        for (int i = 0; i < keep; i++) {
            Segment s = snapshot.segment(i);
            // The base hides everything the patch changed; a kept delta hides what changed after it was built.
            Collection<Long> superseded = i == 0 ? patch.adGroups().keySet() : fresh;
            RoaringBitmap h = new RoaringBitmap();
            for (long id : superseded) {
                int o = s.ordinalOf(id);
                if (o >= 0) {
                    h.add(o);
                }
            }
            segments.add(s);
            hidden.add(h);
            spaces.add(currentSpaces(s, patch));
        }
        if (!groups.isEmpty()) {
            List<AdSpace> currentSpaces = new ArrayList<>();
            spaces.get(0).values().forEach(entry -> currentSpaces.add(entry.space()));
            Segment top = buildSegment(new Catalog(patch.version(), accounts.values(), campaigns.values(), groups, creatives, currentSpaces));
            segments.add(top);
            hidden.add(new RoaringBitmap());
            spaces.add(top.adSpaces());
        }
        return new Snapshot(current, segments.toArray(new Segment[0]), hidden.toArray(new RoaringBitmap[0]), List.copyOf(spaces));
    }

    /** A segment's entries of the current ad spaces: as built, with every ad space the patch touched folded again (or removed). */
    private static Map<Long, AdSpaceEntry> currentSpaces(Segment segment, CatalogPatch patch) {
        if (patch.adSpaces().isEmpty()) {
            return segment.adSpaces();
        }
        Map<Long, AdSpaceEntry> spaces = new HashMap<>(segment.adSpaces());
        for (Map.Entry<Long, AdSpace> e : patch.adSpaces().entrySet()) {
            if (e.getValue() == null) {
                spaces.remove(e.getKey());
            } else {
                spaces.put(e.getKey(), segment.entryFor(e.getValue()));
            }
        }
        return Map.copyOf(spaces);
    }

    /**
     * Builds one segment over every ad group of a catalog (all of it for a base, the changed part for a delta).
     * The work is split into small methods on purpose: this runs for 100,000 groups on the compactor and for
     * a few hundred many times a second on the publisher, and one large method with several long loops was
     * compiled again and again by the JIT (on-stack replacement at each loop, about a second of compiler
     * time each) while a sync storm ran.
     */
    Segment buildSegment(Catalog catalog) {
        Ranked ranked = rankOrder(catalog);
        AdGroup[] groups = ranked.groups();
        Columns c = columns(catalog, ranked);
        Segment.ServableParts parts = servableParts(groups, ranked.campaigns(), c.creatives, c.eligible);
        long[][] ecpmByPlacement = ecpmByPlacement(groups, c.bidAuction);
        Map<Long, AdSpaceEntry> spaces = adSpaceEntries(catalog.adSpaces(), parts);
        return new Segment(catalog, parts, auction, groups, blockStarts(ranked.blocks()), c.campaignIds, c.tiers, c.bidAuction,
                ecpmByPlacement, c.accountRate, c.flightStart, c.flightEnd, c.zones, c.hours, c.creatives, c.eligible, spaces,
                buildDimensions(groups), buildOsIndex(groups), acceptsUnknownUsers(groups), contextual(groups));
    }

    /** The per-ordinal columns of a segment, filled by {@link #columns}. */
    private static final class Columns {
        final long[] campaignIds;
        final byte[] tiers;
        final long[] bidAuction;
        final long[] accountRate;
        final long[] flightStart;
        final long[] flightEnd;
        final LocalZone[] zones;
        final HoursOfWeek[] hours;
        final Creative[][] creatives;
        final RoaringBitmap eligible = new RoaringBitmap();

        Columns(int n) {
            campaignIds = new long[n];
            tiers = new byte[n];
            bidAuction = new long[n];
            accountRate = new long[n];
            flightStart = new long[n];
            flightEnd = new long[n];
            zones = new LocalZone[n];
            hours = new HoursOfWeek[n];
            creatives = new Creative[n][];
        }
    }

    private Columns columns(Catalog catalog, Ranked ranked) {
        AdGroup[] groups = ranked.groups();
        Columns c = new Columns(groups.length);
        for (int i = 0; i < groups.length; i++) {
            AdGroup g = groups[i];
            Account account = ranked.accounts()[i];
            c.campaignIds[i] = g.campaignId();
            c.tiers[i] = tierOf(ranked.campaigns()[i], g.bid().model());
            c.accountRate[i] = account == null ? 1_000_000L : auction.microsPerUnit().get(account.currency());
            c.bidAuction[i] = Money.mulDiv(g.bid().amountMicros(), c.accountRate[i], 1_000_000L);
            c.flightStart[i] = g.schedule().startMillis();
            c.flightEnd[i] = g.schedule().endMillis();
            c.zones[i] = g.schedule().zone();
            c.hours[i] = g.schedule().hours();
            c.creatives[i] = Eligibility.servableCreatives(catalog, g).toArray(new Creative[0]);
            if (Eligibility.check(catalog, g) == null) {
                c.eligible.add(i);
            }
        }
        return c;
    }

    /** The posting lists an ad space's servable set is folded from: placement, creative format, ad-space and publisher pinning. */
    private static Segment.ServableParts servableParts(AdGroup[] groups, Campaign[] campaigns, Creative[][] creatives, RoaringBitmap eligible) {
        Map<PlacementType, RoaringBitmap> byPlacement = new EnumMap<>(PlacementType.class);
        Map<CreativeFormat, RoaringBitmap> byFormat = new EnumMap<>(CreativeFormat.class);
        RoaringBitmap unpinnedSpace = new RoaringBitmap();
        Map<Long, RoaringBitmap> pinnedSpace = new HashMap<>();
        RoaringBitmap unpinnedPublisher = new RoaringBitmap();
        Map<Long, RoaringBitmap> pinnedPublisher = new HashMap<>();
        Map<String, RoaringBitmap> byDomain = new HashMap<>();
        Map<String, RoaringBitmap> byApp = new HashMap<>();
        Map<String, RoaringBitmap> byCategory = new HashMap<>();
        for (int i = 0; i < groups.length; i++) {
            AdGroup g = groups[i];
            for (PlacementType p : g.placements()) {
                byPlacement.computeIfAbsent(p, k -> new RoaringBitmap()).add(i);
            }
            for (Creative c : creatives[i]) {
                byFormat.computeIfAbsent(c.format(), k -> new RoaringBitmap()).add(i);
                for (String category : c.categories()) {
                    byCategory.computeIfAbsent(category, k -> new RoaringBitmap()).add(i);
                    byCategory.computeIfAbsent(ContentCategory.tier1(category), k -> new RoaringBitmap()).add(i);
                }
            }
            pin(i, g.adSpaceIds(), unpinnedSpace, pinnedSpace);
            pin(i, g.publisherIds(), unpinnedPublisher, pinnedPublisher);
            if (campaigns[i] != null && campaigns[i].advertiserDomain() != null) {
                byDomain.computeIfAbsent(campaigns[i].advertiserDomain(), k -> new RoaringBitmap()).add(i);
            }
            if (g.app() != null) {
                byApp.computeIfAbsent(g.app().packageName(), k -> new RoaringBitmap()).add(i);
            }
        }
        return new Segment.ServableParts(eligible, byPlacement, byFormat, unpinnedSpace, pinnedSpace, unpinnedPublisher, pinnedPublisher,
                new Segment.BrandParts(byDomain, byApp, byCategory, campaigns, groups, creatives));
    }

    /** Each ordinal's eCPM for each placement type's priors, in the auction currency. */
    private long[][] ecpmByPlacement(AdGroup[] groups, long[] bidAuction) {
        int n = groups.length;
        // The bid models are read once into an array: the loop below visits every group once per placement type.
        BidModel[] models = new BidModel[n];
        for (int i = 0; i < n; i++) {
            models[i] = groups[i].bid().model();
        }
        long[][] ecpmByPlacement = new long[PlacementType.values().length][n];
        for (PlacementType p : PlacementType.values()) {
            EngineConfig.Prior prior = auction.priors().get(p);
            long[] ecpm = ecpmByPlacement[p.ordinal()];
            for (int i = 0; i < n; i++) {
                ecpm[i] = Pricing.ecpm(models[i], bidAuction[i], prior);
            }
        }
        return ecpmByPlacement;
    }

    /** Every ad space's entry: its priors and the ordinals that may serve on it. */
    private Map<Long, AdSpaceEntry> adSpaceEntries(Collection<AdSpace> adSpaces, Segment.ServableParts parts) {
        Map<Long, AdSpaceEntry> spaces = new HashMap<>();
        // Many ad spaces share a placement and a format list: fold that part once per combination.
        Map<List<Object>, RoaringBitmap> fitting = new HashMap<>();
        for (AdSpace space : adSpaces) {
            RoaringBitmap shared = fitting.computeIfAbsent(List.of(space.placement(), space.formats()), k -> fitting(parts, space));
            spaces.put(space.id(), entry(parts, space, auction, shared));
        }
        return spaces;
    }

    private static RoaringBitmap contextual(AdGroup[] groups) {
        RoaringBitmap contextual = new RoaringBitmap();
        for (int i = 0; i < groups.length; i++) {
            AdGroup g = groups[i];
            boolean install = g.app() != null && g.installState() != null && g.installState() != InstallStateTarget.ALL_USERS;
            if (!g.targeting().readsUserData() && !install) {
                contextual.add(i);
            }
        }
        return contextual;
    }

    private static RoaringBitmap acceptsUnknownUsers(AdGroup[] groups) {
        RoaringBitmap accepts = new RoaringBitmap();
        for (int i = 0; i < groups.length; i++) {
            if (acceptsUnknownUser(groups[i])) {
                accepts.add(i);
            }
        }
        return accepts;
    }

    private static final RoaringBitmap NOTHING = new RoaringBitmap();

    /**
     * An ad space's entry over a segment: the ordinals that may serve there (eligible, placement, format,
     * pinning, publisher, then its block lists) and those the block lists removed. {@code fitting} is the
     * (shared, never modified) first part.
     */
    static AdSpaceEntry entry(Segment.ServableParts parts, AdSpace space, EngineConfig.AuctionConfig auction, RoaringBitmap fitting) {
        EngineConfig.Prior prior = auction.priors().get(space.placement());
        long floor = Math.max(space.floorCpmMicros(), auction.reservePriceCpmMicros());
        RoaringBitmap servable = pinned(parts, space, fitting);
        if (!space.blocksAnything()) {
            return new AdSpaceEntry(space, prior, floor, servable, NOTHING);
        }
        RoaringBitmap blocked = blocked(parts.brand(), space, servable);
        servable.andNot(blocked);
        return new AdSpaceEntry(space, prior, floor, servable, blocked);
    }

    /**
     * The ordinals of {@code servable} an ad space's block lists remove: those whose advertiser domain or
     * promoted app it blocks, and those whose every creative in a format it accepts is in a blocked category.
     * Only the ordinals a block list names are checked one by one.
     */
    private static RoaringBitmap blocked(Segment.BrandParts brand, AdSpace space, RoaringBitmap servable) {
        RoaringBitmap named = new RoaringBitmap();
        space.blockedDomains().forEach(d -> orInto(named, brand.byDomain().get(d)));
        space.blockedApps().forEach(a -> orInto(named, brand.byApp().get(a)));
        space.blockedCategories().forEach(c -> orInto(named, brand.byCategory().get(c)));
        named.and(servable);
        RoaringBitmap blocked = new RoaringBitmap();
        named.forEach((int o) -> {
            if (space.blocks(brand.campaigns()[o], brand.groups()[o]) || !hasUnblockedCreative(brand.creatives()[o], space)) {
                blocked.add(o);
            }
        });
        return blocked;
    }

    private static boolean hasUnblockedCreative(Creative[] creatives, AdSpace space) {
        for (Creative c : creatives) {
            if (space.formats().contains(c.format()) && !space.blocks(c)) {
                return true;
            }
        }
        return false;
    }

    private static void orInto(RoaringBitmap into, RoaringBitmap maybe) {
        if (maybe != null) {
            into.or(maybe);
        }
    }

    /** Eligible ordinals of the ad space's placement with a creative in a format it accepts (never modified). */
    static RoaringBitmap fitting(Segment.ServableParts parts, AdSpace space) {
        RoaringBitmap placement = parts.byPlacement().get(space.placement());
        if (placement == null) {
            return new RoaringBitmap();
        }
        List<RoaringBitmap> formats = new ArrayList<>();
        for (CreativeFormat f : space.formats()) {
            RoaringBitmap b = parts.byFormat().get(f);
            if (b != null) {
                formats.add(b);
            }
        }
        RoaringBitmap fitting = RoaringBitmap.and(parts.eligible(), placement);
        fitting.and(FastAggregation.or(formats.iterator()));
        return fitting;
    }

    /** {@code fitting} narrowed to the groups not pinned elsewhere: to no ad space or this one, to no publisher or this one's. */
    private static RoaringBitmap pinned(Segment.ServableParts parts, AdSpace space, RoaringBitmap fitting) {
        RoaringBitmap servable = RoaringBitmap.and(fitting, orOf(parts.unpinnedSpace(), parts.pinnedSpace().get(space.id())));
        servable.and(orOf(parts.unpinnedPublisher(), parts.pinnedPublisher().get(space.publisherId())));
        return servable;
    }

    private static RoaringBitmap orOf(RoaringBitmap a, RoaringBitmap maybe) {
        return maybe == null ? a : RoaringBitmap.or(a, maybe);
    }

    /**
     * Ordinal order: by rank block (see {@link Snapshot#RANK_BLOCKS}), then by bid in the auction currency
     * (descending), then by id. Inside one block every eCPM formula is monotone in the bid, so ascending
     * ordinals are non-increasing eCPM for every placement's priors: the auction can visit candidates
     * best-first and stop early.
     */
    private Ranked rankOrder(Catalog catalog) {
        AdGroup[] byId = catalog.adGroups().toArray(new AdGroup[0]);
        int n = byId.length;
        long[] bid = new long[n];
        int[] block = new int[n];
        Campaign[] campaignById = new Campaign[n];
        Account[] accountById = new Account[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            AdGroup g = byId[i];
            Campaign campaign = catalog.campaign(g.campaignId());
            Account account = campaign == null ? null : catalog.account(campaign.accountId());
            campaignById[i] = campaign;
            accountById[i] = account;
            long rate = account == null ? 1_000_000L : auction.microsPerUnit().get(account.currency());
            bid[i] = Money.mulDiv(g.bid().amountMicros(), rate, 1_000_000L);
            block[i] = Snapshot.rankBlock(tierOf(campaign, g.bid().model()), g.bid().model());
            order[i] = i;
        }
        // byId is in id order, so ties on (block, bid) keep id order by comparing positions.
        java.util.Arrays.sort(order, (a, b) -> block[a] != block[b] ? Integer.compare(block[a], block[b])
                : bid[a] != bid[b] ? Long.compare(bid[b], bid[a]) : Integer.compare(a, b));
        Ranked ranked = new Ranked(new AdGroup[n], new Campaign[n], new Account[n], new int[n]);
        for (int i = 0; i < n; i++) {
            int from = order[i];
            ranked.groups[i] = byId[from];
            ranked.campaigns[i] = campaignById[from];
            ranked.accounts[i] = accountById[from];
            ranked.blocks[i] = block[from];
        }
        return ranked;
    }

    /** Ad groups in ordinal (rank) order with their campaign, account ({@code null} when missing) and rank block. */
    private record Ranked(AdGroup[] groups, Campaign[] campaigns, Account[] accounts, int[] blocks) {
    }

    private static int[] blockStarts(int[] blocks) {
        int[] starts = new int[Snapshot.RANK_BLOCKS + 1];
        int o = 0;
        for (int b = 0; b < Snapshot.RANK_BLOCKS; b++) {
            starts[b] = o;
            while (o < blocks.length && blocks[o] == b) {
                o++;
            }
        }
        starts[Snapshot.RANK_BLOCKS] = blocks.length;
        return starts;
    }

    /** CPT is a booked slot; a brand campaign's CPM is guaranteed volume; everything else is performance. */
    static byte tierOf(Campaign campaign, BidModel model) {
        if (model == BidModel.CPT) {
            return Snapshot.TIER_CPT;
        }
        if (model == BidModel.CPM && campaign != null && campaign.objective() == Objective.BRAND) {
            return Snapshot.TIER_BRAND_CPM;
        }
        return Snapshot.TIER_PERFORMANCE;
    }

    /**
     * Whether the group's user-side targeting accepts a user with no gender, no age, in no audience and
     * with nothing installed.
     */
    static boolean acceptsUnknownUser(AdGroup g) {
        Targeting t = g.targeting();
        if (t.needsKnownUser()) {
            return false;
        }
        return g.app() == null || g.installState() != InstallStateTarget.ALREADY_INSTALLED;
    }

    private static void pin(int ordinal, java.util.Set<Long> ids, RoaringBitmap unpinned, Map<Long, RoaringBitmap> pinned) {
        if (ids.isEmpty()) {
            unpinned.add(ordinal);
            return;
        }
        for (Long id : ids) {
            pinned.computeIfAbsent(id, k -> new RoaringBitmap()).add(ordinal);
        }
    }

    /**
     * The posting lists of every request-side dimension, in one pass over the groups' restricted rules
     * only (most groups restrict few dimensions, so this is much cheaper than asking every group about
     * every dimension).
     */
    private static DimensionIndex[] buildDimensions(AdGroup[] groups) {
        int dimensions = Dimension.values().length;
        RoaringBitmap[] restricted = new RoaringBitmap[dimensions];
        List<Map<String, RoaringBitmap>> includes = new ArrayList<>();
        List<Map<String, RoaringBitmap>> excludes = new ArrayList<>();
        for (int d = 0; d < dimensions; d++) {
            restricted[d] = new RoaringBitmap();
            includes.add(new HashMap<>());
            excludes.add(new HashMap<>());
        }
        for (int i = 0; i < groups.length; i++) {
            for (Map.Entry<Dimension, IncludeExclude> e : groups[i].targeting().dimensions().entrySet()) {
                int d = e.getKey().ordinal();
                IncludeExclude rule = e.getValue();
                if (!rule.include().isEmpty()) {
                    restricted[d].add(i);
                }
                for (String v : rule.include()) {
                    includes.get(d).computeIfAbsent(v, k -> new RoaringBitmap()).add(i);
                }
                for (String v : rule.exclude()) {
                    excludes.get(d).computeIfAbsent(v, k -> new RoaringBitmap()).add(i);
                }
            }
        }
        DimensionIndex[] out = new DimensionIndex[dimensions];
        for (int d = 0; d < dimensions; d++) {
            RoaringBitmap unrestricted = new RoaringBitmap();
            unrestricted.add(0L, groups.length);
            unrestricted.andNot(restricted[d]);
            Map<String, RoaringBitmap> accept = new HashMap<>();
            TreeSet<String> values = new TreeSet<>(includes.get(d).keySet());
            values.addAll(excludes.get(d).keySet());
            for (String v : values) {
                RoaringBitmap inc = includes.get(d).get(v);
                RoaringBitmap b = inc == null ? unrestricted.clone() : RoaringBitmap.or(unrestricted, inc);
                RoaringBitmap ex = excludes.get(d).get(v);
                if (ex != null) {
                    b.andNot(ex);
                }
                accept.put(v, b);
            }
            out[d] = new DimensionIndex(accept, unrestricted);
        }
        return out;
    }

    private static OsVersionIndex buildOsIndex(AdGroup[] groups) {
        RoaringBitmap unrestricted = new RoaringBitmap();
        TreeSet<Integer> cuts = new TreeSet<>();
        List<Integer> restricted = new ArrayList<>();
        for (int i = 0; i < groups.length; i++) {
            OsVersionRange r = groups[i].targeting().osVersion();
            if (r.isAny()) {
                unrestricted.add(i);
            } else {
                restricted.add(i);
                cuts.add(r.min());
                if (r.max() != Integer.MAX_VALUE) {
                    cuts.add(r.max() + 1);
                }
            }
        }
        int[] boundaries = cuts.stream().mapToInt(Integer::intValue).toArray();
        RoaringBitmap[] accept = new RoaringBitmap[boundaries.length + 1];
        for (int interval = 0; interval < accept.length; interval++) {
            // Every version in [boundaries[interval-1], boundaries[interval]) is covered by the same ranges,
            // so the interval's first version stands for all of them. Below the first boundary (every
            // range's min is a boundary) no range covers anything.
            RoaringBitmap b = unrestricted.clone();
            if (interval > 0) {
                int representative = boundaries[interval - 1];
                for (int i : restricted) {
                    if (groups[i].targeting().osVersion().accepts(representative)) {
                        b.add(i);
                    }
                }
            }
            accept[interval] = b;
        }
        return new OsVersionIndex(boundaries, accept, unrestricted);
    }
}
