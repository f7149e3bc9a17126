package io.adengine.model;

/**
 * At most {@code max} counted events of one kind per user in any {@code windowSeconds} (0: the user's
 * lifetime), on an ad group or on a campaign (counted over its groups). Counted per user from the counted
 * impression and click trackers (events pipeline), checked on the serving path; windows are bucketed (see
 * {@code frequency.FrequencyCounts}): a cap may hold an ad back up to a seventh of its window longer than an
 * exact sliding window would, never shorter.
 *
 * @param event         which counted events the cap counts
 * @param max           1..{@value #MAX_COUNT}
 * @param windowSeconds 0 (lifetime) or {@value #MIN_WINDOW_SECONDS}..{@value #MAX_WINDOW_SECONDS} (a minute to a year)
 */
public record FrequencyCap(Event event, int max, long windowSeconds) {

    /** What a cap counts. */
    public enum Event {
        IMPRESSION,
        CLICK
    }

    /** Caps on one ad group or one campaign, at most. */
    public static final int MAX_CAPS = 4;
    public static final int MAX_COUNT = 10_000;
    /** The window of a lifetime cap. */
    public static final long LIFETIME = 0;
    public static final long MIN_WINDOW_SECONDS = 60;
    public static final long MAX_WINDOW_SECONDS = 365 * 86_400L;

    public FrequencyCap {
        if (event == null) {
            throw new IllegalArgumentException("event is required");
        }
        if (max < 1 || max > MAX_COUNT) {
            throw new IllegalArgumentException("max must be 1.." + MAX_COUNT);
        }
        if (windowSeconds != LIFETIME && (windowSeconds < MIN_WINDOW_SECONDS || windowSeconds > MAX_WINDOW_SECONDS)) {
            throw new IllegalArgumentException("windowSeconds must be 0 (lifetime) or " + MIN_WINDOW_SECONDS + ".." + MAX_WINDOW_SECONDS);
        }
    }

    /**
     * Checks a list of caps for one ad group or campaign: at most {@link #MAX_CAPS}, no two with the same event
     * and window (they would share one counter; the smaller max alone would matter). Returns the copy to keep.
     */
    public static java.util.List<FrequencyCap> checked(java.util.List<FrequencyCap> caps) {
        if (caps == null) {
            return java.util.List.of();
        }
        if (caps.size() > MAX_CAPS) {
            throw new IllegalArgumentException("at most " + MAX_CAPS + " frequency caps");
        }
        for (int i = 0; i < caps.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (caps.get(i).event == caps.get(j).event && caps.get(i).windowSeconds == caps.get(j).windowSeconds) {
                    throw new IllegalArgumentException("two frequency caps of " + caps.get(i).event + " over the same window");
                }
            }
        }
        return java.util.List.copyOf(caps);
    }
}
