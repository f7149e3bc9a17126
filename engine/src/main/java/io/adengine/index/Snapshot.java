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

/**
 * Everything the serving path reads for one catalog version, immutable once built. It is a list of
 * {@link Segment}s: a large <em>base</em> (a full build of some earlier catalog version), then up to
 * {@link #MAX_SEGMENTS} − 1 small <em>deltas</em>, oldest first, each holding the current state (as of
 * when it was built) of ad groups changed since the segment before it. Ordinals a later segment
 * supersedes are <em>hidden</em> in the earlier one. Ordinals are global: segment {@code i} owns
 * {@code offset(i) .. offset(i + 1)}. A change reaches serving by building only the newest, smallest
 * delta (milliseconds); deltas are folded together now and then, and full builds (seconds at 100,000 ad
 * groups) run rarely, in the background.
 *
 * <p>{@code base (v0): [0 .. n) minus hidden  +  delta (v0 → v1): [n .. n + d) minus hidden  +  delta (v1 → v2): [n + d .. n + d + e)}
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

    /** Most segments a snapshot has: the base, a delta since the base, and a delta since that delta. */
    public static final int MAX_SEGMENTS = 3;

    private static final RoaringBitmap NOTHING = new RoaringBitmap();

    private final Catalog catalog;
    private final Segment[] segments;
    private final int[] offsets;
    private final RoaringBitmap[] hidden;
    private final java.util.List<Map<Long, AdSpaceEntry>> adSpaces;
    private final int hiddenCount;

    /**
     * @param segments base first; at most {@link #MAX_SEGMENTS}
     * @param hidden   per segment, its local ordinals a later segment supersedes (the last one's is empty)
     * @param adSpaces per segment, its entries of the current ad spaces (the same key set for every segment)
     */
    Snapshot(Catalog catalog, Segment[] segments, RoaringBitmap[] hidden, java.util.List<Map<Long, AdSpaceEntry>> adSpaces) {
        if (segments.length < 1 || segments.length > MAX_SEGMENTS || hidden.length != segments.length || adSpaces.size() != segments.length) {
            throw new IllegalArgumentException("1.." + MAX_SEGMENTS + " segments, each with its hidden set and ad spaces");
        }
        this.catalog = catalog;
        this.segments = segments;
        this.hidden = hidden;
        this.adSpaces = adSpaces;
        this.offsets = new int[segments.length + 1];
        int hiddenTotal = 0;
        for (int i = 0; i < segments.length; i++) {
            offsets[i + 1] = offsets[i] + segments[i].size();
            hiddenTotal += hidden[i].getCardinality();
        }
        this.hiddenCount = hiddenTotal;
    }

    /** A snapshot of one full build: no delta, nothing hidden. */
    static Snapshot of(Segment base) {
        return new Snapshot(base.catalog, new Segment[] {base}, new RoaringBitmap[] {NOTHING}, java.util.List.of(base.adSpaces()));
    }

    /** The current catalog (the base's with the deltas' changes laid over it). */
    public Catalog catalog() {
        return catalog;
    }

    public long version() {
        return catalog.version();
    }

    public EngineConfig.AuctionConfig auction() {
        return segments[0].auction;
    }

    /** The full build this snapshot starts from. */
    public Segment base() {
        return segments[0];
    }

    /** How many segments: 1 (a full build) to {@link #MAX_SEGMENTS}. */
    public int segmentCount() {
        return segments.length;
    }

    /** Segment {@code i}: 0 is the base, later ones are deltas, newest last. */
    public Segment segment(int i) {
        return segments[i];
    }

    /** The global ordinal of segment {@code i}'s local ordinal 0 ({@code offset(segmentCount())} is {@link #size}). */
    public int offset(int i) {
        return offsets[i];
    }

    /** Local ordinals of segment {@code i} superseded by a later segment (changed or deleted since). Never modify the result. */
    public RoaringBitmap hidden(int i) {
        return hidden[i];
    }

    /** Segment {@code i}'s entry of an ad space, or {@code null} for an unknown ad space. */
    public AdSpaceEntry adSpace(int i, long adSpaceId) {
        return adSpaces.get(i).get(adSpaceId);
    }

    /** The segment holding a global ordinal. */
    public int segmentOf(int ordinal) {
        for (int i = segments.length - 1; i > 0; i--) {
            if (ordinal >= offsets[i]) {
                return i;
            }
        }
        return 0;
    }

    /** The range of ordinals (0 until this), hidden ones included: size arrays indexed by ordinal with it. */
    public int size() {
        return offsets[segments.length];
    }

    /** How many ad groups the catalog holds (hidden ordinals do not count). */
    public int adGroupCount() {
        return size() - hiddenCount;
    }

    public AdGroup group(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].group(ordinal - offsets[i]);
    }

    public long campaignId(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].campaignId(ordinal - offsets[i]);
    }

    public byte tier(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].tier(ordinal - offsets[i]);
    }

    /** Micros of the auction currency one unit of this group's account currency is worth. */
    public long accountMicrosPerUnit(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].accountMicrosPerUnit(ordinal - offsets[i]);
    }

    /** Servable creatives of the group (approved, http(s) click URL), in id order. */
    public Creative[] creatives(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].creatives(ordinal - offsets[i]);
    }

    /** The ad group id of an ordinal (the auction's tie-break: lower id first). */
    public long groupId(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].groupId(ordinal - offsets[i]);
    }

    /** Precomputed eCPM (auction-currency micros) of an ordinal on one placement type's priors. */
    public long ecpm(PlacementType placement, int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].ecpmOn(placement)[ordinal - offsets[i]];
    }

    /** Ordinal of an ad group id, or {@code -1}: the newest segment that has it and does not hide it. */
    public int ordinalOf(long adGroupId) {
        for (int i = segments.length - 1; i >= 0; i--) {
            int o = segments[i].ordinalOf(adGroupId);
            if (o >= 0) {
                return hidden[i].contains(o) ? -1 : offsets[i] + o;
            }
        }
        return -1;
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
     * them), or {@code null} for an unknown ad space. The other segments' are {@link #adSpace(int, long)}.
     */
    public AdSpaceEntry adSpace(long adSpaceId) {
        return adSpaces.get(0).get(adSpaceId);
    }

    /** Every ordinal that may serve on an ad space (see {@link AdSpaceEntry}); a composite, never modify it. */
    public RoaringBitmap servable(long adSpaceId) {
        if (adSpace(adSpaceId) == null) {
            return NOTHING;
        }
        return composite(i -> adSpace(i, adSpaceId).servable());
    }

    /** Ordinals an ad space's block lists remove (a composite, never modify it). */
    public RoaringBitmap blocked(long adSpaceId) {
        if (adSpace(adSpaceId) == null) {
            return NOTHING;
        }
        return composite(i -> adSpace(i, adSpaceId).blocked());
    }

    /** Ordinals without user-side rules (see {@link Segment#contextual}); a composite, never modify it. */
    public RoaringBitmap contextual() {
        return composite(i -> segments[i].contextual());
    }

    /** Whether one ordinal has no user-side rule. */
    public boolean isContextual(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].contextual().contains(ordinal - offsets[i]);
    }

    /** The frequency caps of an ordinal (its own, then its campaign's), or {@code null} when it has none. */
    public FrequencyRule[] capRules(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].capRules(ordinal - offsets[i]);
    }

    /**
     * Whether one of an ordinal's servable creatives holds the {@code {gaid}} click macro, computed when its segment
     * was built: false for nearly every group, so minting checks no creative's URLs.
     */
    public boolean gaidMacro(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].gaidMacro(ordinal - offsets[i]);
    }

    /** Whether a capped ordinal may serve a request without a usable user id ({@code capUnknownUsers}). */
    public boolean capUnknownUsers(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].capUnknownUsers(ordinal - offsets[i]);
    }

    /** The advertiser domain of an ordinal's campaign, or {@code null}. */
    public String advertiserDomain(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].advertiserDomain(ordinal - offsets[i]);
    }

    /** Ordinals that pass the static eligibility rule. Never modify the result. */
    public RoaringBitmap eligible() {
        return composite(i -> segments[i].eligible());
    }

    /** Ordinals accepting a normalised value of a dimension. Never modify the result. */
    public RoaringBitmap accepting(Dimension dimension, String value) {
        return composite(i -> segments[i].accepting(dimension, value));
    }

    /** Ordinals accepting an encoded OS version ({@code -1} unknown). Never modify the result. */
    public RoaringBitmap acceptingOsVersion(int version) {
        return composite(i -> segments[i].acceptingOsVersion(version));
    }

    /** Ordinals whose user-side targeting accepts a user the engine knows nothing about. Never modify the result. */
    public RoaringBitmap acceptingUnknownUser() {
        return composite(i -> segments[i].acceptingUnknownUser());
    }

    /** Whether one ordinal's user-side targeting accepts a user the engine knows nothing about. */
    public boolean acceptsUnknownUser(int ordinal) {
        int i = segmentOf(ordinal);
        return segments[i].acceptingUnknownUser().contains(ordinal - offsets[i]);
    }

    /** Ordinals whose schedule is live at this instant (see {@link Segment#liveAt}). Never modify the result. */
    public RoaringBitmap liveAt(long epochMillis) {
        return composite(i -> segments[i].liveAt(epochMillis));
    }

    /** Computes each segment's schedule bitmap for this instant's hour now (a publisher does it before the swap). */
    public void prepareSchedules(long epochMillis) {
        for (Segment s : segments) {
            s.liveAt(epochMillis);
        }
    }

    /** Every segment's part without its hidden ordinals, moved to its global ordinals. */
    private RoaringBitmap composite(java.util.function.IntFunction<RoaringBitmap> part) {
        if (segments.length == 1 && hidden[0].isEmpty()) {
            return part.apply(0);
        }
        RoaringBitmap all = new RoaringBitmap();
        for (int i = 0; i < segments.length; i++) {
            RoaringBitmap visible = RoaringBitmap.andNot(part.apply(i), hidden[i]);
            all.or(offsets[i] == 0 ? visible : RoaringBitmap.addOffset(visible, offsets[i]));
        }
        return all;
    }
}
