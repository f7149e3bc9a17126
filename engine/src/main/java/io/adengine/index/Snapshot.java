package io.adengine.index;

import io.adengine.config.EngineConfig;
import io.adengine.model.AdGroup;
import io.adengine.model.BidModel;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.PlacementType;
import org.roaringbitmap.RoaringBitmap;

import java.util.Map;
import java.util.function.Function;

/**
 * Everything the serving path reads for one catalog version, immutable once built. It is a large
 * <em>base</em> {@link Segment} (a full build of some earlier catalog version) plus, when the catalog
 * changed since, a small <em>delta</em> segment holding the current state of every ad group the changes
 * touched; the base ordinals of those groups are <em>hidden</em>. Ordinals are global: the base's run
 * {@code 0 .. deltaOffset()}, the delta's follow. A change therefore reaches serving by building only
 * the delta (milliseconds), while full builds (seconds at 100,000 ad groups) run rarely, in the
 * background, and fold the delta back into a new base.
 *
 * <p>{@code base (v0): [0 ........ n) minus hidden   +   delta (v1 − v0): [n .. n + d)}
 *
 * <p>The serving path walks each segment separately (see {@code AdDecider}); the composite bitmaps below
 * ({@link #eligible}, {@link #accepting}, …) are materialised on demand for explain and tests.
 */
public final class Snapshot {

    /** Priority tier of a booked time slot (CPT): served before anything else, charged its slot price. */
    public static final byte TIER_CPT = 2;
    /** Priority tier of guaranteed brand CPM: served before performance, charged its bid. */
    public static final byte TIER_BRAND_CPM = 1;
    /** Tier of performance deliveries: ranked by eCPM, charged the second price. */
    public static final byte TIER_PERFORMANCE = 0;

    /**
     * Rank blocks, in the order the auction ranks them: booked slots (CPT), brand CPM, then the
     * performance models CPM, CPC and CPA (each block ranks by a formula monotone in the bid).
     */
    public static final int RANK_BLOCKS = 5;

    private static final RoaringBitmap NOTHING = new RoaringBitmap();

    private final Catalog catalog;
    private final Segment base;
    private final Segment delta;
    private final RoaringBitmap hidden;
    private final Map<Long, AdSpaceEntry> adSpaces;
    private final int deltaOffset;

    Snapshot(Catalog catalog, Segment base, Segment delta, RoaringBitmap hidden, Map<Long, AdSpaceEntry> adSpaces) {
        this.catalog = catalog;
        this.base = base;
        this.delta = delta;
        this.hidden = hidden;
        this.adSpaces = adSpaces;
        this.deltaOffset = base.size();
    }

    /** A snapshot of one full build: no delta, nothing hidden. */
    static Snapshot of(Segment base) {
        return new Snapshot(base.catalog, base, null, NOTHING, base.adSpaces());
    }

    /** The current catalog (the base's with the delta's changes laid over it). */
    public Catalog catalog() {
        return catalog;
    }

    public long version() {
        return catalog.version();
    }

    public EngineConfig.AuctionConfig auction() {
        return base.auction;
    }

    /** The full build this snapshot starts from. */
    public Segment base() {
        return base;
    }

    /** The ad groups changed since the base was built, or {@code null} when there are none. */
    public Segment delta() {
        return delta;
    }

    /** Base ordinals superseded by the delta (changed or deleted since the base). Never modify the result. */
    public RoaringBitmap hidden() {
        return hidden;
    }

    /** The first delta ordinal: the base's size. */
    public int deltaOffset() {
        return deltaOffset;
    }

    /** The range of ordinals (0 until this), hidden ones included: size arrays indexed by ordinal with it. */
    public int size() {
        return deltaOffset + (delta == null ? 0 : delta.size());
    }

    /** How many ad groups the catalog holds (hidden ordinals do not count). */
    public int adGroupCount() {
        return size() - hidden.getCardinality();
    }

    public AdGroup group(int ordinal) {
        return ordinal < deltaOffset ? base.group(ordinal) : delta.group(ordinal - deltaOffset);
    }

    public long campaignId(int ordinal) {
        return ordinal < deltaOffset ? base.campaignId(ordinal) : delta.campaignId(ordinal - deltaOffset);
    }

    public byte tier(int ordinal) {
        return ordinal < deltaOffset ? base.tier(ordinal) : delta.tier(ordinal - deltaOffset);
    }

    /** Micros of the auction currency one unit of this group's account currency is worth. */
    public long accountMicrosPerUnit(int ordinal) {
        return ordinal < deltaOffset ? base.accountMicrosPerUnit(ordinal) : delta.accountMicrosPerUnit(ordinal - deltaOffset);
    }

    /** Servable creatives of the group (approved, http(s) click URL), in id order. */
    public Creative[] creatives(int ordinal) {
        return ordinal < deltaOffset ? base.creatives(ordinal) : delta.creatives(ordinal - deltaOffset);
    }

    /** The ad group id of an ordinal (the auction's tie-break: lower id first). */
    public long groupId(int ordinal) {
        return ordinal < deltaOffset ? base.groupId(ordinal) : delta.groupId(ordinal - deltaOffset);
    }

    /** Precomputed eCPM (auction-currency micros) of an ordinal on one placement type's priors. */
    public long ecpm(PlacementType placement, int ordinal) {
        return ordinal < deltaOffset ? base.ecpmOn(placement)[ordinal] : delta.ecpmOn(placement)[ordinal - deltaOffset];
    }

    /** Ordinal of an ad group id, or {@code -1}. */
    public int ordinalOf(long adGroupId) {
        if (delta != null) {
            int d = delta.ordinalOf(adGroupId);
            if (d >= 0) {
                return deltaOffset + d;
            }
        }
        int o = base.ordinalOf(adGroupId);
        return o >= 0 && !hidden.contains(o) ? o : -1;
    }

    /** The block of a tier and bid model: the index into {@link Segment#blockStart}. */
    public static int rankBlock(byte tier, BidModel model) {
        if (tier == TIER_CPT) {
            return 0;
        }
        if (tier == TIER_BRAND_CPM) {
            return 1;
        }
        return switch (model) {
            case CPM, CPT -> 2;
            case CPC -> 3;
            case CPA -> 4;
        };
    }

    /**
     * The current ad space with the base's servable ordinals (hidden ones still in: the serving walk skips
     * them), or {@code null} for an unknown ad space. The delta's are {@code delta().adSpace(id)}.
     */
    public AdSpaceEntry adSpace(long adSpaceId) {
        return adSpaces.get(adSpaceId);
    }

    /** Every ordinal that may serve on an ad space (see {@link AdSpaceEntry}); a composite, never modify it. */
    public RoaringBitmap servable(long adSpaceId) {
        AdSpaceEntry entry = adSpaces.get(adSpaceId);
        if (entry == null) {
            return NOTHING;
        }
        return composite(entry.servable(), delta == null ? null : delta.adSpace(adSpaceId).servable());
    }

    /** Ordinals that pass the static eligibility rule. Never modify the result. */
    public RoaringBitmap eligible() {
        return composite(Segment::eligible);
    }

    /** Ordinals accepting a normalised value of a dimension. Never modify the result. */
    public RoaringBitmap accepting(Dimension dimension, String value) {
        return composite(s -> s.accepting(dimension, value));
    }

    /** Ordinals accepting an encoded OS version ({@code -1} unknown). Never modify the result. */
    public RoaringBitmap acceptingOsVersion(int version) {
        return composite(s -> s.acceptingOsVersion(version));
    }

    /** Ordinals whose user-side targeting accepts a user the engine knows nothing about. Never modify the result. */
    public RoaringBitmap acceptingUnknownUser() {
        return composite(Segment::acceptingUnknownUser);
    }

    /** Whether one ordinal's user-side targeting accepts a user the engine knows nothing about. */
    public boolean acceptsUnknownUser(int ordinal) {
        return ordinal < deltaOffset ? base.acceptingUnknownUser().contains(ordinal)
                : delta.acceptingUnknownUser().contains(ordinal - deltaOffset);
    }

    /** Ordinals whose schedule is live at this instant (see {@link Segment#liveAt}). Never modify the result. */
    public RoaringBitmap liveAt(long epochMillis) {
        return composite(s -> s.liveAt(epochMillis));
    }

    /** Computes each segment's schedule bitmap for this instant's hour now (a publisher does it before the swap). */
    public void prepareSchedules(long epochMillis) {
        base.liveAt(epochMillis);
        if (delta != null) {
            delta.liveAt(epochMillis);
        }
    }

    private RoaringBitmap composite(Function<Segment, RoaringBitmap> part) {
        return composite(part.apply(base), delta == null ? null : part.apply(delta));
    }

    /** The base's part without the hidden ordinals, plus the delta's part moved to its global ordinals. */
    private RoaringBitmap composite(RoaringBitmap basePart, RoaringBitmap deltaPart) {
        if (deltaPart == null && hidden.isEmpty()) {
            return basePart;
        }
        RoaringBitmap all = RoaringBitmap.andNot(basePart, hidden);
        if (deltaPart != null) {
            all.or(RoaringBitmap.addOffset(deltaPart, deltaOffset));
        }
        return all;
    }
}
