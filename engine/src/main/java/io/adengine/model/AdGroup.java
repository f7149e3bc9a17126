package io.adengine.model;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The unit of targeting, budget and bid (seed 001 §3.1.2).
 *
 * @param app          the promoted app, or {@code null} for non-download campaigns
 * @param installState which users to reach by their install state of {@code app}
 * @param placements   placement types the group may appear on (at least one)
 * @param adSpaceIds   ad spaces it is pinned to (empty: any ad space of its placements)
 * @param publisherIds publishers it is pinned to (empty: any publisher)
 * @param deliveryOn   the delivery switch
 * @param rejectReason why review rejected it, or {@code null}
 * @param conversionWindowSeconds how long after its click (or, view-through, its impression) a conversion still
 *                     counts for this group (default {@value #CONVERSION_WINDOW_DEFAULT_SECONDS}, at most
 *                     {@value #CONVERSION_WINDOW_MAX_SECONDS})
 * @param viewThroughConversions whether a conversion after an impression without a click counts too
 * @param frequencyCaps per-user caps of this group's own events ({@link FrequencyCap}; at most {@value FrequencyCap#MAX_CAPS})
 * @param capUnknownUsers whether a capped group (by its own caps or its campaign's) may serve a request without a usable
 *                     user id (no GAID, the all-zero GAID, limited ad tracking, or privacy signals that forbid user data),
 *                     whom no cap can count; default false
 * @param conversionEvents the conversion event names (a postback's {@code event}) that are this group's goal: charged
 *                     under CPA and counted as conversions (reports, learned conversion rates); other events are
 *                     journaled and reported as other conversions, never charged. Empty (the default): every
 *                     conversion event is a goal. At most {@value #CONVERSION_EVENTS_MAX} names, each matching
 *                     {@link #EVENT_NAME}; matched exactly (case-sensitive)
 */
public record AdGroup(
        long id,
        long version,
        long campaignId,
        String name,
        PromotedApp app,
        InstallStateTarget installState,
        Set<PlacementType> placements,
        Set<Long> adSpaceIds,
        Set<Long> publisherIds,
        Targeting targeting,
        Schedule schedule,
        Budget budget,
        Bid bid,
        ReviewStatus review,
        String rejectReason,
        boolean deliveryOn,
        long conversionWindowSeconds,
        boolean viewThroughConversions,
        java.util.List<FrequencyCap> frequencyCaps,
        boolean capUnknownUsers,
        List<String> conversionEvents) {

    /** Seven days: the click-through window most measurement partners default to. */
    public static final long CONVERSION_WINDOW_DEFAULT_SECONDS = 7 * 86_400L;
    /** Thirty days. */
    public static final long CONVERSION_WINDOW_MAX_SECONDS = 30 * 86_400L;
    /** One hour. */
    public static final long CONVERSION_WINDOW_MIN_SECONDS = 3_600L;
    /** The most goal event names a group may list. */
    public static final int CONVERSION_EVENTS_MAX = 20;
    /** What a conversion event name is made of: 1 to 64 ASCII letters, digits, '_', '.' or '-' (as a postback's event). */
    public static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** A group with the default conversion window and no view-through conversions. */
    public AdGroup(long id, long version, long campaignId, String name, PromotedApp app, InstallStateTarget installState,
                   Set<PlacementType> placements, Set<Long> adSpaceIds, Set<Long> publisherIds, Targeting targeting, Schedule schedule,
                   Budget budget, Bid bid, ReviewStatus review, String rejectReason, boolean deliveryOn) {
        this(id, version, campaignId, name, app, installState, placements, adSpaceIds, publisherIds, targeting, schedule, budget, bid,
                review, rejectReason, deliveryOn, CONVERSION_WINDOW_DEFAULT_SECONDS, false);
    }

    /** A group without frequency caps. */
    public AdGroup(long id, long version, long campaignId, String name, PromotedApp app, InstallStateTarget installState,
                   Set<PlacementType> placements, Set<Long> adSpaceIds, Set<Long> publisherIds, Targeting targeting, Schedule schedule,
                   Budget budget, Bid bid, ReviewStatus review, String rejectReason, boolean deliveryOn, long conversionWindowSeconds,
                   boolean viewThroughConversions) {
        this(id, version, campaignId, name, app, installState, placements, adSpaceIds, publisherIds, targeting, schedule, budget, bid,
                review, rejectReason, deliveryOn, conversionWindowSeconds, viewThroughConversions, java.util.List.of(), false);
    }

    /** A group whose every conversion event is a goal (no {@code conversionEvents}). */
    public AdGroup(long id, long version, long campaignId, String name, PromotedApp app, InstallStateTarget installState,
                   Set<PlacementType> placements, Set<Long> adSpaceIds, Set<Long> publisherIds, Targeting targeting, Schedule schedule,
                   Budget budget, Bid bid, ReviewStatus review, String rejectReason, boolean deliveryOn, long conversionWindowSeconds,
                   boolean viewThroughConversions, java.util.List<FrequencyCap> frequencyCaps, boolean capUnknownUsers) {
        this(id, version, campaignId, name, app, installState, placements, adSpaceIds, publisherIds, targeting, schedule, budget, bid,
                review, rejectReason, deliveryOn, conversionWindowSeconds, viewThroughConversions, frequencyCaps, capUnknownUsers, List.of());
    }

    /** This group with other frequency caps. */
    public AdGroup withFrequencyCaps(java.util.List<FrequencyCap> caps, boolean capUnknown) {
        return new AdGroup(id, version, campaignId, name, app, installState, placements, adSpaceIds, publisherIds, targeting, schedule,
                budget, bid, review, rejectReason, deliveryOn, conversionWindowSeconds, viewThroughConversions, caps, capUnknown,
                conversionEvents);
    }

    public AdGroup {
        if (conversionWindowSeconds < CONVERSION_WINDOW_MIN_SECONDS || conversionWindowSeconds > CONVERSION_WINDOW_MAX_SECONDS) {
            throw new IllegalArgumentException("conversionWindowSeconds must be " + CONVERSION_WINDOW_MIN_SECONDS + ".."
                    + CONVERSION_WINDOW_MAX_SECONDS);
        }
        frequencyCaps = FrequencyCap.checked(frequencyCaps);
        conversionEvents = List.copyOf(conversionEvents);
        if (conversionEvents.size() > CONVERSION_EVENTS_MAX) {
            throw new IllegalArgumentException("conversionEvents holds at most " + CONVERSION_EVENTS_MAX + " event names");
        }
        for (String event : conversionEvents) {
            if (!EVENT_NAME.matcher(event).matches()) {
                throw new IllegalArgumentException("conversionEvents: \"" + event + "\" is not 1 to 64 letters, digits, '_', '.' or '-'");
            }
        }
        placements = Set.copyOf(placements);
        adSpaceIds = Set.copyOf(adSpaceIds);
        publisherIds = Set.copyOf(publisherIds);
        if (placements.isEmpty()) {
            throw new IllegalArgumentException("placements must name at least one placement type");
        }
    }

    /**
     * Whether a conversion event of this name is one of the group's goals (charged, counted as a conversion). The
     * empty name (a conversion without one, {@code POST /v1/events/conversion}) is always a goal.
     */
    public boolean isGoal(String event) {
        return event.isEmpty() || conversionEvents.isEmpty() || conversionEvents.contains(event);
    }

    /** As {@link #isGoal(String)} for a name in ASCII bytes {@code name[0..length)} (the event pipeline's, allocation-free). */
    public boolean isGoal(byte[] name, int length) {
        if (length == 0 || conversionEvents.isEmpty()) {
            return true;
        }
        for (String event : conversionEvents) {
            if (event.length() == length && asciiEquals(event, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean asciiEquals(String event, byte[] name) {
        for (int i = 0; i < event.length(); i++) {
            if (event.charAt(i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether this group can appear on the given ad space (placement, pinning and publisher; not format). */
    public boolean acceptsAdSpace(AdSpace space) {
        return placements.contains(space.placement())
                && (adSpaceIds.isEmpty() || adSpaceIds.contains(space.id()))
                && (publisherIds.isEmpty() || publisherIds.contains(space.publisherId()));
    }
}
