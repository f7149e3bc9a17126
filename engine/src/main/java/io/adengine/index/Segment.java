package io.adengine.index;

import io.adengine.config.EngineConfig;
import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.HoursOfWeek;
import org.roaringbitmap.RoaringBitmap;

import java.util.Map;

/**
 * One immutable part of a {@link Snapshot}: a set of ad groups with dense ordinals in rank order (rank
 * block, then bid descending, then id; see {@link Snapshot#RANK_BLOCKS}), so the auction can walk a
 * candidate bitmap best-first. Per-ordinal facts live in parallel arrays so that loop touches no maps.
 * A snapshot is a large base segment (a full build) plus, between full builds, a small delta segment
 * holding the ad groups changed since (see {@link SnapshotBuilder#patch}). The per-hour schedule bitmap
 * is a cache computed from immutable fields.
 */
public final class Segment {

    private static final long HOUR_MILLIS = 3_600_000L;

    final Catalog catalog;
    final ServableParts parts;
    final EngineConfig.AuctionConfig auction;
    final AdGroup[] groups;
    final long[] groupIds;
    final int[] blockStarts;
    final long[] sortedIds;
    final int[] ordinalBySortedId;
    final long[] campaignIds;
    final byte[] tiers;
    final long[] bidAuctionMicros;
    final long[][] ecpmByPlacement;
    final long[] accountMicrosPerUnit;
    final long[] flightStart;
    final long[] flightEnd;
    final int[] utcOffsets;
    final HoursOfWeek[] hours;
    final Creative[][] creatives;
    final RoaringBitmap eligible;
    final Map<Long, AdSpaceEntry> adSpaces;
    final DimensionIndex[] dimensions;
    final OsVersionIndex osVersions;
    final RoaringBitmap acceptsUnknownUser;
    final RoaringBitmap contextual;
    final String[] advertiserDomains;
    private volatile LiveHour liveHour;

    /** The schedule bitmap of one UTC hour. */
    private record LiveHour(long hour, RoaringBitmap live) {
    }

    /**
     * The per-group bitmaps an ad space's servable set is folded from, kept so that a changed or new ad
     * space can be folded again over this segment without a rebuild.
     */
    record ServableParts(RoaringBitmap eligible, Map<io.adengine.model.PlacementType, RoaringBitmap> byPlacement,
                         Map<io.adengine.model.CreativeFormat, RoaringBitmap> byFormat, RoaringBitmap unpinnedSpace,
                         Map<Long, RoaringBitmap> pinnedSpace, RoaringBitmap unpinnedPublisher, Map<Long, RoaringBitmap> pinnedPublisher,
                         BrandParts brand) {
    }

    /**
     * What an ad space's block lists are checked against: the ordinals by advertiser domain, by promoted app
     * and by content category (a creative's categories and their tier-1 parents), plus each ordinal's
     * campaign, group and creatives for the exact check of the few ordinals a block list names.
     */
    record BrandParts(Map<String, RoaringBitmap> byDomain, Map<String, RoaringBitmap> byApp, Map<String, RoaringBitmap> byCategory,
                      io.adengine.model.Campaign[] campaigns, AdGroup[] groups, Creative[][] creatives) {
    }

    Segment(Catalog catalog, ServableParts parts, EngineConfig.AuctionConfig auction, AdGroup[] groups, int[] blockStarts, long[] campaignIds, byte[] tiers,
             long[] bidAuctionMicros, long[][] ecpmByPlacement, long[] accountMicrosPerUnit, long[] flightStart, long[] flightEnd, int[] utcOffsets,
             HoursOfWeek[] hours, Creative[][] creatives, RoaringBitmap eligible, Map<Long, AdSpaceEntry> adSpaces,
             DimensionIndex[] dimensions, OsVersionIndex osVersions, RoaringBitmap acceptsUnknownUser, RoaringBitmap contextual) {
        this.catalog = catalog;
        this.parts = parts;
        this.auction = auction;
        this.groups = groups;
        this.blockStarts = blockStarts;
        this.groupIds = new long[groups.length];
        for (int i = 0; i < groups.length; i++) {
            groupIds[i] = groups[i].id();
        }
        this.sortedIds = groupIds.clone();
        java.util.Arrays.sort(sortedIds);
        this.ordinalBySortedId = new int[groups.length];
        for (int i = 0; i < groups.length; i++) {
            ordinalBySortedId[java.util.Arrays.binarySearch(sortedIds, groupIds[i])] = i;
        }
        this.campaignIds = campaignIds;
        this.tiers = tiers;
        this.bidAuctionMicros = bidAuctionMicros;
        this.ecpmByPlacement = ecpmByPlacement;
        this.accountMicrosPerUnit = accountMicrosPerUnit;
        this.flightStart = flightStart;
        this.flightEnd = flightEnd;
        this.utcOffsets = utcOffsets;
        this.hours = hours;
        this.creatives = creatives;
        this.eligible = eligible;
        this.adSpaces = Map.copyOf(adSpaces);
        this.dimensions = dimensions;
        this.osVersions = osVersions;
        this.acceptsUnknownUser = acceptsUnknownUser;
        this.contextual = contextual;
        this.advertiserDomains = new String[groups.length];
        for (int i = 0; i < groups.length; i++) {
            io.adengine.model.Campaign c = parts.brand().campaigns()[i];
            advertiserDomains[i] = c == null ? null : c.advertiserDomain();
        }
    }

    /** The catalog this segment was built from: the full catalog of a base, only the changed groups' part for a delta. */
    public Catalog catalog() {
        return catalog;
    }

    /** Number of ad groups (ordinals run 0 until this). */
    public int size() {
        return groups.length;
    }

    public AdGroup group(int ordinal) {
        return groups[ordinal];
    }

    public long campaignId(int ordinal) {
        return campaignIds[ordinal];
    }

    public byte tier(int ordinal) {
        return tiers[ordinal];
    }

    /** Micros of the auction currency one unit of this group's account currency is worth. */
    public long accountMicrosPerUnit(int ordinal) {
        return accountMicrosPerUnit[ordinal];
    }

    /** Servable creatives of the group (approved, http(s) click URL), in id order. */
    public Creative[] creatives(int ordinal) {
        return creatives[ordinal];
    }

    /** Ordinal of an ad group id, or {@code -1}. */
    public int ordinalOf(long adGroupId) {
        int pos = java.util.Arrays.binarySearch(sortedIds, adGroupId);
        return pos < 0 ? -1 : ordinalBySortedId[pos];
    }

    /** The ad group id of an ordinal (the auction's tie-break: lower id first). */
    public long groupId(int ordinal) {
        return groupIds[ordinal];
    }

    /** First ordinal of a rank block ({@code block == RANK_BLOCKS} gives the size). */
    public int blockStart(int block) {
        return blockStarts[block];
    }

    /** Precomputed eCPM (auction-currency micros) of every ordinal on one placement type's priors. */
    public long[] ecpmOn(io.adengine.model.PlacementType placement) {
        return ecpmByPlacement[placement.ordinal()];
    }

    /** The ad space as this segment's ordinals see it, or {@code null} for an ad space it was not built with. */
    public AdSpaceEntry adSpace(long adSpaceId) {
        return adSpaces.get(adSpaceId);
    }

    /** The ad space entries this segment was built with, by id. */
    Map<Long, AdSpaceEntry> adSpaces() {
        return adSpaces;
    }

    /** Folds an ad space's servable ordinals of this segment (static eligibility, placement, pinning, publisher, format). */
    AdSpaceEntry entryFor(io.adengine.model.AdSpace space) {
        return SnapshotBuilder.entry(parts, space, auction.priors().get(space.placement()), SnapshotBuilder.fitting(parts, space));
    }

    /** Ordinals that pass the static eligibility rule. Never modify the result. */
    public RoaringBitmap eligible() {
        return eligible;
    }

    /** Ordinals accepting a normalised value of a dimension. Never modify the result. */
    public RoaringBitmap accepting(Dimension dimension, String value) {
        return dimensions[dimension.ordinal()].accepting(value);
    }

    /** Ordinals accepting an encoded OS version ({@code -1} unknown). Never modify the result. */
    public RoaringBitmap acceptingOsVersion(int version) {
        return osVersions.accepting(version);
    }

    /**
     * Ordinals whose user-side targeting accepts a user the engine knows nothing about: no gender, no
     * age, no audience and no installed app. The audience module refines this for known users.
     */
    public RoaringBitmap acceptingUnknownUser() {
        return acceptsUnknownUser;
    }

    /**
     * Ordinals with no rule that reads user data (no demographics, no audiences included or excluded, no
     * install state): all that may serve when a request's privacy signals allow contextual targeting only.
     */
    public RoaringBitmap contextual() {
        return contextual;
    }

    /** The advertiser domain of an ordinal's campaign, or {@code null} when it declares none. */
    public String advertiserDomain(int ordinal) {
        return advertiserDomains[ordinal];
    }

    /**
     * Ordinals whose schedule (flight dates and hours of the week, in their own time zone) is live at
     * this instant. Computed once per UTC hour and cached. Never modify the result.
     */
    public RoaringBitmap liveAt(long epochMillis) {
        long hour = Math.floorDiv(epochMillis, HOUR_MILLIS);
        LiveHour cached = liveHour;
        if (cached != null && cached.hour == hour) {
            return cached.live;
        }
        RoaringBitmap live = computeLive(hour * HOUR_MILLIS);
        liveHour = new LiveHour(hour, live);
        return live;
    }

    private RoaringBitmap computeLive(long hourStart) {
        RoaringBitmap live = new RoaringBitmap();
        // Offsets are whole hours and flights start and end at local midnight, so every boundary is a
        // UTC hour boundary: what holds at the hour's first millisecond holds for the whole hour.
        for (int i = 0; i < groups.length; i++) {
            if (hourStart >= flightStart[i] && hourStart < flightEnd[i]
                    && hours[i].contains(HoursOfWeek.hourOfWeek(hourStart, utcOffsets[i]))) {
                live.add(i);
            }
        }
        return live;
    }
}
