package io.adengine.index;

import io.adengine.config.EngineConfig;
import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.HoursOfWeek;
import io.adengine.model.LocalZone;
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

    private static final long QUARTER = LocalZone.QUARTER_MILLIS;

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
    final LocalZone[] zones;
    final HoursOfWeek[] hours;
    final Creative[][] creatives;
    final RoaringBitmap eligible;
    final Map<Long, AdSpaceEntry> adSpaces;
    final DimensionIndex[] dimensions;
    final OsVersionIndex osVersions;
    final RoaringBitmap acceptsUnknownUser;
    final RoaringBitmap contextual;
    final String[] advertiserDomains;
    // Per ordinal: its frequency caps and its campaign's (null: uncapped), and whether a capped group takes unknown users.
    final FrequencyRule[][] capRules;
    /** Per ordinal: whether one of its servable creatives holds the {@code {gaid}} click macro. */
    final boolean[] gaidMacro;
    final boolean[] capUnknownUsers;
    // The schedule bitmaps of the two latest UTC quarter hours asked for, by quarter parity: the current one,
    // and the next one, computed ahead by the engine's clock task so no request pays for it at the boundary.
    private final LiveQuarter[] live = new LiveQuarter[2];

    /** The schedule bitmap of one UTC quarter hour. */
    private record LiveQuarter(long quarter, RoaringBitmap live) {
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
             long[] bidAuctionMicros, long[][] ecpmByPlacement, long[] accountMicrosPerUnit, long[] flightStart, long[] flightEnd, LocalZone[] zones,
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
        this.zones = zones;
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
        this.gaidMacro = new boolean[groups.length];
        for (int i = 0; i < groups.length; i++) {
            for (Creative c : creatives[i] == null ? new Creative[0] : creatives[i]) {
                gaidMacro[i] |= c.usesGaidMacro();
            }
        }
        this.capRules = new FrequencyRule[groups.length][];
        this.capUnknownUsers = new boolean[groups.length];
        for (int i = 0; i < groups.length; i++) {
            capRules[i] = FrequencyRule.of(groups[i], parts.brand().campaigns()[i]);
            capUnknownUsers[i] = groups[i].capUnknownUsers();
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

    /** The bid in micros of the auction currency (the order inside a rank block: descending). */
    public long bidAuctionMicros(int ordinal) {
        return bidAuctionMicros[ordinal];
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
        return SnapshotBuilder.entry(parts, space, auction, SnapshotBuilder.fitting(parts, space));
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

    /** The frequency caps of an ordinal (its own, then its campaign's), or {@code null} when it has none. */
    public FrequencyRule[] capRules(int ordinal) {
        return capRules[ordinal];
    }

    /** Whether one of an ordinal's servable creatives holds the {@code {gaid}} click macro ({@link Creative#usesGaidMacro}). */
    public boolean gaidMacro(int ordinal) {
        return gaidMacro[ordinal];
    }

    /** Whether a capped ordinal may serve a request without a usable user id. */
    public boolean capUnknownUsers(int ordinal) {
        return capUnknownUsers[ordinal];
    }

    /** The advertiser domain of an ordinal's campaign, or {@code null} when it declares none. */
    public String advertiserDomain(int ordinal) {
        return advertiserDomains[ordinal];
    }

    /**
     * Ordinals whose schedule (flight and hours of the week, in their own time zone) is live at this
     * instant. Every zone's local hour and every flight bound change only at UTC quarter hours (see
     * {@link LocalZone#QUARTER_MILLIS}), so one bitmap per quarter hour is exact; it is computed once and
     * cached (two quarters at a time). Never modify the result.
     */
    public RoaringBitmap liveAt(long epochMillis) {
        long quarter = Math.floorDiv(epochMillis, QUARTER);
        int slot = (int) (quarter & 1);
        LiveQuarter cached = live[slot];
        if (cached != null && cached.quarter == quarter) {
            return cached.live;
        }
        RoaringBitmap bitmap = computeLive(quarter * QUARTER);
        // Written without a lock: a race only costs one more computation, and a LiveQuarter is immutable.
        live[slot] = new LiveQuarter(quarter, bitmap);
        return bitmap;
    }

    private RoaringBitmap computeLive(long quarterStart) {
        RoaringBitmap bitmap = new RoaringBitmap();
        // Many groups share a zone: look its hour of the week up once.
        java.util.IdentityHashMap<LocalZone, Integer> hourByZone = new java.util.IdentityHashMap<>();
        for (int i = 0; i < groups.length; i++) {
            if (quarterStart >= flightStart[i] && quarterStart < flightEnd[i]) {
                LocalZone zone = zones[i];
                Integer hour = hourByZone.get(zone);
                if (hour == null) {
                    hour = zone.hourOfWeek(quarterStart);
                    hourByZone.put(zone, hour);
                }
                if (hours[i].contains(hour)) {
                    bitmap.add(i);
                }
            }
        }
        return bitmap;
    }
}
