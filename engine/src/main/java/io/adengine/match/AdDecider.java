package io.adengine.match;

import io.adengine.index.AdSpaceEntry;
import io.adengine.index.Pricing;
import io.adengine.index.Segment;
import io.adengine.index.SegmentRates;
import io.adengine.index.Snapshot;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.NotServedReason;
import io.adengine.model.PlacementType;
import org.roaringbitmap.IntIteratorFlyweight;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Makes ad decisions on one thread. Holds that thread's scratch (the ranked list), so it is not
 * thread-safe: each serving thread owns one instance. The snapshot and the gates it reads are shared
 * and lock-free.
 */
public final class AdDecider {

    private static final int NONE = -1;
    private static final Dimension[] DIMENSIONS = Dimension.values();
    private static final FilterStage[] DIMENSION_STAGES = new FilterStage[DIMENSIONS.length];

    static {
        for (Dimension d : DIMENSIONS) {
            DIMENSION_STAGES[d.ordinal()] = FilterStage.valueOf(d.name());
        }
    }

    private final BudgetGate budget;
    private final UserTargeting users;
    private final RateSource rateSource;
    private final FrequencyGate frequency;
    // The learned rates of each segment for the request being decided (null: the placement's priors).
    private final SegmentRates[] segmentRates = new SegmentRates[Snapshot.MAX_SEGMENTS];
    // The ranked list: at most count + 1 entries (the extra one prices the last ad), one per campaign.
    private final int[] rankedOrdinal = new int[AdRequest.MAX_COUNT + 1];
    private final long[] rankedEcpm = new long[AdRequest.MAX_COUNT + 1];
    private final byte[] rankedTier = new byte[AdRequest.MAX_COUNT + 1];
    private int rankedSize;
    private int rankedLimit;
    // Reused iterators over one segment's servable and country lists (one walk per segment per request).
    private final IntIteratorFlyweight servableWalk = new IntIteratorFlyweight();
    private final IntIteratorFlyweight countryWalk = new IntIteratorFlyweight();
    // The request's posting lists the serving path checks per visited candidate (see prepareLazyFilters).
    private final RoaringBitmap[] lazyLists = new RoaringBitmap[DIMENSIONS.length + 1];
    // The user of the request being decided, resolved once per decision (in filter or decide).
    private int user = UserTargeting.UNKNOWN_USER;
    // Whether the request's privacy signals allow contextual targeting only (see Privacy), set with the user.
    private boolean contextualOnly;
    // The request's frequency key, computed the first time a capped candidate needs it (UNRESOLVED until then).
    private static final long UNRESOLVED = Long.MIN_VALUE;
    private long userKey = UNRESOLVED;
    private AdRequest request;

    public AdDecider(BudgetGate budget, UserTargeting users) {
        this(budget, users, RateSource.PRIORS);
    }

    /** A decider ranking with learned rates where {@code rates} has them. */
    public AdDecider(BudgetGate budget, UserTargeting users, RateSource rates) {
        this(budget, users, rates, FrequencyGate.NONE);
    }

    /** A decider that also enforces frequency caps with {@code frequency}'s counts. */
    public AdDecider(BudgetGate budget, UserTargeting users, RateSource rates, FrequencyGate frequency) {
        this.budget = budget;
        this.users = users;
        this.rateSource = rates;
        this.frequency = frequency;
    }

    /** A decider with no spend tracking and no user data. */
    public AdDecider() {
        this(BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS);
    }

    /** Decides the ads for one request against one snapshot, writing into {@code out}. */
    public Decision decide(Snapshot snapshot, AdRequest request, Decision out) {
        out.reset();
        boolean explain = request.explain();
        if (explain) {
            out.explained = true;
            out.explain.reset(snapshot.size());
        }
        AdSpaceEntry entry = snapshot.adSpace(request.adSpaceId());
        if (entry == null) {
            out.outcome = Outcome.UNKNOWN_AD_SPACE;
            return out;
        }
        rankedSize = 0;
        rankedLimit = request.count() + 1;
        resolveRates(snapshot, request);
        if (explain) {
            rankEveryCandidate(snapshot, filter(snapshot, request, entry, out.explain), entry, out.explain, request.nowMillis());
        } else {
            resolveUser(request, entry);
            for (int i = 0; i < snapshot.segmentCount(); i++) {
                rankBestFirst(snapshot, i, snapshot.adSpace(i, request.adSpaceId()).servable(),
                        snapshot.hidden(i), request, entry);
            }
        }
        price(snapshot, entry, request, out);
        for (int i = 0; i < out.filled; i++) {
            if (snapshot.capRules(out.ordinals[i]) != null) {
                out.userKey = userKey(request);
            }
        }
        if (explain && request.explainAdGroupId() != 0) {
            out.explain.adGroup(request.explainAdGroupId(), reasonFor(snapshot, request, entry, out));
        }
        return out;
    }

    private void resolveRates(Snapshot snapshot, AdRequest request) {
        for (int i = 0; i < snapshot.segmentCount(); i++) {
            segmentRates[i] = rateSource.rates(snapshot, i, request);
        }
    }

    /** The learned rates of a segment on a placement, or {@code null} when its priors apply. */
    private SegmentRates ratesOf(int segment, PlacementType placement) {
        SegmentRates r = segmentRates[segment];
        return r != null && r.covers(placement) ? r : null;
    }

    /** The pCTR (ppm) a global ordinal ranks with on an ad space, in the decision being made. */
    private int ctrOf(Snapshot snapshot, int o, AdSpaceEntry entry) {
        int i = snapshot.segmentOf(o);
        SegmentRates r = ratesOf(i, entry.space().placement());
        return r == null ? entry.prior().ctrPpm() : r.ctrPpm(entry.space().placement(), o - snapshot.offset(i));
    }

    /** The pCVR (ppm) a global ordinal ranks with on an ad space, in the decision being made. */
    private int cvrOf(Snapshot snapshot, int o, AdSpaceEntry entry) {
        int i = snapshot.segmentOf(o);
        SegmentRates r = ratesOf(i, entry.space().placement());
        return r == null ? entry.prior().cvrPpm() : r.cvrPpm(entry.space().placement(), o - snapshot.offset(i));
    }

    /** Resolves the request's user, unless its privacy signals forbid user data (then no lookup, no trace). */
    private void resolveUser(AdRequest request, AdSpaceEntry entry) {
        contextualOnly = !Privacy.allowsUserData(request, entry.space());
        user = contextualOnly ? UserTargeting.UNKNOWN_USER : users.userOf(request);
        userKey = UNRESOLVED;
        this.request = request;
    }

    /** The request's frequency key: none when its privacy signals forbid user data; computed once per decision. */
    private long userKey(AdRequest request) {
        if (userKey == UNRESOLVED) {
            userKey = contextualOnly ? FrequencyGate.NO_USER : frequency.userKey(request);
        }
        return userKey;
    }

    /**
     * Whether an ordinal's frequency caps (its own and its campaign's) let this request's user see it: always for an
     * uncapped group; for a capped one, a user without a usable id only when the group allows unknown users.
     */
    private boolean capsAllow(Snapshot snapshot, int o, long nowMillis) {
        io.adengine.index.FrequencyRule[] rules = snapshot.capRules(o);
        if (rules == null) {
            return true;
        }
        long key = userKey(request);
        return key == FrequencyGate.NO_USER ? snapshot.capUnknownUsers(o) : frequency.allows(rules, key, nowMillis);
    }

    /** The candidate ordinals after every bitmap filter; a fresh bitmap the caller may modify. */
    public RoaringBitmap filter(Snapshot snapshot, AdRequest request, AdSpaceEntry entry, Explain explain) {
        // The country list is the most selective request-side list in practice, so it meets the ad space
        // first; every later AND runs in place on the (small) intersection and allocates nothing new.
        RoaringBitmap servableHere = snapshot.servable(request.adSpaceId());
        RoaringBitmap c = RoaringBitmap.and(servableHere, snapshot.accepting(Dimension.COUNTRY, request.value(Dimension.COUNTRY)));
        if (explain != null) {
            long eligible = snapshot.eligible().getLongCardinality();
            long servable = servableHere.getLongCardinality();
            long blocked = snapshot.blocked(request.adSpaceId()).getLongCardinality();
            explain.removed(FilterStage.STATIC_ELIGIBILITY, snapshot.adGroupCount() - eligible);
            explain.removed(FilterStage.AD_SPACE, eligible - servable - blocked);
            explain.removed(FilterStage.BLOCKED, blocked);
            explain.removed(FilterStage.COUNTRY, servable - c.getLongCardinality());
        }
        for (int d = 1; d < DIMENSIONS.length; d++) {
            and(c, snapshot.accepting(DIMENSIONS[d], request.value(DIMENSIONS[d])), explain, DIMENSION_STAGES[d]);
        }
        and(c, snapshot.acceptingOsVersion(request.osVersion()), explain, FilterStage.OS_VERSION);
        resolveUser(request, entry);
        long before = explain == null ? 0 : c.getLongCardinality();
        if (contextualOnly) {
            c.and(snapshot.contextual());
        } else {
            users.retainAccepting(snapshot, user, c);
        }
        if (explain != null) {
            explain.removed(FilterStage.USER, before - c.getLongCardinality());
        }
        and(c, snapshot.liveAt(request.nowMillis()), explain, FilterStage.SCHEDULE);
        return c;
    }

    /**
     * The serving path materialises no candidate set: it walks the ad space's servable list and the
     * country list together (the two selective lists) and checks every other filter (schedule, user,
     * region, language, network, carrier, device model, OS version) on the few candidates the best-first
     * walk visits, each with one bitmap lookup, instead of intersecting thousands of ordinals per list.
     */
    private void prepareLazyFilters(Segment segment, AdRequest request) {
        for (int d = 1; d < DIMENSIONS.length; d++) {
            lazyLists[d - 1] = segment.accepting(DIMENSIONS[d], request.value(DIMENSIONS[d]));
        }
        lazyLists[DIMENSIONS.length - 1] = segment.acceptingOsVersion(request.osVersion());
        lazyLists[DIMENSIONS.length] = segment.liveAt(request.nowMillis());
    }

    /**
     * Every filter but ad space and country, for one candidate of a segment (see {@link #prepareLazyFilters});
     * {@code offset} turns the segment's ordinal into the snapshot's.
     */
    private boolean passesLazyFilters(Snapshot snapshot, Segment segment, int offset, int o) {
        for (RoaringBitmap list : lazyLists) {
            if (!list.contains(o)) {
                return false;
            }
        }
        if (contextualOnly) {
            return segment.contextual().contains(o);
        }
        return user == UserTargeting.UNKNOWN_USER ? segment.acceptingUnknownUser().contains(o) : users.accepts(snapshot, user, offset + o);
    }

    /**
     * The ordinals that would enter the auction for this request: every filter passed, at or above the
     * floor, allowed by the budget gate. For tests and diagnostics; a fresh bitmap.
     */
    public RoaringBitmap auctionEntrants(Snapshot snapshot, AdRequest request) {
        AdSpaceEntry entry = snapshot.adSpace(request.adSpaceId());
        if (entry == null) {
            return new RoaringBitmap();
        }
        RoaringBitmap entrants = new RoaringBitmap();
        resolveRates(snapshot, request);
        filter(snapshot, request, entry, null).forEach((int o) -> {
            if (!belowFloor(snapshot, o, entry) && budget.allows(snapshot, o) && capsAllow(snapshot, o, request.nowMillis())) {
                entrants.add(o);
            }
        });
        return entrants;
    }

    /** Booked slots (CPT) ignore the floor; everything else must rank at or above it. */
    private boolean belowFloor(Snapshot snapshot, int o, AdSpaceEntry entry) {
        return snapshot.tier(o) != Snapshot.TIER_CPT && ecpm(snapshot, o, entry) < entry.floorCpmMicros();
    }

    /** The eCPM a global ordinal ranks with: its learned rates where there are any, else the placement's priors. */
    private long ecpm(Snapshot snapshot, int o, AdSpaceEntry entry) {
        PlacementType p = entry.space().placement();
        int i = snapshot.segmentOf(o);
        SegmentRates r = ratesOf(i, p);
        return r == null ? snapshot.ecpm(p, o) : r.ecpmOn(p)[o - snapshot.offset(i)];
    }

    private static void and(RoaringBitmap c, RoaringBitmap other, Explain explain, FilterStage stage) {
        if (explain == null) {
            c.and(other);
            return;
        }
        long before = c.getLongCardinality();
        c.and(other);
        explain.removed(stage, before - c.getLongCardinality());
    }

    /**
     * Visits one segment's candidates in ordinal order, which is rank order inside each rank block (eCPM
     * never rises along a block), and leaves a block as soon as the rest of it cannot matter: below the
     * floor, or strictly worse than the last of a full ranked list (a tie may still win on the lower id).
     * Segments are walked one after the other into the same ranked list; each walk's early exit only
     * relies on the order inside its own segment. {@code hidden} ordinals (superseded by the delta) are
     * skipped, {@code offset} maps the segment's ordinals to the snapshot's.
     */
    private void rankBestFirst(Snapshot snapshot, int segmentIndex, RoaringBitmap servableHere, RoaringBitmap hidden,
                               AdRequest request, AdSpaceEntry entry) {
        Segment segment = snapshot.segment(segmentIndex);
        int offset = snapshot.offset(segmentIndex);
        prepareLazyFilters(segment, request);
        boolean anyHidden = hidden != null && !hidden.isEmpty();
        long floor = entry.floorCpmMicros();
        PlacementType placement = entry.space().placement();
        SegmentRates learned = ratesOf(segmentIndex, placement);
        // With learned rates an ordinal's eCPM no longer falls along its block, but its bound does (SegmentRates).
        long[] ecpms = learned == null ? segment.ecpmOn(placement) : learned.ecpmOn(placement);
        long[] bounds = learned == null ? ecpms : learned.boundOn(placement);
        IntIteratorFlyweight servable = servableWalk;
        servable.wrap(servableHere);
        IntIteratorFlyweight inCountry = countryWalk;
        inCountry.wrap(segment.accepting(Dimension.COUNTRY, request.value(Dimension.COUNTRY)));
        for (int block = 0; block < Snapshot.RANK_BLOCKS; block++) {
            int end = segment.blockStart(block + 1);
            servable.advanceIfNeeded(segment.blockStart(block));
            inCountry.advanceIfNeeded(segment.blockStart(block));
            while (servable.hasNext() && inCountry.hasNext()) {
                int a = servable.peekNext();
                int b = inCountry.peekNext();
                if (a >= end || b >= end) {
                    break;
                }
                if (a != b) {
                    // Leapfrog: the lagging list jumps to the other's position.
                    if (a < b) {
                        servable.advanceIfNeeded(b);
                    } else {
                        inCountry.advanceIfNeeded(a);
                    }
                    continue;
                }
                servable.next();
                inCountry.next();
                int o = a;
                byte tier = segment.tier(o);
                long ecpm = ecpms[o];
                long bound = bounds[o];
                if (tier != Snapshot.TIER_CPT && bound < floor) {
                    break;
                }
                if (rankedSize == rankedLimit && (tier < rankedTier[rankedSize - 1]
                        || tier == rankedTier[rankedSize - 1] && bound < rankedEcpm[rankedSize - 1])) {
                    break;
                }
                if (anyHidden && hidden.contains(o) || tier != Snapshot.TIER_CPT && ecpm < floor) {
                    continue;
                }
                if (passesLazyFilters(snapshot, segment, offset, o) && budget.allows(snapshot, offset + o)
                        && capsAllow(snapshot, offset + o, request.nowMillis())) {
                    offer(snapshot, offset + o, tier, ecpm);
                }
            }
        }
    }

    /** Explain needs exact counts per stage, so it looks at every candidate. */
    private void rankEveryCandidate(Snapshot snapshot, RoaringBitmap candidates, AdSpaceEntry entry, Explain explain, long nowMillis) {
        long belowFloor = 0;
        long overBudget = 0;
        long capped = 0;
        PeekableIntIterator it = candidates.getIntIterator();
        while (it.hasNext()) {
            int o = it.next();
            if (belowFloor(snapshot, o, entry)) {
                belowFloor++;
                continue;
            }
            if (!budget.allows(snapshot, o)) {
                overBudget++;
                continue;
            }
            if (!capsAllow(snapshot, o, nowMillis)) {
                capped++;
                continue;
            }
            offer(snapshot, o, snapshot.tier(o), ecpm(snapshot, o, entry));
        }
        explain.removed(FilterStage.BELOW_FLOOR, belowFloor);
        explain.removed(FilterStage.BUDGET, overBudget);
        explain.removed(FilterStage.FREQUENCY_CAP, capped);
        explain.auctionCandidates(candidates.getLongCardinality() - belowFloor - overBudget - capped);
    }

    /**
     * Keeps the best count + 1 candidates, at most one per advertiser (its best): two ads are of one
     * advertiser when they share a campaign, or their campaigns declare the same advertiser domain. A
     * campaign has one domain, so this is an equivalence and the list never holds two of a class: a
     * candidate meets at most one rival there.
     */
    private void offer(Snapshot snapshot, int o, byte tier, long ecpm) {
        long campaign = snapshot.campaignId(o);
        String domain = snapshot.advertiserDomain(o);
        for (int i = 0; i < rankedSize; i++) {
            int r = rankedOrdinal[i];
            if (snapshot.campaignId(r) == campaign || domain != null && domain.equals(snapshot.advertiserDomain(r))) {
                if (!better(snapshot, tier, ecpm, o, i)) {
                    return;
                }
                removeAt(i);
                insert(snapshot, o, tier, ecpm);
                return;
            }
        }
        if (rankedSize < rankedLimit) {
            insert(snapshot, o, tier, ecpm);
        } else if (better(snapshot, tier, ecpm, o, rankedSize - 1)) {
            rankedSize--;
            insert(snapshot, o, tier, ecpm);
        }
    }

    /** Higher tier first, then higher eCPM, then the lower ad group id. */
    private boolean better(Snapshot snapshot, byte tier, long ecpm, int ordinal, int rankedIndex) {
        if (tier != rankedTier[rankedIndex]) {
            return tier > rankedTier[rankedIndex];
        }
        if (ecpm != rankedEcpm[rankedIndex]) {
            return ecpm > rankedEcpm[rankedIndex];
        }
        return snapshot.groupId(ordinal) < snapshot.groupId(rankedOrdinal[rankedIndex]);
    }

    private void insert(Snapshot snapshot, int o, byte tier, long ecpm) {
        int pos = rankedSize;
        while (pos > 0 && better(snapshot, tier, ecpm, o, pos - 1)) {
            rankedOrdinal[pos] = rankedOrdinal[pos - 1];
            rankedEcpm[pos] = rankedEcpm[pos - 1];
            rankedTier[pos] = rankedTier[pos - 1];
            pos--;
        }
        rankedOrdinal[pos] = o;
        rankedEcpm[pos] = ecpm;
        rankedTier[pos] = tier;
        rankedSize++;
    }

    private void removeAt(int index) {
        for (int i = index; i < rankedSize - 1; i++) {
            rankedOrdinal[i] = rankedOrdinal[i + 1];
            rankedEcpm[i] = rankedEcpm[i + 1];
            rankedTier[i] = rankedTier[i + 1];
        }
        rankedSize--;
    }

    private void price(Snapshot snapshot, AdSpaceEntry entry, AdRequest request, Decision out) {
        int filled = Math.min(request.count(), rankedSize);
        long floor = entry.floorCpmMicros();
        for (int i = 0; i < filled; i++) {
            int o = rankedOrdinal[i];
            long ecpm = rankedEcpm[i];
            long clearing;
            if (rankedTier[i] != Snapshot.TIER_PERFORMANCE) {
                clearing = ecpm;
            } else {
                // Sorted by tier, so whatever follows a performance ad is performance too.
                long next = i + 1 < rankedSize ? rankedEcpm[i + 1] : NONE;
                clearing = Math.min(ecpm, Math.max(floor, next == NONE ? 0 : next + 1));
            }
            out.ordinals[i] = o;
            out.ecpm[i] = ecpm;
            out.clearingCpm[i] = clearing;
            int ctr = ctrOf(snapshot, o, entry);
            int cvr = cvrOf(snapshot, o, entry);
            out.ctrPpm[i] = ctr;
            out.cvrPpm[i] = cvr;
            out.charge[i] = Pricing.chargePerUnit(snapshot, o, clearing, ctr, cvr);
            int seg = snapshot.segmentOf(o);
            SegmentRates learned = ratesOf(seg, entry.space().placement());
            Creative creative = learned == null
                    ? chooseCreative(snapshot.creatives(o), entry.space(), request.seed(), snapshot.group(o).id())
                    : bestCreative(snapshot.creatives(o), entry.space(), learned, o - snapshot.offset(seg));
            out.creatives[i] = creative;
            int assets = -1;
            if (learned != null) {
                Creative[] all = snapshot.creatives(o);
                for (int k = 0; k < all.length; k++) {
                    if (all[k] == creative) {
                        assets = learned.assetChoice(o - snapshot.offset(seg), k);
                    }
                }
            }
            out.assets[i] = assets >= 0 ? assets : AssetChoice.rotation(creative, mix(request.seed() + i));
        }
        out.filled = filled;
        out.outcome = filled > 0 ? Outcome.FILLED : Outcome.NO_FILL;
    }

    /**
     * The creative of a group shown on an ad space: among its servable creatives in a format the space
     * accepts and in no category it blocks (id order), the one the request's seed selects, so that creatives
     * rotate across requests.
     */
    public static Creative chooseCreative(Creative[] creatives, AdSpace space, long seed, long adGroupId) {
        int fitting = 0;
        for (Creative c : creatives) {
            if (fits(c, space)) {
                fitting++;
            }
        }
        if (fitting == 0) {
            return null;
        }
        int pick = (int) Long.remainderUnsigned(mix(seed ^ adGroupId), fitting);
        for (Creative c : creatives) {
            if (fits(c, space) && pick-- == 0) {
                return c;
            }
        }
        throw new AssertionError("unreachable: pick < fitting");
    }

    /** The fitting creative of a group with the highest learned score (the first such, in id order, on a tie). */
    private static Creative bestCreative(Creative[] creatives, AdSpace space, SegmentRates rates, int localOrdinal) {
        Creative best = null;
        int bestScore = Integer.MIN_VALUE;
        for (int k = 0; k < creatives.length; k++) {
            Creative c = creatives[k];
            if (fits(c, space)) {
                int score = rates.creativeScore(space.placement(), localOrdinal, k);
                if (best == null || score > bestScore) {
                    best = c;
                    bestScore = score;
                }
            }
        }
        return best;
    }

    /** A creative an ad space may show: in a format it accepts, in no category it blocks. */
    private static boolean fits(Creative c, AdSpace space) {
        return space.formats().contains(c.format()) && !space.blocks(c);
    }

    /** SplitMix64's finaliser: spreads nearby seeds over the whole range. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** First reason the asked-about group did not serve, checked on the model, stage by stage. */
    private NotServedReason reasonFor(Snapshot snapshot, AdRequest request, AdSpaceEntry entry, Decision out) {
        int o = snapshot.ordinalOf(request.explainAdGroupId());
        if (o < 0) {
            return NotServedReason.UNKNOWN_AD_GROUP;
        }
        NotServedReason filtered = AdGroupFilters.firstFilterReason(snapshot, request, entry, o, users, user, contextualOnly, budget,
                ecpm(snapshot, o, entry));
        if (filtered != null) {
            return filtered;
        }
        if (!capsAllow(snapshot, o, request.nowMillis())) {
            return NotServedReason.FREQUENCY_CAP;
        }
        for (int i = 0; i < out.filled; i++) {
            if (out.ordinals[i] == o) {
                return null;
            }
        }
        long campaign = snapshot.campaignId(o);
        String domain = snapshot.advertiserDomain(o);
        for (int i = 0; i < out.filled; i++) {
            if (snapshot.campaignId(out.ordinals[i]) == campaign) {
                return NotServedReason.SAME_CAMPAIGN;
            }
            if (domain != null && domain.equals(snapshot.advertiserDomain(out.ordinals[i]))) {
                return NotServedReason.SAME_ADVERTISER;
            }
        }
        return NotServedReason.OUTRANKED;
    }

    /** The ad group in a slot, for callers that render the answer. */
    public static AdGroup group(Snapshot snapshot, Decision decision, int slot) {
        return snapshot.group(decision.ordinal(slot));
    }
}
